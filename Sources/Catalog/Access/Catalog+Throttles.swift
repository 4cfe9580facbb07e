import Foundation
import SQLKit

/// How attempts of one kind are slowed down: a few free, then a wait that doubles with each
/// attempt, up to a short cap, forgotten after a while.
///
/// The cap is short on purpose: counting by client address also counts the people behind the
/// same NAT, and one of them mistyping must not shut the others out for long. Counting by
/// link as well bounds a guesser who changes addresses.
public struct ThrottleRule: Sendable, Hashable {
    /// Attempts allowed before the first wait.
    public var freeAttempts: Int
    /// The first wait, in seconds; each attempt after doubles it.
    public var firstWait: Int
    /// The longest wait, in seconds.
    public var longestWait: Int
    /// Seconds after the last attempt when the count starts again from zero.
    public var memory: Int

    public init(freeAttempts: Int, firstWait: Int, longestWait: Int, memory: Int) {
        self.freeAttempts = freeAttempts
        self.firstWait = firstWait
        self.longestWait = longestWait
        self.memory = memory
    }

    /// Passphrase attempts, per link and per client address, and staff sign-ins, per email and
    /// per client address: 5 in a row, then 2 s, 4 s … 60 s between tries; a right passphrase
    /// or password does not count.
    public static let passphrase = ThrottleRule(freeAttempts: 5, firstWait: 2, longestWait: 60, memory: 15 * 60)
    /// Joins through a shareable link, per client address: 20 in a row, then 2 s, 4 s … 10 s
    /// between joins. A client's whole office behind one NAT can still join within minutes;
    /// a script making collaborators by the hundred cannot.
    public static let shareLinkJoin = ThrottleRule(freeAttempts: 20, firstWait: 2, longestWait: 10, memory: 10 * 60)

    /// The wait after the `count`-th attempt, in milliseconds: none while attempts are free,
    /// then `firstWait` after the last free one, doubling with each attempt after.
    func wait(afterAttempt count: Int) -> Int64 {
        guard count >= freeAttempts else { return 0 }
        let doublings = min(count - freeAttempts, 30)
        return Int64(min(longestWait, firstWait << doublings)) * 1000
    }
}

/// The catalog's throttles: counts of recent attempts by key, shared by every server and
/// worker process on the catalog, so that a guesser gains nothing by spreading requests.
///
/// An attempt is *reserved* before the work it guards (a passphrase check) in a write
/// transaction, which counts it and refuses it when the key is waiting; so a burst of
/// concurrent attempts is counted attempt by attempt, never all let through by one look.
/// An attempt that succeeds is then forgiven.
extension Catalog {
    /// Counts an attempt against every key, or refuses it (``CatalogError/Code/throttled``,
    /// with `retryAfter`) while any of them is in its wait.
    public func reserveAttempt(keys: [String], rule: ThrottleRule) async throws {
        try await database.write { db in
            let now = self.now.storedMilliseconds
            var counted: [(row: ThrottleRow, exists: Bool)] = []
            for key in keys {
                let stored = try await self.throttle(key, db)
                var attempts = 1
                if let stored {
                    let waitUntil = stored.waitUntil.milliseconds
                    if waitUntil > now {
                        let seconds = Int((waitUntil - now + 999) / 1000)
                        throw CatalogError(.throttled, "too many attempts; try again in \(seconds) second\(seconds == 1 ? "" : "s")",
                                           retryAfter: seconds)
                    }
                    let forgotten = now - stored.updatedAt.milliseconds > Int64(rule.memory) * 1000
                    attempts += forgotten ? 0 : stored.attempts
                }
                let waitUntil = StoredTime(milliseconds: now + rule.wait(afterAttempt: attempts))
                let row = ThrottleRow(key: key, attempts: attempts, waitUntil: waitUntil, updatedAt: StoredTime(milliseconds: now))
                counted.append((row, stored != nil))
            }
            for (row, exists) in counted {
                if exists { try await db.update(row) } else { try await db.insert(row) }
            }
        }
    }

    /// Takes back an attempt reserved with ``reserveAttempt(keys:rule:)`` that succeeded (or
    /// never ran): it no longer counts. A wait already running is left as it is: one right
    /// answer does not buy a guesser on the same link more tries.
    public func forgiveAttempt(keys: [String], rule: ThrottleRule) async throws {
        try await database.write { db in
            let now = self.now.storedMilliseconds
            for key in keys {
                guard var row = try await self.throttle(key, db) else { continue }
                row.attempts = max(0, row.attempts - 1)
                if row.attempts == 0 && row.waitUntil.milliseconds <= now {
                    try await db.delete(from: "throttles").where("key", .equal, SQLBind(key)).run()
                } else {
                    row.updatedAt = StoredTime(milliseconds: now)
                    try await db.update(row)
                }
            }
        }
    }

    /// Whether `secret` (a passphrase, a password) matches `hash`, as one attempt counted against
    /// every key under ``ThrottleRule/passphrase``: the attempt is reserved first, the KDF runs
    /// on the passphrase lane, outside any transaction, and a right secret is forgiven.
    ///
    /// - Throws: ``CatalogError/Code/throttled`` while a key waits, or when the lane is full (an
    ///   attempt refused for load does not count).
    func attemptMatches(_ secret: String, _ hash: PassphraseHash, keys: [String]) async throws -> Bool {
        try await reserveAttempt(keys: keys, rule: .passphrase)
        let matches: Bool
        do {
            matches = try await passphraseLane.run { hash.matches(secret) }
        } catch {
            // Refused for load, not for being wrong: it does not count.
            try? await forgiveAttempt(keys: keys, rule: .passphrase)
            throw error
        }
        if matches { try await forgiveAttempt(keys: keys, rule: .passphrase) }
        return matches
    }

    /// Forgets throttle counts not touched for a day, so the table holds only what is live.
    /// Returns how many were forgotten.
    @discardableResult
    public func pruneThrottles() async throws -> Int {
        try await database.write { db in
            let cutoff = SQLBind(self.now.storedMilliseconds - 86_400_000)
            let stale = try await db.count("throttles", where: "updated_at", lessThan: cutoff)
            try await db.delete(from: "throttles").where("updated_at", .lessThan, cutoff).run()
            return stale
        }
    }

    func throttle(_ key: String, _ db: any SQLDatabase) async throws -> ThrottleRow? {
        try await db.select(ThrottleRow.self).where("key", .equal, SQLBind(key)).first(ThrottleRow.self)
    }
}
