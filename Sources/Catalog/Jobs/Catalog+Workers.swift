import Foundation
import SQLKit

/// Worker processes: each says it is alive, so staff can see who is working.
extension Catalog {
    public func registerWorker(id: String, host: String, pid: Int, concurrency: Int) async throws {
        try await database.write { db in
            try await db.delete(from: "workers").where("id", .equal, SQLBind(id)).run()
            let now = StoredTime(self.now)
            try await db.insert(WorkerRow(id: id, host: host, pid: pid, concurrency: concurrency, startedAt: now, heartbeatAt: now))
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
            try await db.select(WorkerRow.self)
                .where("heartbeat_at", .greaterThanOrEqual, self.now.addingTimeInterval(-window.seconds).bind)
                .all(WorkerRow.self).map(WorkerRecord.init)
        }
    }
}
