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
    }

    public let id: UUID
    public let url: String
    /// Signs every delivery: `X-Dailies-Signature: sha256=<HMAC-SHA256 of the body>`.
    public let secret: String
    public let events: [Event]
    public var enabled: Bool
    public let createdAt: Timestamp

    enum CodingKeys: String, CodingKey { case id, url, secret, events, enabled, createdAt = "created_at" }

    /// The job lane of a webhook's deliveries: one receiver, one delivery at a time.
    static func laneKey(_ id: UUID) -> String { "webhook:\(id.uuidString)" }
}
