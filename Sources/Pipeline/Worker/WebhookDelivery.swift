import Catalog
import Crypto
import Foundation
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Delivers one webhook job: an HTTP POST of its JSON body, signed so the receiver can
/// tell it came from Dailies.
///
/// Headers: `X-Dailies-Event`, `X-Dailies-Delivery` (the job id, the same on every retry),
/// and `X-Dailies-Signature: sha256=<hex HMAC-SHA256 of the body with the webhook's secret>`.
/// A 2xx answer completes the job; anything else (or no answer in 10 s) is retried later
/// with growing delays, by the queue, without holding anything else up.
struct WebhookDelivery {
    let catalog: Catalog
    let owner: String
    let logger: Logger

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 15
        return URLSession(configuration: configuration)
    }()

    func run(_ job: Job) async {
        do {
            let payload = try job.decodePayload(WebhookJob.self)
            let webhook: Webhook
            do {
                webhook = try await catalog.webhook(id: payload.webhookID)
            } catch {
                try await catalog.failJob(jobID: job.id, owner: owner, error: "the webhook was deleted", retryable: false)
                return
            }
            guard let url = URL(string: webhook.url) else {
                try await catalog.failJob(jobID: job.id, owner: owner, error: "the webhook's address is malformed", retryable: false)
                return
            }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.httpBody = Data(payload.body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(payload.event, forHTTPHeaderField: "X-Dailies-Event")
            request.setValue(job.id.uuidString, forHTTPHeaderField: "X-Dailies-Delivery")
            request.setValue("sha256=" + Self.signature(body: payload.body, secret: webhook.secret),
                             forHTTPHeaderField: "X-Dailies-Signature")
            do {
                let (_, response) = try await Self.session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) {
                    try await catalog.completeJob(jobID: job.id, owner: owner)
                } else {
                    try await catalog.failJob(jobID: job.id, owner: owner, error: "the receiver answered HTTP \(status)")
                }
            } catch {
                try await catalog.failJob(jobID: job.id, owner: owner, error: "no answer from \(url.host ?? "the receiver"): \(error.localizedDescription)")
            }
        } catch {
            logger.error("webhook job \(job.id) could not be recorded: \(error)")
        }
    }

    /// The hex HMAC-SHA256 of `body` under `secret`.
    static func signature(body: String, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.hexEncoded
    }
}
