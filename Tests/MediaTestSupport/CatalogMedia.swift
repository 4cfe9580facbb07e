import Catalog
import Foundation

/// Gives a version a registered proxy with `playback`'s facts (the file itself is not
/// needed by the catalog), as a finished transcode would.
public func giveMedia(_ catalog: Catalog, versionID: UUID, playback: PlaybackInfo) async throws {
    let (_, job) = try await catalog.registerOriginal(versionID: versionID, path: "originals/test/\(UUID()).mov",
                                                      fileName: "clip.mov", size: 1, sha256: String(repeating: "0", count: 64),
                                                      profile: "review-1080")
    while let claimed = try await catalog.claimJob(kinds: [.transcode], owner: "test", lease: .seconds(60)), claimed.id != job.id {
        _ = try await catalog.failJob(jobID: claimed.id, owner: "test", error: "not this one", retryable: false)
    }
    let info = String(decoding: try JSONEncoder().encode(playback), as: UTF8.self)
    _ = try await catalog.registerOutputs(
        versionID: versionID, profile: "review-1080", sourceSHA256: String(repeating: "0", count: 64),
        [Catalog.Output(kind: .proxy, path: "derived/test/proxy.mp4", fileName: "proxy.mp4", size: 1,
                        sha256: String(repeating: "1", count: 64), mediaInfo: info)],
        completingJob: job.id, owner: "test")
}
