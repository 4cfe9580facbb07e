import Foundation
import SQLKit
import Testing

@testable import Catalog

/// The row layer on a real database (a SQLite file, or PostgreSQL): what each column holds,
/// and what a row the catalog cannot read answers.
@Suite("Table rows")
struct TableRowTests {
    /// A job row with every column filled.
    static func fullJob(at time: Date) -> JobRow {
        let when = StoredTime(time)
        return JobRow(id: UUID(), kind: .transcode, payload: "{}", state: .running, attempts: 1, maxAttempts: 3,
                      leaseOwner: "w1", leaseExpiresAt: when, heartbeatAt: when, progressDone: 5, progressTotal: 10,
                      lastError: "disk hiccup", runAfter: when, cancelRequested: true, idempotencyKey: "key", batchId: UUID(),
                      createdAt: when, startedAt: when, finishedAt: when, updatedAt: when, laneKey: "lane")
    }

    /// What the engine says it holds in `columns` of the job with `id`, in SQLite's words
    /// (PostgreSQL's typed columns say their type; a NULL in one is "null" here too).
    static func storedTypes(_ columns: [String], id: UUID, _ catalog: Catalog) async throws -> [String] {
        let postgres = catalog.database.dialect == .postgres
        return try await catalog.database.read { db in
            var query = db.select().from("jobs").where("id", .equal, id.bind)
            for column in columns {
                let type: any SQLExpression = postgres
                    ? SQLRaw("CASE WHEN \(column) IS NULL THEN 'null' ELSE CASE pg_typeof(\(column))::text "
                             + "WHEN 'bigint' THEN 'integer' WHEN 'boolean' THEN 'integer' ELSE pg_typeof(\(column))::text END END")
                    : SQLFunction("typeof", args: SQLColumn(column))
                query = query.column(type, as: column)
            }
            let row = try #require(try await query.first())
            return try columns.map { try row.decode(column: $0, as: String.self) }
        }
    }

    @Test("a row round-trips: ids as TEXT, times as integer milliseconds, flags as integers, nil as NULL")
    func roundTrip() async throws {
        try await withCatalog { catalog in
            let row = Self.fullJob(at: Date(timeIntervalSince1970: 1_795_428_000.123))
            try await catalog.database.write { db in try await db.insert(row) }
            let read = try await catalog.database.read { db in try await db.row(JobRow.self, id: row.id) }
            #expect(read == row)
            #expect(try await Self.storedTypes(["id", "batch_id", "created_at", "lease_expires_at", "cancel_requested", "kind"],
                                               id: row.id, catalog) == ["text", "text", "integer", "integer", "integer", "text"])
            let stored = try await catalog.database.read { db in
                try #require(try await db.select().columns("id", "created_at").from("jobs").first())
            }
            #expect(try stored.decode(column: "id", as: String.self) == row.id.uuidString, "the id as the API spells it")
            #expect(try stored.decode(column: "created_at", as: Int64.self) == 1_795_428_000_123)
            #expect(try await catalog.job(id: row.id).createdAt == Date(timeIntervalSince1970: 1_795_428_000.123))
        }
    }

    @Test("an update writes every column: nil clears one")
    func updateClears() async throws {
        try await withCatalog { catalog in
            var row = Self.fullJob(at: Date())
            try await catalog.database.write { db in try await db.insert(row) }
            row.batchId = nil
            row.leaseExpiresAt = nil
            row.lastError = nil
            row.state = .queued
            try await catalog.database.write { db in try await db.update(row) }
            let read = try await catalog.database.read { db in try await db.row(JobRow.self, id: row.id) }
            #expect(read == row)
            #expect(try await Self.storedTypes(["batch_id", "lease_expires_at", "last_error"], id: row.id, catalog)
                    == ["null", "null", "null"])
        }
    }

    @Test("a row with a malformed id or an unknown enum value is damaged, and the error names the table and the row")
    func damaged() async throws {
        try await withCatalog { catalog in
            let row = Self.fullJob(at: Date())
            try await catalog.database.write { db in try await db.insert(row) }

            try await catalog.database.write { db in
                try await db.update("jobs").set("state", to: SQLBind("exploded")).where("id", .equal, row.id.bind).run()
            }
            let unknownState = await #expect(throws: CatalogError.self) { _ = try await catalog.job(id: row.id) }
            #expect(unknownState?.code == .damaged)
            #expect(unknownState?.message.contains("jobs row \(row.id.uuidString)") == true)
            #expect(unknownState?.message.contains("state") == true)

            try await catalog.database.write { db in
                try await db.update("jobs").set("state", to: SQLBind("queued")).set("id", to: SQLBind("not-a-uuid")).run()
            }
            let malformedID = await #expect(throws: CatalogError.self) { _ = try await catalog.jobs() }
            #expect(malformedID?.code == .damaged)
            #expect(malformedID?.message.contains("jobs row not-a-uuid") == true)
        }
    }
}
