import Foundation

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
