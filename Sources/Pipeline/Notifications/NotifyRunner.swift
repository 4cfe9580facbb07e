import Catalog
import Foundation
import Logging

/// Runs notify jobs: gathers one recipient's waiting notices of one session into one mail
/// (``NotificationMail``) and writes it into the outbox, all in the transaction that
/// completes the job. Notices that come while the mail is written wait for the next one.
///
/// A comment's frame receipt is grabbed by a job of its own, seconds after the comment: a
/// mail that would show receipts still being grabbed waits for them a little (up to
/// ``receiptPatience`` after its newest notice), then goes with what is ready.
struct NotifyRunner: Sendable {
    static let receiptPatience: TimeInterval = 60

    let catalog: Catalog
    let store: any BlobStore
    let owner: String
    let logger: Logger

    func run(_ job: Job) async {
        do {
            let payload = try job.decodePayload(NotifyJob.self)
            guard let pending = try await catalog.pendingMail(for: payload.recipient, sessionID: payload.sessionID) else {
                try await catalog.finishNotify(for: payload.recipient, sessionID: payload.sessionID, completingJob: job.id,
                                               owner: owner)
                return
            }
            let newest = pending.entries.map(\.notice.createdAt).max() ?? Date()
            if pending.entries.contains(where: \.receiptPending), Date().timeIntervalSince(newest) < Self.receiptPatience {
                try await catalog.releaseJob(jobID: job.id, owner: owner, after: .seconds(1))
                return
            }
            // The receipts are small JPEGs, a handful per mail.
            var receipts: [String: Data] = [:]
            for path in Set(pending.entries.compactMap(\.receiptPath)) {
                if let jpeg = FileManager.default.contents(atPath: store.absolutePath(path)) { receipts[path] = jpeg }
            }
            let message = try NotificationMail.render(pending, receipts: receipts)
            try await catalog.recordMail(gathering: pending.entries.map(\.notice.id), for: payload.recipient,
                                         sessionID: payload.sessionID, sender: message.sender, recipients: message.recipients,
                                         message: message.text, completingJob: job.id, owner: owner)
        } catch {
            logger.error("notify job \(job.id) failed: \(error)")
            _ = try? await catalog.failJob(jobID: job.id, owner: owner, error: "\(error)")
        }
    }
}
