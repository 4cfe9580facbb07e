import Synchronization
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// Where a catalog keeps its records, and the SQL that differs between engines.
///
/// Everything else in the catalog writes portable SQL through sql-kit; what SQLite and
/// PostgreSQL spell differently is decided here and nowhere else.
enum CatalogDialect: Sendable {
    case sqlite

    /// Starts a read unit of work: one consistent snapshot for all of its statements.
    var beginRead: SQLQueryString {
        switch self {
        case .sqlite: "BEGIN DEFERRED"
        }
    }

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

    /// What an engine's own error means for the caller, when it means something: a write that
    /// clashes with a unique key is a conflict (409), not a server fault; a full disk is a
    /// service that cannot take writes now (503).
    func refusal(for error: any Error) -> CatalogError? {
        switch self {
        case .sqlite:
            guard let error = error as? SQLiteError else { return nil }
            switch error.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed:
                return CatalogError(.conflict, "a record with the same unique value already exists")
            case .constraintForeignKeyFailed:
                return CatalogError(.conflict, "the change refers to a record that no longer exists, or one still referred to")
            case .full:
                return CatalogError(.unavailable, "the disk holding the catalog is full", retryAfter: 60)
            default:
                return nil
            }
        }
    }

    /// Settings for a connection that only ever reads: a write through it fails loudly
    /// instead of slipping past the writer.
    var readOnlySetup: [SQLQueryString] {
        switch self {
        case .sqlite: ["PRAGMA query_only = ON"]
        }
    }
}

/// The catalog's connections: a small pool of readers beside one writer.
///
/// A unit of work is a ``read(_:)`` or a ``write(_:)``: it borrows a connection, runs in a
/// transaction of its own and gives the connection back. Reads run side by side on the
/// readers (SQLite's WAL lets them see the last commit while a write is under way); writes
/// are transactions the database serialises (`BEGIN IMMEDIATE`), across processes too. This
/// is the shape a PostgreSQL pool takes as well: only the dialect differs.
///
/// A unit of work does SQL only. Anything slow (a KDF, a file's hash, a network call)
/// happens before or after it, never inside, or it would hold a connection — and for a
/// write, every other writer — for its whole length.
final class CatalogDatabase: Sendable {
    let dialect: CatalogDialect
    private let readers: ConnectionPool
    private let writer: ConnectionPool
    /// The threads SQLite's calls run on: the catalog's own, so its queries never wait
    /// behind other blocking work (passphrase hashing, frame grabs) elsewhere in the process.
    private let threads: NIOThreadPool

    /// Opens (creating if need be) the SQLite file at `path`.
    static func openSQLite(path: String, readers readerCount: Int, logger: Logger) async throws
        -> CatalogDatabase
    {
        let threads = NIOThreadPool(numberOfThreads: readerCount + 1)
        threads.start()
        var opened: [SQLiteConnection] = []
        do {
            // The writer first: it creates the file and turns on WAL before any reader opens it.
            let writer = try await openConnection(path: path, threads: threads, setup: CatalogDialect.sqlite.connectionSetup,
                                                  logger: logger)
            opened.append(writer)
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await openConnection(
                    path: path, threads: threads,
                    setup: CatalogDialect.sqlite.connectionSetup + CatalogDialect.sqlite.readOnlySetup, logger: logger)
                opened.append(reader)
                readers.append(reader)
            }
            return CatalogDatabase(dialect: .sqlite, readers: ConnectionPool(readers), writer: ConnectionPool([writer]),
                                   threads: threads)
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threads.shutdownGracefully()
            throw error
        }
    }

    private static func openConnection(path: String, threads: NIOThreadPool, setup: [SQLQueryString], logger: Logger)
        async throws -> SQLiteConnection
    {
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threads, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any()
        ).get()
        do {
            let database = connection.sql(queryLogLevel: .trace)
            for statement in setup {
                try await database.raw(statement).run()
            }
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }

    private init(dialect: CatalogDialect, readers: ConnectionPool, writer: ConnectionPool, threads: NIOThreadPool) {
        self.dialect = dialect
        self.readers = readers
        self.writer = writer
        self.threads = threads
    }

    /// Closes every connection once its unit of work is done; the catalog must not be used after.
    func close() async throws {
        for connection in await readers.drain() + writer.drain() {
            try? await connection.close()
        }
        try await threads.shutdownGracefully()
    }

    /// Runs `body` on a read connection, in one snapshot of the catalog.
    func read<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await readers.withConnection { connection in
            try await transaction(on: connection.sql(queryLogLevel: .trace), begin: dialect.beginRead, body)
        }
    }

    /// Runs `body` in a write transaction: all of it happens, or (when it throws) none of it.
    /// What `body` asks to do after commit (``AfterCommit/run(_:)``) runs once the change is
    /// visible to every reader, and never for a change rolled back.
    func write<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        let afterCommit = AfterCommit()
        let result = try await AfterCommit.$current.withValue(afterCommit) {
            try await writer.withConnection { connection in
                try await transaction(on: connection.sql(queryLogLevel: .trace), begin: dialect.beginWrite, body)
            }
        }
        afterCommit.fire()
        return result
    }

    private func transaction<Result>(on database: any SQLDatabase, begin: SQLQueryString,
                                     _ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await database.raw(begin).run()
        do {
            let result = try await body(database)
            try await database.raw("COMMIT").run()
            return result
        } catch {
            // In a task of its own: a cancelled caller (a room closing mid-look) must still
            // roll back, or the connection goes back to the pool inside its transaction.
            await Task { try? await database.raw("ROLLBACK").run() }.value
            throw dialect.refusal(for: error) ?? error
        }
    }
}

/// Work a write transaction leaves for after its commit: telling the live rooms that a
/// session has new events, which a reader must be able to see when it looks.
final class AfterCommit: Sendable {
    @TaskLocal static var current: AfterCommit?

    private let actions = Mutex<[@Sendable () -> Void]>([])

    /// Runs `action` after the current write transaction commits (at once outside one).
    static func run(_ action: @escaping @Sendable () -> Void) {
        guard let current else { return action() }
        current.actions.withLock { $0.append(action) }
    }

    fileprivate func fire() {
        for action in actions.withLock({ $0 }) { action() }
    }
}
