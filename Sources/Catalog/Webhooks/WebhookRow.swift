import Foundation

/// A row of `webhooks`.
struct WebhookRow: TableRow {
    static let table = "webhooks"
    var id: UUID, url: String, secret: String
    /// The events' names, comma-separated.
    var events: String
    var enabled: Bool, createdAt: StoredTime, createdBy: UUID?
    var audience: Webhook.Audience
}

extension WebhookRow {
    init(_ webhook: Webhook) {
        self.init(id: webhook.id, url: webhook.url, secret: webhook.secret,
                  events: webhook.events.map(\.rawValue).joined(separator: ","), enabled: webhook.enabled,
                  createdAt: StoredTime(webhook.createdAt), createdBy: nil, audience: webhook.audience)
    }
}

extension Webhook {
    /// The webhook in `row`; an event this build does not know is left out.
    init(_ row: WebhookRow) {
        self.init(id: row.id, url: row.url, secret: row.secret,
                  events: row.events.split(separator: ",").compactMap { Event(rawValue: String($0)) }, audience: row.audience,
                  enabled: row.enabled,
                  createdAt: row.createdAt.date)
    }
}
