import Synchronization
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The catalog's connections: a small pool of readers beside the writers.
///
/// A unit of work is a ``read(_:)`` or a ``write(_:)``: it borrows a connection, runs in a
/// transaction of its own and gives the connection back. Reads run side by side on the
/// readers, each in a snapshot (SQLite's WAL lets them see the last commit while a write is
/// under way; PostgreSQL's are `REPEATABLE READ`); writes are transactions the database
/// serialises (``CatalogDialect/beginWrite``), across processes too. SQLite has one writer
/// connection; PostgreSQL a few, so that a job claim (``claim(_:)``), which does not take the
/// write lock, never waits behind one.
///
/// A unit of work does SQL only. Anything slow (a KDF, a file's hash, a network call)
/// happens before or after it, never inside, or it would hold a connection — and for a
/// write, every other writer — for its whole length.
final class CatalogDatabase: Sendable {
    let dialect: CatalogDialect
    let address: CatalogAddress
    private let readers: ConnectionPool
    private let writers: ConnectionPool
    /// The threads SQLite's calls run on: the catalog's own, so its queries never wait
    /// behind other blocking work (passphrase hashing, frame grabs) elsewhere in the process.
    private let threads: NIOThreadPool?
    /// Hears other processes' announcements (PostgreSQL only).
    private let listener: CatalogListener?

    /// How many writer connections a PostgreSQL catalog keeps: writes wait on one lock
    /// whatever their number, but a job claim, which takes no lock, must not wait behind them.
    static let postgresWriters = 4

    /// Opens the catalog's database at `address` (creating a SQLite file if need be).
    ///
    /// - Parameter writers: PostgreSQL's writer connections (SQLite has one).
    static func open(_ address: CatalogAddress, readers: Int, writers: Int = postgresWriters, logger: Logger) async throws
        -> CatalogDatabase
    {
        switch address {
        case .sqlite(let path): try await openSQLite(path: path, readers: readers, logger: logger)
        case .postgres(let url): try await openPostgres(url: url, readers: readers, writers: writers, logger: logger)
        }
    }

    private static func openSQLite(path: String, readers readerCount: Int, logger: Logger) async throws -> CatalogDatabase {
        let threads = NIOThreadPool(numberOfThreads: readerCount + 1)
        threads.start()
        let dialect = CatalogDialect.sqlite
        @Sendable func connect(readOnly: Bool) async throws -> any CatalogConnection {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threads, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
            return try await prepare(connection, dialect.connectionSetup + (readOnly ? dialect.readOnlySetup : []))
        }
        do {
            // The writer first: it creates the file and turns on WAL before any reader opens it.
            let writers = try await ConnectionPool.open(count: 1) { try await connect(readOnly: false) }
            let readers = try await ConnectionPool.open(count: max(1, readerCount)) { try await connect(readOnly: true) }
            return CatalogDatabase(dialect: dialect, address: .sqlite(path: path), readers: readers, writers: writers,
                                   threads: threads, listener: nil)
        } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
    }

    private static func openPostgres(url: String, readers readerCount: Int, writers writerCount: Int, logger: Logger) async throws
        -> CatalogDatabase
    {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let dialect = CatalogDialect.postgres
        let ids = Atomic<Int>(0)
        @Sendable func connect(readOnly: Bool) async throws -> any CatalogConnection {
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                    id: ids.wrappingAdd(1, ordering: .relaxed).newValue, logger: logger).get()
            } catch {
                throw dialect.refusal(for: error).map { CatalogError($0.code, "\($0.message) (\(CatalogAddress.postgres(url: url)))",
                                                                   retryAfter: $0.retryAfter) } ?? dialect.explained(error)
            }
            return try await prepare(connection, dialect.connectionSetup + (readOnly ? dialect.readOnlySetup : []))
        }
        let writers = try await ConnectionPool.open(count: max(1, writerCount)) { try await connect(readOnly: false) }
        do {
            let readers = try await ConnectionPool.open(count: max(1, readerCount)) { try await connect(readOnly: true) }
            return CatalogDatabase(dialect: dialect, address: .postgres(url: url), readers: readers, writers: writers,
                                   threads: nil, listener: CatalogListener(configuration: configuration, logger: logger))
        } catch {
            for connection in await writers.drain() { try? await connection.close() }
            throw error
        }
    }

    /// Runs `setup` on a new connection; closes it when that fails.
    private static func prepare(_ connection: some CatalogConnection, _ setup: [SQLQueryString]) async throws
        -> any CatalogConnection
    {
        do {
            let database = connection.sqlDatabase()
            for statement in setup {
                try await database.raw(statement).run()
            }
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }

    private init(dialect: CatalogDialect, address: CatalogAddress, readers: ConnectionPool, writers: ConnectionPool,
                 threads: NIOThreadPool?, listener: CatalogListener?) {
        self.dialect = dialect
        self.address = address
        self.readers = readers
        self.writers = writers
        self.threads = threads
        self.listener = listener
    }

    /// Closes every connection once its unit of work is done; the catalog must not be used after.
    func close() async throws {
        await listener?.stop()
        for connection in await readers.drain() + writers.drain() {
            try? await connection.close()
        }
        try await threads?.shutdownGracefully()
    }

    /// Calls `heard` with what other processes announce (``AfterCommit/announce(_:)``), from
    /// now until ``close()``. Only PostgreSQL carries announcements between processes
    /// (`LISTEN`/`NOTIFY`); on SQLite, other processes' changes are found by looking again.
    /// `heard` also gets `nil` after the connection that listens was lost and made anew:
    /// what was announced meanwhile is lost, so look again.
    func listen(_ heard: @escaping @Sendable (String?) -> Void) {
        listener?.start(heard)
    }

    /// Whether other processes' announcements reach ``listen(_:)``.
    var hearsOtherProcesses: Bool { listener != nil }

    /// The transaction of the ``Catalog/unitOfWork(writing:_:)`` this task is in, if any.
    @TaskLocal static var joined: JoinedTransaction?

    /// Runs `body` in one transaction in which every read and write of this database that
    /// the task makes joins it, instead of starting its own: several catalog operations as one
    /// unit of work, all of it or none of it.
    func unitOfWork<Result>(writing: Bool, _ body: () async throws -> Result) async throws -> Result {
        if try joinedDatabase(writing: writing) != nil { return try await body() }
        let run = { (db: any SQLDatabase) in
            try await Self.$joined.withValue(JoinedTransaction(owner: self, database: db, writable: writing)) { try await body() }
        }
        return writing ? try await write(run) : try await read(run)
    }

    /// The transaction to join, when this task is in a unit of work of this database; a
    /// write inside a unit that only reads is refused.
    private func joinedDatabase(writing: Bool) throws -> (any SQLDatabase)? {
        guard let joined = Self.joined, joined.owner === self else { return nil }
        guard !writing || joined.writable else { throw CatalogError(.forbidden, "a write inside a read-only unit of work") }
        return joined.database
    }

    /// Runs `body` on a read connection, in one snapshot of the catalog.
    func read<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        if let db = try joinedDatabase(writing: false) { return try await body(db) }
        return try await readers.withConnection { connection in
            try await transaction(on: connection.sqlDatabase(), begin: dialect.beginRead, body)
        }
    }

    /// Runs `body` in a write transaction: all of it happens, or (when it throws) none of it.
    /// What `body` asks to do after commit (``AfterCommit/run(_:)``) runs once the change is
    /// visible to every reader, and never for a change rolled back.
    func write<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await write(begin: dialect.beginWrite, body)
    }

    /// Runs `body` as a job claim: a write transaction that on PostgreSQL leaves out the
    /// write lock, so `body` must lock the rows it changes itself (`FOR UPDATE SKIP LOCKED`).
    func claim<Result>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await write(begin: dialect.beginClaim, body)
    }

    private func write<Result>(begin: [SQLQueryString], _ body: (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        if let db = try joinedDatabase(writing: true) { return try await body(db) }
        var attempt = 1
        while true {
            let afterCommit = AfterCommit()
            do {
                let result = try await AfterCommit.$current.withValue(afterCommit) {
                    try await writers.withConnection { connection in
                        try await transaction(on: connection.sqlDatabase(), begin: begin) { db in
                            let result = try await body(db)
                            // Sent at commit, and only if it commits.
                            try await listener?.announce(afterCommit.announcements, on: db)
                            return result
                        }
                    }
                }
                afterCommit.fire()
                return result
            } catch {
                guard dialect.mayRetry(after: error) else { throw error }
                // Nothing of it was kept: run it again, after a short pause that grows.
                guard attempt < 5 else { throw dialect.explained(error) }
                try await Task.sleep(for: .milliseconds(10 * attempt * attempt))
                attempt += 1
            }
        }
    }

    private func transaction<Result>(on database: any SQLDatabase, begin: [SQLQueryString],
                                     _ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        do {
            for statement in begin {
                try await database.raw(statement).run()
            }
            let result = try await body(database)
            try await database.raw("COMMIT").run()
            return result
        } catch {
            // In a task of its own: a cancelled caller (a room closing mid-look) must still
            // roll back, or the connection goes back to the pool inside its transaction.
            await Task { try? await database.raw("ROLLBACK").run() }.value
            if dialect.mayRetry(after: error) { throw error }
            throw dialect.refusal(for: error) ?? dialect.explained(error)
        }
    }
}

extension ConnectionPool {
    /// Opens `count` connections with `connect`, which also replaces any that closes; closes
    /// those already open when one fails.
    static func open(count: Int, _ connect: @escaping @Sendable () async throws -> any CatalogConnection) async throws
        -> ConnectionPool
    {
        var opened: [any CatalogConnection] = []
        do {
            for _ in 0..<count { opened.append(try await connect()) }
        } catch {
            for connection in opened { try? await connection.close() }
            throw error
        }
        return ConnectionPool(opened, reopen: connect)
    }
}

/// Work a write transaction leaves for after its commit: telling the live rooms that a
/// session has new events, which a reader must be able to see when it looks, and what to
/// announce to other processes (sent with the commit on PostgreSQL).
final class AfterCommit: Sendable {
    @TaskLocal static var current: AfterCommit?

    private let actions = Mutex<[@Sendable () -> Void]>([])
    private let announced = Mutex<[String]>([])

    /// Announces `message` to the other processes on the same catalog, when the current
    /// write commits (each message once per transaction).
    static func announce(_ message: String) {
        current?.announced.withLock { if !$0.contains(message) { $0.append(message) } }
    }

    fileprivate var announcements: [String] { announced.withLock { $0 } }

    /// Runs `action` after the current write transaction commits (at once outside one).
    static func run(_ action: @escaping @Sendable () -> Void) {
        guard let current else { return action() }
        current.actions.withLock { $0.append(action) }
    }

    fileprivate func fire() {
        for action in actions.withLock({ $0 }) { action() }
    }
}

/// The transaction a unit of work holds, which the catalog's operations inside it join.
final class JoinedTransaction: @unchecked Sendable {
    // Set once; the connection is used by the one task that holds the unit of work.
    unowned let owner: CatalogDatabase
    let database: any SQLDatabase
    let writable: Bool

    init(owner: CatalogDatabase, database: any SQLDatabase, writable: Bool) {
        self.owner = owner
        self.database = database
        self.writable = writable
    }
}
