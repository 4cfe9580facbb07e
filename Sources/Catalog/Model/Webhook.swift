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

/// A resumable upload in progress: its bytes so far are in a file the pipeline keeps.
public struct Upload: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let versionID: UUID
    public let fileName: String
    /// The whole upload's size in bytes.
    public let size: Int64
    /// The SHA-256 the client promised, checked when the last byte arrives.
    public let sha256: String?
    public let createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", fileName = "file_name", size, sha256, createdAt = "created_at"
    }
}

/// A worker process that said it is alive.
public struct WorkerRecord: Sendable, Hashable, Codable {
    public let id: String
    public let host: String
    public let pid: Int
    public let concurrency: Int
    public let startedAt: Timestamp
    public let heartbeatAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, host, pid, concurrency, startedAt = "started_at", heartbeatAt = "heartbeat_at"
    }
}
