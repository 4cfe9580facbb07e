import Foundation
import SQLKit

/// Staff signing in from a browser with their email and password.
///
/// Passwords are scrypt hashes (``PassphraseHash``), checked as passphrases are: each attempt
/// is counted against the email and the client's address under ``ThrottleRule/passphrase``
/// before the KDF runs on the passphrase lane, outside any transaction (see
/// ``attemptMatches(_:_:keys:)``). An unknown email, a wrong password and a member without a
/// password cost the same time and give the same answer, so a guesser learns nothing of who
/// has an account.
extension Catalog {
    /// Sets a staff member's password (``TextRule/password``) and signs out every browser
    /// signed in as them: a new password is often meant to shut someone out.
    ///
    /// - Throws: ``CatalogError`` for a password too short or too long, or an unknown email.
    @discardableResult
    public func setPassword(_ password: String, forEmail email: String) async throws -> StaffUser {
        let password = try Validate.password(password)
        // Known before hashing: a mistyped email is told at once, without the KDF's cost.
        _ = try await existingStaffRow(email: email)
        let cost = passphraseCost
        let hash = try await passphraseLane.run { try PassphraseHash(hashing: password, cost: cost) }
        return try await database.write { db in
            guard var row = try await self.staffRow(email: email, db) else { throw Self.unknownStaff(email) }
            row.passwordHash = hash.encoded
            try await db.update(row)
            try await self.endWebSessions(staffID: row.id, db)
            return StaffUser(row)
        }
    }

    /// Deactivates a staff member, or brings them back. A deactivated member's records stay
    /// (what they wrote, what they are assigned), but their API keys and password stop letting
    /// anyone in, and their signed-in browsers are signed out. The last active admin stays.
    @discardableResult
    public func setDeactivated(_ deactivated: Bool, forEmail email: String) async throws -> StaffUser {
        guard let row = try await database.read({ db in try await self.staffRow(email: email, db) }) else {
            throw Self.unknownStaff(email)
        }
        return try await updateStaffUser(id: row.id, StaffUserChange(active: !deactivated))
    }

    /// Signs a browser in as the staff member with `email` and `password`, from `client` (an
    /// address, for the throttle), and stores the sign-in.
    ///
    /// - Throws: ``CatalogError/Code/invalidCredentials`` when the email and password sign no
    ///   one in; ``CatalogError/Code/accountDeactivated`` for a deactivated member's right
    ///   password; ``CatalogError/Code/throttled`` (with `retryAfter`) after too many attempts.
    public func signIn(email: String, password: String, from client: String) async throws -> StaffSignIn {
        let email = email.lowercased()
        let found = try await database.read { db in try await self.staffRow(email: email, db) }
        let stored = found?.passwordHash.map(PassphraseHash.init(encoded:))
        let keys = ["sign-in-email:" + email, "sign-in-from:" + client]
        guard try await attemptMatches(password, stored ?? decoyHash, keys: keys), let found, stored != nil else {
            throw Self.invalidCredentials
        }
        return try await database.write { db in
            // Checked again: the password may have changed, or the member been deactivated,
            // while the password was hashed.
            guard let row = try await db.row(StaffUserRow.self, id: found.id), row.passwordHash == found.passwordHash else {
                throw Self.invalidCredentials
            }
            return try await self.startWebSession(row, db)
        }
    }

    /// Stores a new sign-in for the member of `row`, refusing a deactivated one.
    func startWebSession(_ row: StaffUserRow, _ db: any SQLDatabase) async throws -> StaffSignIn {
        guard row.deactivatedAt == nil else {
            throw CatalogError(.accountDeactivated, "this staff account is deactivated; ask an admin")
        }
        let token = SecretToken.generate(prefix: "dw_")
        let now = self.now.storedMilliseconds
        let session = StaffWebSessionRow(
            id: UUID(), staffId: row.id, tokenDigest: token.digest, createdAt: StoredTime(milliseconds: now),
            lastSeenAt: StoredTime(milliseconds: now), expiresAt: StoredTime(milliseconds: Self.end(lastSeen: now, createdAt: now)),
            endedAt: nil)
        try await db.insert(session)
        return StaffSignIn(user: StaffUser(row), session: StaffWebSession(session), token: token)
    }

    /// The staff member a browser's sign-in token names, while the sign-in lasts (not signed
    /// out, not expired, the member not deactivated); `nil` otherwise.
    ///
    /// A request more than a minute after the last one that counted pushes the sign-in's end
    /// on (up to its absolute lifetime); the others only read.
    public func staffUser(webSessionToken token: String) async throws -> (user: StaffUser, session: StaffWebSession)? {
        let digest = SecretToken.digest(of: token)
        let now = self.now.storedMilliseconds
        guard let (user, session) = try await database.read({ db in try await self.liveWebSession(digest: digest, now: now, db) })
        else { return nil }
        guard now - session.lastSeenAt.milliseconds >= StaffWebSession.touchInterval else {
            return (StaffUser(user), StaffWebSession(session))
        }
        return try await database.write { db in
            // Read again in the transaction: it may have ended meanwhile.
            guard let (user, session) = try await self.liveWebSession(digest: digest, now: now, db) else { return nil }
            var touched = session
            touched.lastSeenAt = StoredTime(milliseconds: now)
            touched.expiresAt = StoredTime(milliseconds: Self.end(lastSeen: now, createdAt: session.createdAt.milliseconds))
            try await db.update(touched)
            return (StaffUser(user), StaffWebSession(touched))
        }
    }

    /// Ends the sign-in a browser's token names (signing out); an unknown or ended one is
    /// left as it is.
    public func signOut(webSessionToken token: String) async throws {
        try await database.write { db in
            try await db.update(StaffWebSessionRow.table).set("ended_at", to: SQLBind(self.now.storedMilliseconds))
                .where("token_digest", .equal, SQLBind(SecretToken.digest(of: token)))
                .where("ended_at", .is, SQLLiteral.null).run()
        }
    }

    /// Forgets sign-ins that have ended or expired (housekeeping). Returns how many.
    @discardableResult
    public func pruneWebSessions() async throws -> Int {
        try await pruneSpent(StaffWebSessionRow.table, endedColumn: "ended_at")
    }

    /// Deletes the rows of `table` that have ended (`endedColumn` set) or expired (`expires_at`
    /// passed), and answers how many: sign-ins and set-password links are pruned alike.
    func pruneSpent(_ table: String, endedColumn: String) async throws -> Int {
        try await database.write { db in
            let now = SQLBind(self.now.storedMilliseconds)
            let over = try await db.count(table) {
                $0.where(SQLColumn(endedColumn), .isNot, SQLLiteral.null).orWhere(SQLColumn("expires_at"), .lessThanOrEqual, now)
            }
            try await db.delete(from: table).where(SQLColumn(endedColumn), .isNot, SQLLiteral.null)
                .orWhere(SQLColumn("expires_at"), .lessThanOrEqual, now).run()
            return over
        }
    }

    /// The staff member with `email` (letter case aside), or `nil`.
    public func staffUser(email: String) async throws -> StaffUser? {
        try await database.read { db in try await self.staffRow(email: email, db).map(StaffUser.init) }
    }

    /// Signs out every browser signed in as `staffID`.
    func endWebSessions(staffID: UUID, _ db: any SQLDatabase) async throws {
        try await db.update(StaffWebSessionRow.table).set("ended_at", to: SQLBind(now.storedMilliseconds))
            .where("staff_id", .equal, staffID.bind).where("ended_at", .is, SQLLiteral.null).run()
    }

    private func staffRow(email: String, _ db: any SQLDatabase) async throws -> StaffUserRow? {
        try await db.select(StaffUserRow.self).where("email", .equal, SQLBind(email.lowercased())).first(StaffUserRow.self)
    }

    private func existingStaffRow(email: String) async throws -> StaffUserRow {
        guard let row = try await database.read({ db in try await self.staffRow(email: email, db) }) else {
            throw Self.unknownStaff(email)
        }
        return row
    }

    /// The sign-in with token digest `digest` and its member, if it is live at `now`.
    private func liveWebSession(digest: String, now: Int64, _ db: any SQLDatabase) async throws
        -> (StaffUserRow, StaffWebSessionRow)?
    {
        guard let session = try await db.select(StaffWebSessionRow.self).where("token_digest", .equal, SQLBind(digest))
            .first(StaffWebSessionRow.self), session.endedAt == nil, session.expiresAt.milliseconds > now,
            let user = try await db.row(StaffUserRow.self, id: session.staffId), user.deactivatedAt == nil
        else { return nil }
        return (user, session)
    }

    /// When a sign-in used at `lastSeen` ends: a working day on, but never past its absolute lifetime.
    private static func end(lastSeen: Int64, createdAt: Int64) -> Int64 {
        min(lastSeen + Int64(StaffWebSession.idleLifetime) * 1000, createdAt + Int64(StaffWebSession.absoluteLifetime) * 1000)
    }

    static let invalidCredentials = CatalogError(.invalidCredentials, "the email or password is not right")

    static func unknownStaff(_ email: String) -> CatalogError {
        CatalogError(.notFound, "no staff member with email \(email.prefix(254))")
    }
}
