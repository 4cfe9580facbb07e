import Foundation
import SQLKit

/// An API server process that said it is alive.
public struct ServerRecord: Sendable, Hashable, Codable {
    public let id: String
    public let host: String
    public let pid: Int
    /// Where it listens.
    public let url: String
    public let startedAt: Timestamp
    public let heartbeatAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, host, pid, url, startedAt = "started_at", heartbeatAt = "heartbeat_at"
    }
}

/// A row of `servers`.
struct ServerRow: TableRow {
    static let table = "servers"
    var id: String, host: String, pid: Int, url: String, startedAt: StoredTime, heartbeatAt: StoredTime
}

/// API servers: each says it is alive every few seconds while it runs, as workers do
/// (``registerWorker(id:host:pid:concurrency:)``), so that whoever must know that no process
/// writes to the catalog (`dailies catalog copy`) can ask.
extension Catalog {
    public func registerServer(id: String, host: String, pid: Int, url: String) async throws {
        try await database.write { db in
            try await db.delete(from: ServerRow.table).where("id", .equal, SQLBind(id)).run()
            let now = StoredTime(self.now)
            try await db.insert(ServerRow(id: id, host: host, pid: pid, url: url, startedAt: now, heartbeatAt: now))
        }
    }

    public func serverHeartbeat(id: String) async throws {
        try await database.write { db in
            try await db.update(ServerRow.table).set("heartbeat_at", to: self.now.bind).where("id", .equal, SQLBind(id)).run()
        }
    }

    public func removeServer(id: String) async throws {
        try await database.write { db in
            try await db.delete(from: ServerRow.table).where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Servers that sent a heartbeat within `window`.
    public func liveServers(within window: Duration = .seconds(15)) async throws -> [ServerRecord] {
        try await database.read { db in
            try await db.select(ServerRow.self)
                .where("heartbeat_at", .greaterThanOrEqual, self.now.addingTimeInterval(-window.seconds).bind)
                .orderBy("started_at").all(ServerRow.self)
                .map { ServerRecord(id: $0.id, host: $0.host, pid: $0.pid, url: $0.url, startedAt: $0.startedAt.date,
                                    heartbeatAt: $0.heartbeatAt.date) }
        }
    }
}
