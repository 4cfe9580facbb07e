import PostgresKit
import SQLKit
import SQLiteKit

/// Which engine keeps the catalog, and the SQL that differs between them.
///
/// Everything else in the catalog writes portable SQL through sql-kit; what SQLite and
/// PostgreSQL spell differently is decided here and nowhere else.
///
/// The two engines give a unit of work the same guarantees:
/// - a read sees one consistent snapshot of the catalog for all of its statements;
/// - writes happen one at a time, each seeing every write committed before it, so that a
///   unit of work may look, then change what it saw (SQLite's `BEGIN IMMEDIATE` takes its one
///   write lock; PostgreSQL's writers take one transaction-scoped advisory lock);
/// - a job claim (``beginClaim``) is the exception on PostgreSQL: many workers claim at once,
///   each locking only the row it takes and skipping rows another holds
///   (`FOR UPDATE SKIP LOCKED`), so a busy queue never waits on one writer.
enum CatalogDialect: Sendable {
    case sqlite
    case postgres

    /// The advisory lock every PostgreSQL write transaction holds until it ends: the
    /// catalog's one write lock, as SQLite has its own. ("dailies" in ASCII.)
    static let writeLock: Int64 = 0x0064_6169_6c69_6573

    /// Starts a read unit of work: one consistent snapshot for all of its statements.
    var beginRead: [SQLQueryString] {
        switch self {
        case .sqlite: ["BEGIN DEFERRED"]
        case .postgres: ["BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"]
        }
    }

    /// Starts a write transaction that holds the write lock from its first statement, so
    /// two writers never deadlock upgrading read locks, and each sees the last one's commit.
    var beginWrite: [SQLQueryString] {
        switch self {
        case .sqlite: ["BEGIN IMMEDIATE"]
        case .postgres: ["BEGIN ISOLATION LEVEL READ COMMITTED", "SELECT pg_advisory_xact_lock(\(literal: Self.writeLock))"]
        }
    }

    /// Starts a job claim: a write that on PostgreSQL does not take the write lock and locks
    /// only the rows it selects `FOR UPDATE SKIP LOCKED` (see ``Catalog/claimJob(kinds:owner:lease:)``).
    var beginClaim: [SQLQueryString] {
        switch self {
        case .sqlite: beginWrite
        case .postgres: ["BEGIN ISOLATION LEVEL READ COMMITTED"]
        }
    }

    /// Whether `SELECT … FOR UPDATE SKIP LOCKED` exists (SQLite has one writer, and no row locks).
    var locksRows: Bool { self == .postgres }

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
        case .postgres: [
            // A process that hangs (or is stopped) inside a transaction must not hold the
            // write lock for ever: the server ends its session after a minute.
            "SET idle_in_transaction_session_timeout = '60s'",
            // Waiting for the write lock: as SQLite's busy timeout, then a clear failure.
            "SET lock_timeout = '30s'",
        ]
        }
    }

    /// Settings for a connection that only ever reads: a write through it fails loudly
    /// instead of slipping past the writer.
    var readOnlySetup: [SQLQueryString] {
        switch self {
        case .sqlite: ["PRAGMA query_only = ON"]
        case .postgres: ["SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"]
        }
    }

    /// Whether a unit of work that failed with `error` may simply run again: PostgreSQL
    /// ends one of two transactions that wait on each other (a deadlock), or that could not
    /// be made one after the other; nothing of it was kept.
    func mayRetry(after error: any Error) -> Bool {
        switch self {
        case .sqlite: false
        case .postgres: ["40001", "40P01"].contains(Self.sqlState(of: error))
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
                return .duplicate
            case .constraintForeignKeyFailed:
                return .danglingReference
            case .full:
                return .diskFull
            default:
                return nil
            }
        case .postgres:
            guard let error = error as? PSQLError else { return nil }
            switch error.code {
            case .server:
                switch Self.sqlState(of: error) {
                case "23505": return .duplicate
                case "23503": return .danglingReference
                case "53100": return .diskFull
                case "55P03": return CatalogError(.unavailable, "the catalog is busy: another write held it too long", retryAfter: 5)
                case "53300":
                    return CatalogError(.unavailable, "the catalog's database has no connection to spare (its max_connections)",
                                        retryAfter: 5)
                case let state? where state.hasPrefix("08") || state.hasPrefix("57P"):
                    return .unreachable
                default: return nil
                }
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return .unreachable
            default:
                return nil
            }
        }
    }

    /// `error` as it can be logged: PostgreSQL's errors describe themselves only when asked
    /// (they may quote data), and a catalog fault must say what went wrong.
    func explained(_ error: any Error) -> any Error {
        guard self == .postgres, let error = error as? PSQLError else { return error }
        if let message = error.serverInfo?[.message] {
            return DatabaseFailure(description: "PostgreSQL: \(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))")
        }
        return DatabaseFailure(description: "PostgreSQL: \(String(reflecting: error))")
    }

    private static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

extension CatalogError {
    static let duplicate = CatalogError(.conflict, "a record with the same unique value already exists")
    static let danglingReference = CatalogError(
        .conflict, "the change refers to a record that no longer exists, or one still referred to")
    static let diskFull = CatalogError(.unavailable, "the disk holding the catalog is full", retryAfter: 60)
    static let unreachable = CatalogError(.unavailable, "the catalog's database cannot be reached", retryAfter: 5)
}

/// An engine's error the catalog has no meaning for, as a message.
struct DatabaseFailure: Error, CustomStringConvertible {
    let description: String
}
