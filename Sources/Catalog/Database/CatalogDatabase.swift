import Foundation
import Logging
import SQLKit
import SQLiteKit

/// Where a catalog keeps its records, and the SQL that differs between engines.
///
/// Everything else in the catalog writes portable SQL through sql-kit; what SQLite and
/// PostgreSQL spell differently is decided here and nowhere else.
enum CatalogDialect: Sendable {
    case sqlite

    /// Starts a write transaction that holds the write lock from its first statement, so
    /// two writers never deadlock upgrading read locks.
    var beginWrite: SQLQueryString {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        }
    }

    /// Settings for each new connection.
    var connectionSetup: [SQLQueryString] {
        switch self {
        case .sqlite: [
            // Readers do not block the writer, nor the writer readers; survives a crash.
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            // Another process (a CLI command, a worker) holding the write lock: wait, don't fail.
            "PRAGMA busy_timeout = 10000",
        ]
        }
    }
}

/// The catalog's connection and the lock that gives each unit of work the connection alone.
final class CatalogDatabase: Sendable {
    let dialect: CatalogDialect
    private let connection: SQLiteConnection
    private let database: any SQLDatabase
    private let lock = AsyncLock()

    /// Opens (creating if need be) the SQLite file at `path`.
    static func openSQLite(path: String, logger: Logger) async throws -> CatalogDatabase {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let database = connection.sql(queryLogLevel: .trace)
        do {
            for statement in CatalogDialect.sqlite.connectionSetup {
                try await database.raw(statement).run()
            }
        } catch {
            try? await connection.close()
            throw error
        }
        return CatalogDatabase(dialect: .sqlite, connection: connection, database: database)
    }

    private init(dialect: CatalogDialect, connection: SQLiteConnection, database: any SQLDatabase) {
        self.dialect = dialect
        self.connection = connection
        self.database = database
    }

    func close() async throws {
        try await connection.close()
    }

    /// Runs `body` with the connection to itself.
    func read<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        await lock.acquire()
        do {
            let result = try await body(database)
            await lock.release()
            return result
        } catch {
            await lock.release()
            throw error
        }
    }

    /// Runs `body` in a write transaction: all of it happens, or (when it throws) none of it.
    func write<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await read { database in
            try await database.raw(dialect.beginWrite).run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
