import Foundation
import SQLKit

/// Worker processes: each says it is alive, so staff can see who is working.
extension Catalog {
    public func registerWorker(id: String, host: String, pid: Int, concurrency: Int) async throws {
        try await database.write { db in
            try await db.delete(from: "workers").where("id", .equal, SQLBind(id)).run()
            try await db.insert(into: "workers").columns("id", "host", "pid", "concurrency", "started_at", "heartbeat_at")
                .values(SQLBind(id), SQLBind(host), SQLBind(pid), SQLBind(concurrency), self.now.bind, self.now.bind).run()
        }
    }

    public func workerHeartbeat(id: String) async throws {
        try await database.write { db in
            try await db.update("workers").set("heartbeat_at", to: self.now.bind).where("id", .equal, SQLBind(id)).run()
        }
    }

    public func removeWorker(id: String) async throws {
        try await database.write { db in
            try await db.delete(from: "workers").where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Workers that sent a heartbeat within `window`.
    public func liveWorkers(within window: Duration = .seconds(15)) async throws -> [WorkerRecord] {
        try await database.read { db in
            try await db.select().column("*").from("workers")
                .where("heartbeat_at", .greaterThanOrEqual, self.now.addingTimeInterval(-window.seconds).bind).all().map { row in
                    WorkerRecord(id: try row.string("id"), host: try row.string("host"), pid: try row.int("pid"),
                                 concurrency: try row.int("concurrency"), startedAt: try row.timestamp("started_at"),
                                 heartbeatAt: try row.timestamp("heartbeat_at"))
                }
        }
    }
}
