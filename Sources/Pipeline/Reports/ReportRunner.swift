import Catalog
import Foundation
import Logging
import Media
import Report
import Synchronization

/// Makes one session's PDF report: gathers what the report's reader may see, draws it on a
/// thread of the worker's own (cairo and the frame grabs block), keeps the job's lease with
/// heartbeats that carry the progress (pictures drawn of pictures in all), then stores the
/// PDF where the store keeps reports (`reports/<session>/<report>.pdf`) and registers it.
///
/// Pictures are the comments' frame receipts where ready, otherwise frame-exact grabs from
/// the proxy through the worker's warm grabber pool. A report that fails is retried by the
/// queue; after its last attempt the report is marked failed with the reason.
struct ReportRunner: Sendable {
    let catalog: Catalog
    let store: any BlobStore
    let owner: String
    let lease: Duration
    let heartbeatInterval: Duration
    let grabbers: FrameGrabberPool
    let threads: BlockingPool.Lane
    let logger: Logger

    func run(_ job: Job) async {
        do {
            let payload = try job.decodePayload(ReportJob.self)
            let report: SessionReport
            do {
                report = try await catalog.report(id: payload.reportID)
            } catch let error as CatalogError where error.code == .notFound {
                // Its session was deleted, and the report with it: nothing left to make.
                _ = try await catalog.completeJob(jobID: job.id, owner: owner)
                return
            }
            guard report.state == .queued else {
                _ = try await catalog.completeJob(jobID: job.id, owner: owner)
                return
            }
            do {
                try await make(report, job: job)
            } catch let error as CatalogError where error.code == .unavailable {
                try await catalog.releaseJob(jobID: job.id, owner: owner)
            } catch {
                let reason = "\(error)"
                if let failed = try await catalog.failJob(jobID: job.id, owner: owner, error: reason), failed.state == .failed {
                    try await catalog.failReport(id: report.id, reason: reason)
                }
                logger.warning("report \(report.id) of session \(report.sessionID) failed (attempt \(job.attempts)): \(reason)")
            }
        } catch {
            logger.error("report job \(job.id) could not be recorded: \(error)")
        }
    }

    private func make(_ report: SessionReport, job: Job) async throws {
        let feedback = try await SessionFeedback.gather(sessionID: report.sessionID, for: report.viewer, options: report.options,
                                                        catalog: catalog)
        let progress = Atomic<Int>(0)
        let total = Atomic<Int>(0)
        let writer = PDFReport(feedback: feedback, stills: StoredFrameStills(grabbers: grabbers, absolutePath: store.absolutePath)) {
            progress.store($0, ordering: .relaxed)
            total.store($1, ordering: .relaxed)
        }
        total.store(writer.pictureCount, ordering: .relaxed)
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeatInterval)
                _ = try? await catalog.heartbeat(jobID: job.id, owner: owner, lease: lease,
                                                 progressDone: progress.load(ordering: .relaxed),
                                                 progressTotal: total.load(ordering: .relaxed))
            }
        }
        defer { heartbeat.cancel() }

        let temporary = try store.temporaryPath() + ".pdf"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let (result, sha256, size) = try await threads.run {
            let result = try writer.write(to: temporary)
            let (sha256, size) = try Durability.sha256(ofFile: temporary)
            return (result, sha256, size)
        }
        let relative = store.reportPath(sessionID: report.sessionID, reportID: report.id)
        let path = store.absolutePath(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Durability.rename(temporary, to: path)
        _ = try? await catalog.heartbeat(jobID: job.id, owner: owner, lease: lease, progressDone: writer.pictureCount,
                                         progressTotal: writer.pictureCount)
        if try await !catalog.completeReport(id: report.id, path: relative, size: size, sha256: sha256, pages: result.pages,
                                                 pictures: result.pictures) {
            try? FileManager.default.removeItem(atPath: path)
        }
        _ = try await catalog.completeJob(jobID: job.id, owner: owner)
        logger.info("report \(report.id) of session \(report.sessionID): \(result.pages) pages, \(result.pictures.count) frames")
    }
}
