import Crypto
import Foundation
import Logging
import SQLKit

/// The session catalog: staff, projects, versions and their components, review sessions,
/// their items and collaborators, persisted in SQL.
///
/// The embedded default is one SQLite file in the data directory, in WAL mode so the server,
/// the workers and the CLI can share it. Every operation is one transaction: it happens
/// whole or not at all, and a refused request (a ``CatalogError``) changes nothing.
public final class Catalog: Sendable {
    let database: CatalogDatabase
    let logger: Logger
    /// The scrypt cost of new session passphrases and staff passwords.
    let passphraseCost: PassphraseHash.Cost
    /// What a sign-in checks its password against when there is no hash to check (an unknown
    /// email): as costly as a real one, so the time taken tells nothing.
    let decoyHash: PassphraseHash
    /// Where this process runs blocking work: the catalog's passphrase checks, and (through
    /// the lanes its users make) their frame grabs, hashing and fsync.
    public let blocking: BlockingPool
    /// Rings when a session's live room has news (see ``RoomBell``).
    public let roomBell = RoomBell()
    /// Rings when a job may have become ready to claim (see ``JobBell``).
    public let jobBell = JobBell()
    /// Passphrase hashing and checks: a few at once (each scrypt takes ~32 MiB and ~50 ms);
    /// past that, refused with ``CatalogError/Code/throttled`` rather than queued.
    let passphraseLane: BlockingPool.Lane
    private let ownsBlockingPool: Bool

    /// How many read connections a catalog keeps open by default.
    public static let defaultReaders = 4

    /// The catalog file's name inside a data directory.
    public static let fileName = "catalog.sqlite"

    /// Opens the catalog in `dataDirectory` (creating the folder and the file if need be)
    /// and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - passphraseCost: leave at `.standard`; tests that hash many passphrases use `.testing`.
    ///   - blocking: the process's pool for blocking work; by default the catalog starts
    ///     one of ``BlockingPool/defaultThreadCount`` threads and stops it on ``close()``.
    ///   - readers: how many read connections to keep open.
    public static func open(dataDirectory: String, logger: Logger = Logger(label: "dailies.catalog"),
                            passphraseCost: PassphraseHash.Cost = .standard, blocking: BlockingPool? = nil,
                            readers: Int = Catalog.defaultReaders) async throws -> Catalog {
        try await open(.embedded(dataDirectory: dataDirectory), logger: logger, passphraseCost: passphraseCost,
                       blocking: blocking, readers: readers)
    }

    /// Opens the catalog at `address` (a SQLite file, made with its folder if need be, or a
    /// PostgreSQL database, which must exist) and brings its schema up to date.
    ///
    /// Parameters as for ``open(dataDirectory:logger:passphraseCost:blocking:readers:)``.
    public static func open(_ address: CatalogAddress, logger: Logger = Logger(label: "dailies.catalog"),
                            passphraseCost: PassphraseHash.Cost = .standard, blocking: BlockingPool? = nil,
                            readers: Int = Catalog.defaultReaders) async throws -> Catalog {
        if case .sqlite(let path) = address {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        }
        // The schema is brought up to date before the connections that serve open: a
        // connection that read the old schema expands `SELECT *` to the old columns once, even
        // after a step dropped one (SQLite re-prepares, but the row's column names were taken
        // before it did).
        let migrating = try await CatalogDatabase.open(address, readers: 1, writers: 1, logger: logger)
        do {
            try await Migrations.run(on: migrating)
            try await migrating.close()
        } catch {
            try? await migrating.close()
            throw error
        }
        let database = try await CatalogDatabase.open(address, readers: readers, logger: logger)
        let pool = blocking ?? BlockingPool(threads: BlockingPool.defaultThreadCount)
        let catalog = Catalog(database: database, logger: logger, passphraseCost: passphraseCost, blocking: pool,
                              ownsBlockingPool: blocking == nil)
        do {
            try await catalog.ensureOrganization()
        } catch {
            try? await catalog.close()
            throw error
        }
        database.listen { [roomBell = catalog.roomBell, jobBell = catalog.jobBell] announcement in
            guard let announcement else {
                // Listening again after a lost connection: anything may have happened meanwhile.
                jobBell.ring()
                roomBell.ringEverywhereHere()
                return
            }
            switch Announcement(announcement) {
            case .jobs: jobBell.ring()
            case .room(let sessionID): roomBell.ringHere(sessionID)
            case nil: break
            }
        }
        return catalog
    }

    /// Runs `body` as one unit of work: every catalog operation it calls joins one
    /// transaction, so all of them happen, with their events and outbox mail, or (when `body`
    /// throws) none. On PostgreSQL a unit that meets a serialization failure runs again
    /// whole, so `body` must do nothing but catalog work. Do what is slow (hashing a
    /// passphrase: ``prepare(_:)``) before.
    ///
    /// - Parameter writing: `false` for a unit that only reads (one snapshot, no write lock).
    public func unitOfWork<Result: Sendable>(writing: Bool = true, _ body: () async throws -> Result) async throws -> Result {
        try await database.unitOfWork(writing: writing, body)
    }

    /// Runs `body` with a connection for reading, in one snapshot (the unit of work's
    /// transaction, inside one): for queries the catalog's own operations do not cover, the
    /// ftrack faces' compiled queries. Nothing may be written through it.
    public func readSQL<Result: Sendable>(_ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await database.read(body)
    }

    /// Where the catalog is (as printed, with a PostgreSQL password left out).
    public var address: CatalogAddress { database.address }

    /// Whether other processes' changes to jobs and rooms ring this process's bells at once
    /// (PostgreSQL's `LISTEN`/`NOTIFY`). Otherwise (SQLite), who waits for them looks again
    /// every so often.
    public var hearsOtherProcesses: Bool { database.hearsOtherProcesses }

    private init(database: CatalogDatabase, logger: Logger, passphraseCost: PassphraseHash.Cost, blocking: BlockingPool,
                 ownsBlockingPool: Bool) {
        self.database = database
        self.logger = logger
        self.passphraseCost = passphraseCost
        decoyHash = .decoy(cost: passphraseCost)
        self.blocking = blocking
        self.ownsBlockingPool = ownsBlockingPool
        passphraseLane = blocking.lane("passphrase checks", limit: 2 * blocking.threadCount, refusal: .throttled)
    }

    /// Closes the connections (once their work is done); the catalog must not be used after.
    public func close() async throws {
        try await database.close()
        if ownsBlockingPool { await blocking.shutdown() }
    }

    /// The clock: the catalog's notion of now, to the millisecond it stores.
    var now: Timestamp { Timestamp().truncatedToMilliseconds }
}

/// What a write announces to the other processes on the same catalog.
enum Announcement: Hashable {
    /// A job was queued or finished: idle workers look for work.
    case jobs
    /// A session's live room has news.
    case room(UUID)

    init?(_ text: String) {
        if text == "jobs" {
            self = .jobs
        } else if text.hasPrefix("room "), let id = UUID(uuidString: String(text.dropFirst(5))) {
            self = .room(id)
        } else {
            return nil
        }
    }

    var text: String {
        switch self {
        case .jobs: "jobs"
        case .room(let id): "room \(id.uuidString)"
        }
    }

    /// Announces this when the current write commits.
    func announce() { AfterCommit.announce(text) }
}

/// A slice of a list: up to `limit` records after skipping `offset`.
public struct Page: Sendable, Hashable {
    public let limit: Int
    public let offset: Int

    public static let maximumLimit = 500
    public static let `default` = Page(limit: 100, offset: 0, unchecked: ())

    /// - Throws: ``CatalogError`` unless `limit` is 1…500 and `offset` is not negative.
    public init(limit: Int, offset: Int) throws(CatalogError) {
        guard (1...Page.maximumLimit).contains(limit) else {
            throw CatalogError.invalid("limit", "must be between 1 and \(Page.maximumLimit)")
        }
        guard offset >= 0 else { throw CatalogError.invalid("offset", "must not be negative") }
        self.limit = limit
        self.offset = offset
    }

    fileprivate init(limit: Int, offset: Int, unchecked: Void) {
        self.limit = limit
        self.offset = offset
    }
}

extension Page {
    public static var all: Page { Page(limit: Int(Int32.max), offset: 0, unchecked: ()) }
}

/// Some records of a longer list, and how long the list is.
public struct PageResult<Element: Sendable>: Sendable {
    public let items: [Element]
    public let total: Int
    public let page: Page
}
