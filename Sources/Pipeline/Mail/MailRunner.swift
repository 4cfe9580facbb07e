import Catalog
import Foundation
import Logging

/// Runs mail jobs: delivers one mail of the outbox. A relay that refuses for good (5xx) fails
/// the mail; anything else (a 4xx, a relay down, hanging or dropping the connection) is
/// retried by the queue with growing delays, and the mail waits in the outbox meanwhile.
/// A mail already sent is never sent again: its job finds it so and completes.
struct MailRunner: Sendable {
    let catalog: Catalog
    let delivery: any MailDelivery
    let owner: String
    let logger: Logger

    func run(_ job: Job) async {
        do {
            let payload = try job.decodePayload(MailJob.self)
            let mail: OutboxMail
            do {
                mail = try await catalog.outboxMail(id: payload.mailID)
            } catch let error as CatalogError where error.code == .notFound {
                _ = try await catalog.failJob(jobID: job.id, owner: owner, error: "the mail is not in the outbox", retryable: false)
                return
            }
            guard mail.state == .queued else {
                try await catalog.completeJob(jobID: job.id, owner: owner)
                return
            }
            do {
                try await delivery.deliver(MailMessage(sender: mail.sender, recipients: mail.recipients, text: mail.message))
            } catch {
                let permanent = (error as? MailDeliveryError)?.isPermanent ?? false
                let failed = try await catalog.failJob(jobID: job.id, owner: owner, error: "\(error)", retryable: !permanent)
                // Out of tries counts as for good.
                try await catalog.recordMailFailure(id: mail.id, error: "\(error)", permanent: permanent || failed?.state == .failed)
                logger.warning("mail \(mail.id) to \(mail.recipients.joined(separator: ", ")) not delivered: \(error)")
                return
            }
            try await catalog.markMailSent(id: mail.id, completingJob: job.id, owner: owner)
        } catch {
            logger.error("mail job \(job.id) could not be recorded: \(error)")
        }
    }
}
