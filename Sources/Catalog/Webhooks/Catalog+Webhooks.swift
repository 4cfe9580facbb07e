import Foundation
import SQLKit

/// Webhooks: who is told about pipeline events, and the deliveries queued for them.
extension Catalog {
    /// Subscribes `url` to `events`; the secret that signs deliveries is made here.
    ///
    /// Refuses what can be refused before anything is sent (see ``WebhookTarget`` and
    /// ``WebhookAddressPolicy``): other schemes, credentials in the URL, and hosts that are
    /// literal addresses the deliveries may not reach. Names are judged at each delivery, by
    /// the addresses they resolve to then.
    public func createWebhook(url: String, events: [Webhook.Event], audience: Webhook.Audience = .staff) async throws -> Webhook {
        let target = try WebhookTarget(url: url)
        guard !events.isEmpty else { throw CatalogError.invalid("events", "must name at least one event") }
        let webhook = Webhook(id: UUID(), url: url.trimmingCharacters(in: .whitespaces),
                              secret: SecretToken.generate(prefix: "whsec_").value,
                              events: Array(Set(events)).sorted { $0.rawValue < $1.rawValue }, audience: audience,
                              enabled: true, createdAt: now)
        try await database.write { db in
            if let address = target.literalAddress {
                let policy = WebhookAddressPolicy(allowedNetworks: try await self.organizationRow(db).settings.allowedNetworks)
                if let refusal = policy.refusal(of: address, host: target.host) {
                    throw CatalogError.invalid("url", refusal)
                }
            }
            try await db.insert(WebhookRow(webhook))
        }
        return webhook
    }

    public func webhooks() async throws -> [Webhook] {
        try await database.read { db in try await self.webhooks(db) }
    }

    public func webhook(id: UUID) async throws -> Webhook {
        guard let webhook = try await webhooks().first(where: { $0.id == id }) else { throw CatalogError.notFound("webhook", id) }
        return webhook
    }

    public func deleteWebhook(id: UUID) async throws {
        try await database.write { db in
            guard try await db.count("webhooks", where: "id", equals: id.bind) > 0 else { throw CatalogError.notFound("webhook", id) }
            try await db.delete(from: "webhooks").where("id", .equal, id.bind).run()
        }
    }

    private func webhooks(_ db: any SQLDatabase) async throws -> [Webhook] {
        try await db.select(WebhookRow.self).orderBy("created_at").all(WebhookRow.self).map(Webhook.init)
    }

    /// Queues a delivery of `event` with `data` to every enabled webhook subscribed to it.
    /// Deliveries are jobs of their own: a failing receiver is retried with backoff and never
    /// holds up the pipeline. Each webhook's deliveries share a lane, so they run one at a time
    /// and a receiver that hangs holds one delivery slot, never the others'.
    public func emit(_ event: Webhook.Event, data: some Encodable) async throws {
        try await database.write { db in try await self.emit(event, data: data, db) }
    }

    /// Queues `event` in the transaction of the change it tells of. Feedback passes the
    /// visibility rule first: a webhook for clients gets only what a collaborator of the
    /// session who wrote none of it may see, so an internal comment never reaches it.
    ///
    /// - Parameters:
    ///   - feedback: who may see what the event is about, and whether the session shows
    ///     collaborators each other's comments; `nil` for events that are not feedback.
    func emit(_ event: Webhook.Event, data: some Encodable, feedback: (FeedbackVisibility, commentsVisibleToOthers: Bool)? = nil,
              _ db: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var body: String?
        for webhook in try await self.webhooks(db) where webhook.enabled && webhook.events.contains(event) {
            if webhook.audience == .clients {
                // The webhook looks on as a collaborator of its own (its id), who owns no feedback.
                guard !event.isStaffOnly else { continue }
                if let (visibility, visibleToOthers) = feedback,
                   !visibility.allows(.collaborator(webhook.id), commentsVisibleToOthers: visibleToOthers) { continue }
            }
            if body == nil {
                body = String(decoding: try encoder.encode(
                    WebhookEnvelope(id: UUID(), event: event.rawValue, occurredAt: Date().ISO8601Format(), data: data)),
                    as: UTF8.self)
            }
            let job = WebhookJob(webhookID: webhook.id, event: event.rawValue, body: body!)
            _ = try await self.enqueue(.webhook, payload: String(decoding: try JSONEncoder().encode(job), as: UTF8.self),
                                       idempotencyKey: nil, maxAttempts: 8, batchID: nil,
                                       laneKey: Webhook.laneKey(webhook.id), db)
        }
    }
}

/// A webhook delivery's body: `{"id", "event", "occurred_at", "data"}`.
struct WebhookEnvelope<Payload: Encodable>: Encodable {
    let id: UUID
    let event: String
    let occurredAt: String
    let data: Payload
    enum CodingKeys: String, CodingKey { case id, event, occurredAt = "occurred_at", data }
}
