import Foundation

/// An address outside Dailies told about pipeline events by a signed HTTP POST.
public struct Webhook: Sendable, Hashable, Codable, Identifiable {
    /// What a webhook can be told.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        case mediaUploaded = "media.uploaded"
        case transcodeStarted = "transcode.started"
        case transcodeSucceeded = "transcode.succeeded"
        case transcodeFailed = "transcode.failed"
        case reprocessFinished = "reprocess.finished"
        /// A comment or reply was written in a review session.
        case commentCreated = "comment.created"
        /// A collaborator's verdict on an item changed.
        case statusChanged = "status.changed"
        /// Staff transferred a session's feedback onto versions and tasks.
        case feedbackTransferred = "feedback.transferred"

        /// Events about staff's own work, which webhooks for clients never get.
        var isStaffOnly: Bool { self == .feedbackTransferred }
    }

    /// Who a webhook's receiver speaks for, and so which feedback it may be told of.
    public enum Audience: String, Sendable, Hashable, Codable, CaseIterable {
        /// The studio's own systems: every event, internal comments included.
        case staff
        /// Systems clients see: only feedback any collaborator may see (no internal comments,
        /// no one's comments in a session that hides them from others), and no staff-only events.
        case clients
    }

    public let id: UUID
    public let url: String
    /// Signs every delivery: `X-Dailies-Signature: sha256=<HMAC-SHA256 of the body>`.
    public let secret: String
    public let events: [Event]
    public let audience: Audience
    public var enabled: Bool
    public let createdAt: Timestamp

    enum CodingKeys: String, CodingKey { case id, url, secret, events, audience, enabled, createdAt = "created_at" }

    /// The job lane of a webhook's deliveries: one receiver, one delivery at a time.
    static func laneKey(_ id: UUID) -> String { "webhook:\(id.uuidString)" }
}
