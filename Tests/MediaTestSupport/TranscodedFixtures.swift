import Foundation
import FrameTime
import Media
import Synchronization

/// Each fixture transcoded once per test process with the default profile, shared by every
/// test that looks at proxies, posters and filmstrips.
public enum TranscodedFixtures {
    public struct Output: Sendable {
        public let directory: String
        public let manifest: TranscodeManifest

        public func path(_ name: String) -> String {
            (directory as NSString).appendingPathComponent(name)
        }
    }

    private static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("dailies-test-transcodes-\(ProcessInfo.processInfo.processIdentifier)")
    private static let cache = Mutex<[String: Result<Output, MediaError>]>([:])

    /// The outputs of `fixture`, transcoding it the first time it is asked for.
    public static func output(_ fixture: Fixture) throws -> Output {
        try output(name: fixture.name, path: fixture.path)
    }

    /// The outputs of the gapped sequence `fixture` with its gaps filled as `gapFill` says.
    public static func output(_ fixture: GappedFixture, gapFill: GapFill = .hold) throws -> Output {
        try output(name: "\(fixture.name)-\(gapFill)", path: fixture.path,
                   options: TranscodeOptions(probe: ProbeOptions(sequence: SequenceOptions(gapFill: gapFill))))
    }

    /// The outputs of `path`, cached under `name`.
    private static func output(name: String, path: String, options: TranscodeOptions = TranscodeOptions()) throws -> Output {
        try cache.withLock { cache in
            if let done = cache[name] { return try done.get() }
            let directory = root.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_")).path
            let result = Result { () throws(MediaError) -> Output in
                Output(directory: directory, manifest: try Transcoder.transcode(path, to: directory, options: options))
            }
            cache[name] = result
            return try result.get()
        }
    }
}
