import Catalog
import Crypto
import Foundation
import Logging

/// Delivers one webhook job: an HTTP POST of its JSON body, signed so the receiver can
/// tell it came from Dailies.
///
/// Headers: `X-Dailies-Event`, `X-Dailies-Delivery` (the job id, the same on every retry),
/// and `X-Dailies-Signature: sha256=<hex HMAC-SHA256 of the body with the webhook's secret>`.
/// A 2xx answer completes the job. A 3xx fails it for good (redirects are not followed, so
/// the signed body never goes anywhere the studio did not name), as does a target address
/// the ``WebhookAddressPolicy`` refuses. Anything else (another status, no connection, no
/// answer within the answer timeout) is retried later with growing delays by the queue.
struct WebhookDelivery: Sendable {
    let catalog: Catalog
    let owner: String
    let configuration: WebhookConfiguration
    let client: WebhookClient
    let logger: Logger

    init(catalog: Catalog, owner: String, configuration: WebhookConfiguration, logger: Logger) {
        self.catalog = catalog
        self.owner = owner
        self.configuration = configuration
        self.client = WebhookClient(configuration: configuration)
        self.logger = logger
    }

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
            let target: WebhookTarget
            do throws(CatalogError) {
                target = try WebhookTarget(url: webhook.url)
            } catch {
                try await catalog.failJob(jobID: job.id, owner: owner, error: "the webhook's address: \(error.message)",
                                          retryable: false)
                return
            }
            // The studio's networks as they stand now: a network taken off the list stops deliveries at once.
            let policy = WebhookAddressPolicy(allowedNetworks: try await catalog.organization().allowedNetworks,
                                              allowLoopbackForTests: configuration.allowLoopbackForTests)
            let request = WebhookClient.Request(target: target, headers: [
                ("Content-Type", "application/json"),
                ("X-Dailies-Event", payload.event),
                ("X-Dailies-Delivery", job.id.uuidString),
                ("X-Dailies-Signature", "sha256=" + Self.signature(body: payload.body, secret: webhook.secret)),
            ], body: payload.body)
            let status: Int
            do throws(WebhookDeliveryError) {
                status = try await client.post(request, policy: policy)
            } catch {
                try await catalog.failJob(jobID: job.id, owner: owner, error: error.message, retryable: error.isRetryable)
                return
            }
            switch status {
            case 200..<300:
                try await catalog.completeJob(jobID: job.id, owner: owner)
            case 300..<400:
                try await catalog.failJob(jobID: job.id, owner: owner,
                                          error: "the receiver answered HTTP \(status); redirects are not followed",
                                          retryable: false)
            default:
                try await catalog.failJob(jobID: job.id, owner: owner, error: "the receiver answered HTTP \(status)")
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
