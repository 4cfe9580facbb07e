import Foundation
import SQLKit

/// A collaborator let into a session.
public struct CollaboratorAccess: Sendable, Hashable {
    public let collaborator: Collaborator
    public let session: ReviewSession

    public init(collaborator: Collaborator, session: ReviewSession) {
        self.collaborator = collaborator
        self.session = session
    }
}

/// A collaborator let in, and the stored login their browser's access cookie now names.
public struct CollaboratorLogin: Sendable, Hashable {
    public let id: UUID
    public let access: CollaboratorAccess
}

/// The rules for reaching a session as a collaborator: only your own session, only while it
/// is open and within its schedule, only until revoked, and with its passphrase when it
/// asks for one. Each way of failing has its own code.
///
/// Passphrases are checked outside any transaction, on the blocking pool's passphrase lane,
/// after the attempt is counted against the link and the client's address (see
/// ``ThrottleRule/passphrase``): so a storm of wrong passphrases costs at most that lane's
/// few threads and never holds a catalog connection.
extension Catalog {
    /// Lets a collaborator in by their personal invite token, from `client` (an address),
    /// and stores a login for their browser.
    public func logIn(inviteToken: String, passphrase: String?, from client: String) async throws -> CollaboratorLogin {
        let digest = SecretToken.digest(of: inviteToken)
        let (access, record) = try await database.read { db in
            guard let invited = try await db.select(CollaboratorRow.self).where("token_digest", .equal, SQLBind(digest))
                .first(CollaboratorRow.self)
            else { throw CatalogError(.invalidToken, "this invite link is not valid (it may have been replaced by a newer one)") }
            let access = try await self.checkedAccess(collaboratorID: invited.id, db)
            return (access, try await self.sessionRecord(id: access.session.id, db))
        }
        try await checkPassphrase(passphrase, for: record, link: digest, client: client)
        return try await database.write { db in
            // Checked again: staff may have revoked the collaborator while the passphrase was hashed.
            let access = try await self.checkedAccess(collaboratorID: access.collaborator.id, db)
            return CollaboratorLogin(id: try await self.insertLogin(collaboratorID: access.collaborator.id, db), access: access)
        }
    }

    /// Lets a visitor of a session's shareable link in, as a new reviewer with `name`, and
    /// stores a login for their browser. Joins are throttled by client address
    /// (``ThrottleRule/shareLinkJoin``), since each makes a collaborator.
    public func join(shareToken: String, name: String, email: String?, passphrase: String?, from client: String)
        async throws -> CollaboratorLogin
    {
        let name = try Validate.name(name, field: "name")
        let email = try Validate.optionalEmail(email)
        let digest = SecretToken.digest(of: shareToken)
        let record = try await database.read { db in try await self.shareLinkSession(digest: digest, db) }
        try await reserveAttempt(keys: ["join-from:" + client], rule: .shareLinkJoin)
        try await checkPassphrase(passphrase, for: record, link: digest, client: client)
        return try await database.write { db in
            // Checked again, as it stands now; a passphrase changed meanwhile voids the check.
            let current = try await self.shareLinkSession(digest: digest, db)
            guard current.passphraseHash == record.passphraseHash else {
                throw CatalogError(.passphraseWrong, "the session's passphrase has just changed; ask for the new one")
            }
            let (collaborator, _) = try await self.insertCollaborator(
                sessionID: current.session.id, name: name, email: email, role: .reviewer, staffUserID: nil,
                joinedByShareLink: true, createdBy: nil, db)
            let access = CollaboratorAccess(collaborator: collaborator, session: current.session)
            return CollaboratorLogin(id: try await self.insertLogin(collaboratorID: collaborator.id, db), access: access)
        }
    }

    /// A staff member's login as the collaborator that ``openSession(id:as:)`` made them.
    public func logIn(staffCollaboratorID: UUID) async throws -> CollaboratorLogin {
        try await database.write { db in
            let access = try await self.checkedAccess(collaboratorID: staffCollaboratorID, db)
            return CollaboratorLogin(id: try await self.insertLogin(collaboratorID: staffCollaboratorID, db), access: access)
        }
    }

    /// Checks a collaborator may still reach their session (not revoked, open, in schedule).
    public func access(collaboratorID: UUID) async throws -> CollaboratorAccess {
        try await database.read { db in try await self.checkedAccess(collaboratorID: collaboratorID, db) }
    }

    /// The access a stored login still gives, checked now (revoked, closed, schedule).
    public func access(loginID: UUID) async throws -> CollaboratorAccess {
        try await database.read { db in
            guard let login = try await db.row(LoginRow.self, id: loginID)
            else { throw CatalogError(.invalidToken, "this access has ended; open your invite link again") }
            return try await self.checkedAccess(collaboratorID: login.collaboratorId, db)
        }
    }

    /// The sessions stored logins are for, without checking they are still open: to find,
    /// among a browser's logins, the one for a session.
    public func loginSessions(_ loginIDs: [UUID]) async throws -> [UUID: UUID] {
        guard !loginIDs.isEmpty else { return [:] }
        return try await database.read { db in
            let logins = try await db.select(LoginRow.self).where("id", isIn: loginIDs.map(\.uuidString))
                .all(LoginRow.self)
            guard !logins.isEmpty else { return [:] }
            let collaborators = try await db.select(CollaboratorRow.self)
                .where("id", isIn: logins.map(\.collaboratorId.uuidString)).all(CollaboratorRow.self)
            let sessionOf = Dictionary(uniqueKeysWithValues: collaborators.map { ($0.id, $0.sessionId) })
            return logins.reduce(into: [:]) { sessions, login in sessions[login.id] = sessionOf[login.collaboratorId] }
        }
    }

    /// Ends stored logins (a browser logging out): their cookie grants nothing after.
    public func logOut(loginIDs: [UUID]) async throws {
        guard !loginIDs.isEmpty else { return }
        try await database.write { db in
            try await db.delete(from: "collaborator_logins").where("id", isIn: loginIDs.map(\.uuidString)).run()
        }
    }

    /// Ends logins older than `age` (the access cookie's lifetime: no browser still holds
    /// them). Returns how many ended.
    @discardableResult
    public func pruneLogins(olderThan age: Duration) async throws -> Int {
        try await database.write { db in
            let cutoff = SQLBind(self.now.storedMilliseconds - Int64(age.components.seconds) * 1000)
            let stale = try await db.count("collaborator_logins", where: "created_at", lessThan: cutoff)
            try await db.delete(from: "collaborator_logins").where("created_at", .lessThan, cutoff).run()
            return stale
        }
    }

    func insertLogin(collaboratorID: UUID, _ db: any SQLDatabase) async throws -> UUID {
        let login = LoginRow(id: UUID(), collaboratorId: collaboratorID, createdAt: StoredTime(now))
        try await db.insert(login)
        return login.id
    }

    private func shareLinkSession(digest: String, _ db: any SQLDatabase) async throws -> SessionRecord {
        guard let row = try await sessionQuery(db).where("share_token_digest", .equal, SQLBind(digest)).first()
        else { throw CatalogError(.invalidToken, "this share link is not valid (it may have been turned off or replaced)") }
        let record = try SessionRecord(row: row)
        let organization = try await organizationRow(db).settings
        guard organization.shareLinksEnabled, record.session.settings.shareLinkEnabled else {
            throw CatalogError(.shareLinkDisabled, "shareable links are turned off for this session")
        }
        try checkOpen(record.session)
        return record
    }

    private func checkedAccess(collaboratorID: UUID, _ db: any SQLDatabase) async throws -> CollaboratorAccess {
        guard let row = try await db.row(CollaboratorRow.self, id: collaboratorID)
        else { throw CatalogError(.invalidToken, "this access is no longer valid; open your invite link again") }
        let collaborator = Collaborator(row)
        guard !collaborator.isRevoked else {
            throw CatalogError(.accessRevoked, "your access to this session has been withdrawn")
        }
        let session = try await sessionRecord(id: collaborator.sessionID, db).session
        try checkOpen(session)
        return CollaboratorAccess(collaborator: collaborator, session: session)
    }

    private func checkOpen(_ session: ReviewSession) throws(CatalogError) {
        guard !session.isClosed else { throw CatalogError(.sessionClosed, "this review session is closed") }
        let now = Timestamp()
        guard now >= session.startsAt else {
            throw CatalogError(.sessionNotStarted, "this review session opens at \(session.startsAt.ISO8601Format())")
        }
        guard now < session.endsAt else {
            throw CatalogError(.sessionExpired, "this review session ended at \(session.endsAt.ISO8601Format())")
        }
    }

    /// Checks `passphrase` when the session asks for one, as an attempt counted against the
    /// link and the client (see ``attemptMatches(_:_:keys:)``).
    private func checkPassphrase(_ passphrase: String?, for record: SessionRecord, link: String, client: String) async throws {
        guard record.session.settings.requirePassphrase else { return }
        guard let passphrase, !passphrase.isEmpty else {
            throw CatalogError(.passphraseRequired, "this review session asks for a passphrase")
        }
        guard let hash = record.passphraseHash else {
            // The project's defaults turned passphrases on after this session was made without one.
            throw CatalogError(.passphraseWrong, "this review session asks for a passphrase, but none has been set; ask the studio")
        }
        let keys = ["passphrase-link:" + link, "passphrase-from:" + client]
        guard try await attemptMatches(passphrase, hash, keys: keys) else {
            throw CatalogError(.passphraseWrong, "the passphrase is not right")
        }
    }
}
