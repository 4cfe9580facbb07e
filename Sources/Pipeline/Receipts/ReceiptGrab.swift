import Catalog
import Crypto
import Foundation
import Logging
import Media

/// Makes one comment's frame receipt: grabs the comment's frame from the proxy, stores the
/// still as a JPEG at the proxy's size and registers it with the SHA-256 of the grabber's
/// full-size, tightly packed RGB24 pixels (taken before encoding, so the hash names the
/// picture, not one encoder's bytes).
///
/// Stills live under `receipts/<session>/<comment>-<frame>.jpg`, outside every transcode
/// run's folder, so reprocessing a version never removes what a reviewer saw. A grab that
/// fails is retried by the queue; after its last attempt the receipt is marked failed.
struct ReceiptGrab: Sendable {
    let catalog: Catalog
    let store: any BlobStore
    let owner: String
    let grabbers: FrameGrabberPool
    let threads: BlockingPool.Lane
    let logger: Logger

    func run(_ job: Job) async {
        do {
            let payload = try job.decodePayload(ReceiptJob.self)
            guard let target = try await catalog.receiptTarget(commentID: payload.commentID) else {
                // Deleted, or moved off any frame: nothing left to grab.
                _ = try await catalog.completeJob(jobID: job.id, owner: owner)
                return
            }
            do {
                let relative = "receipts/\(target.sessionID.uuidString.lowercased())/"
                    + "\(target.commentID.uuidString.lowercased())-\(target.frame).jpg"
                let proxy = store.absolutePath(target.proxyPath)
                let temporary = try store.temporaryPath()
                defer { try? FileManager.default.removeItem(atPath: temporary) }
                let sha256 = try await threads.run { [grabbers] in
                    let (picture, jpeg) = try grabbers.still(path: proxy, frame: target.frame)
                    try Data(jpeg).write(to: URL(fileURLWithPath: temporary))
                    return SHA256.hash(data: picture.pixels).hexEncoded
                }
                let path = store.absolutePath(relative)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try Durability.rename(temporary, to: path)
                if try await !catalog.registerReceipt(target, sha256: sha256, path: relative) {
                    try? FileManager.default.removeItem(atPath: path)
                }
                _ = try await catalog.completeJob(jobID: job.id, owner: owner)
            } catch let error as CatalogError where error.code == .unavailable {
                try await catalog.releaseJob(jobID: job.id, owner: owner)
            } catch {
                let reason = "the frame receipt of comment \(target.commentID) (frame \(target.frame)): \(error)"
                if let failed = try await catalog.failJob(jobID: job.id, owner: owner, error: reason), failed.state == .failed {
                    try await catalog.failReceipt(target, reason: "\(error)")
                }
            }
        } catch {
            logger.error("receipt job \(job.id) could not be recorded: \(error)")
        }
    }
}
