import Catalog
import Foundation
import Logging

/// Runs notify jobs: gathers one recipient's waiting notices of one session into one mail
/// (``NotificationMail``) and writes it into the outbox, all in the transaction that
/// completes the job. Notices that come while the mail is written wait for the next one.
struct NotifyRunner: Sendable {
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
