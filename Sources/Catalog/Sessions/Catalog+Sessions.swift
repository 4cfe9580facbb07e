import Foundation
import SQLKit

/// The fields of a new session, or changes to one: `nil` leaves a field alone.
public struct SessionFields: Sendable, Decodable {
    public var title: String?
    public var description: String?
    public var startsAt: Timestamp?
    public var endsAt: Timestamp?
    /// Settings to change; each `.some(nil)` goes back to inheriting the project's default.
    public var settings: SessionSettingsUpdate?
    /// `.some(value)` sets the passphrase, `.some(nil)` removes it.
    public var passphrase: String??
    /// `passphrase` hashed ahead of the transaction (``Catalog/prepare(_:)``); `nil`: not yet.
    var preparedPassphrase: PassphraseHash?? = nil

    public init(title: String? = nil, description: String? = nil, startsAt: Timestamp? = nil, endsAt: Timestamp? = nil,
                settings: SessionSettingsUpdate? = nil, passphrase: String?? = nil) {
        self.title = title
        self.description = description
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.settings = settings
        self.passphrase = passphrase
    }

    enum CodingKeys: String, CodingKey {
        case title, description, startsAt = "starts_at", endsAt = "ends_at", settings, passphrase
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        startsAt = try container.decodeIfPresent(Timestamp.self, forKey: .startsAt)
        endsAt = try container.decodeIfPresent(Timestamp.self, forKey: .endsAt)
        settings = try container.decodeIfPresent(SessionSettingsUpdate.self, forKey: .settings)
        passphrase = try container.decodePatch(String.self, forKey: .passphrase)
    }
}

extension Catalog {
    /// Creates a session in a project, optionally from a selection of its versions.
    ///
    /// Defaults: the title "New review session", no description, a schedule from now for the
    /// project's share days (7 unless changed), the project's settings.
    ///
    /// - Parameter id: the new session's id (a script's own, say); a fresh one by default.
    public func createSession(id: UUID = UUID(), projectID: UUID, _ fields: SessionFields = SessionFields(),
                              versionIDs: [UUID] = [], createdBy: UUID? = nil) async throws -> ReviewSession {
        // Hashed before the transaction: a KDF must not hold the writer.
        let passphraseHash = try await prepare(fields).preparedPassphrase ?? nil
        return try await database.write { db in
            let project = try await self.project(id: projectID, db)
            let created = self.now
            let startsAt = fields.startsAt?.truncatedToMilliseconds ?? created
            let endsAt = fields.endsAt?.truncatedToMilliseconds
                ?? startsAt.addingTimeInterval(TimeInterval(project.defaults.shareDays) * 86_400)
            try Validate.schedule(startsAt: startsAt, endsAt: endsAt)
            let overrides = (fields.settings ?? SessionSettingsUpdate()).resolved(over: SessionSettingOverrides())
            let settings = overrides.resolved(over: project.defaults.settings)
            try Self.checkPassphraseRequirement(settings, hasPassphrase: passphraseHash != nil)
            try await self.checkNewID(id, in: SessionRow.table, db)
            let session = ReviewSession(
                id: id, projectID: projectID,
                title: try Validate.name(fields.title ?? "New review session", field: "title"),
                description: try Validate.text(fields.description ?? "", field: "description"),
                startsAt: startsAt, endsAt: endsAt, closedAt: nil, overrides: overrides,
                settings: settings, hasPassphrase: passphraseHash != nil,
                createdAt: created, createdBy: createdBy, updatedAt: created)
            let record = SessionRecord(session: session, projectDefaults: project.defaults.settings,
                                       passphraseHash: passphraseHash, shareTokenDigest: nil)
            try await db.insert(record)
            if !versionIDs.isEmpty {
                _ = try await self.insertItems(sessionID: session.id, projectID: projectID, versionIDs: versionIDs,
                                               at: nil, createdBy: createdBy, db)
            }
            return session
        }
    }

    public func session(id: UUID) async throws -> ReviewSession {
        try await database.read { db in try await self.sessionRecord(id: id, db).session }
    }

    /// A project's sessions, newest first.
    public func sessions(projectID: UUID, page: Page = .default) async throws -> PageResult<ReviewSession> {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            let rows = try await self.sessionQuery(db).where(SQLColumn("project_id", table: "review_sessions"), .equal, projectID.bind)
                .orderBy(SQLColumn("created_at", table: "review_sessions"), SQLDirection.descending)
                .orderBy(SQLColumn("id", table: "review_sessions"), SQLDirection.ascending).limit(page.limit).offset(page.offset).all()
            return PageResult(items: try rows.map { try SessionRecord(row: $0).session },
                              total: try await db.count("review_sessions", where: "project_id", equals: projectID.bind), page: page)
        }
    }

    /// Changes a session's title, description, schedule, settings or passphrase.
    public func updateSession(id: UUID, _ fields: SessionFields) async throws -> ReviewSession {
        let newPassphraseHash = try await prepare(fields).preparedPassphrase ?? nil
        return try await database.write { db in
            var record = try await self.sessionRecord(id: id, db)
            var session = record.session
            if let title = fields.title { session.title = try Validate.name(title, field: "title") }
            if let description = fields.description { session.description = try Validate.text(description, field: "description") }
            if let startsAt = fields.startsAt { session.startsAt = startsAt.truncatedToMilliseconds }
            if let endsAt = fields.endsAt { session.endsAt = endsAt.truncatedToMilliseconds }
            try Validate.schedule(startsAt: session.startsAt, endsAt: session.endsAt)
            if let settings = fields.settings {
                session.overrides = settings.resolved(over: session.overrides)
                session.settings = session.overrides.resolved(over: record.projectDefaults)
            }
            if fields.passphrase != nil {
                record.passphraseHash = newPassphraseHash
                session.hasPassphrase = newPassphraseHash != nil
            }
            try Self.checkPassphraseRequirement(session.settings, hasPassphrase: session.hasPassphrase)
            session.updatedAt = self.now
            record.session = session
            try await db.update(record)
            try await self.recordEvent(.sessionChanged, sessionID: id, data: SessionEventData(sessionId: id), db)
            return session
        }
    }

    /// Closes a session: read-only for everyone until reopened.
    public func closeSession(id: UUID) async throws -> ReviewSession {
        try await setClosed(id: id, closed: true)
    }

    public func reopenSession(id: UUID) async throws -> ReviewSession {
        try await setClosed(id: id, closed: false)
    }

    private func setClosed(id: UUID, closed: Bool) async throws -> ReviewSession {
        try await database.write { db in
            var record = try await self.sessionRecord(id: id, db)
            guard record.session.isClosed != closed else { return record.session }
            record.session.closedAt = closed ? self.now : nil
            record.session.updatedAt = self.now
            try await db.update(record)
            try await self.recordEvent(.sessionChanged, sessionID: id, data: SessionEventData(sessionId: id), db)
            return record.session
        }
    }

    /// A new session with the same description, settings, passphrase and collaborators (with
    /// fresh invite links, returned once), no items, and a schedule from now.
    public func cloneSession(id: UUID, createdBy: UUID? = nil) async throws
        -> (session: ReviewSession, invites: [(Collaborator, SecretToken)])
    {
        try await database.write { db in
            let record = try await self.sessionRecord(id: id, db)
            let project = try await self.project(id: record.session.projectID, db)
            let created = self.now
            let original = record.session
            var clone = record
            clone.shareTokenDigest = nil
            clone.session = ReviewSession(
                id: UUID(), projectID: original.projectID, title: try Validate.name(original.title + " (copy)", field: "title"),
                description: original.description, startsAt: created,
                endsAt: created.addingTimeInterval(TimeInterval(project.defaults.shareDays) * 86_400), closedAt: nil,
                overrides: original.overrides, settings: original.settings, hasPassphrase: original.hasPassphrase,
                createdAt: created, createdBy: createdBy, updatedAt: created)
            try await db.insert(clone)
            var invites: [(Collaborator, SecretToken)] = []
            for invited in try await self.collaborators(sessionID: id, db) where !invited.isRevoked && !invited.joinedByShareLink {
                invites.append(try await self.insertCollaborator(
                    sessionID: clone.session.id, name: invited.name, email: invited.email, role: invited.role,
                    staffUserID: invited.staffUserID, joinedByShareLink: false, createdBy: createdBy, db))
            }
            return (clone.session, invites)
        }
    }

    /// Turns the session's shareable link on with a fresh token (the old link stops working),
    /// returned once.
    public func rotateShareLink(sessionID: UUID) async throws -> SecretToken {
        try await database.write { db in
            var record = try await self.sessionRecord(id: sessionID, db)
            let token = SecretToken.generate(prefix: "ds_")
            record.shareTokenDigest = token.digest
            record.session.overrides.shareLinkEnabled = true
            record.session.updatedAt = self.now
            try await db.update(record)
            try await self.recordEvent(.sessionChanged, sessionID: sessionID, data: SessionEventData(sessionId: sessionID), db)
            return token
        }
    }

    /// Turns the shareable link off; visitors who joined keep their access.
    public func disableShareLink(sessionID: UUID) async throws -> ReviewSession {
        try await database.write { db in
            var record = try await self.sessionRecord(id: sessionID, db)
            record.shareTokenDigest = nil
            record.session.overrides.shareLinkEnabled = false
            record.session.updatedAt = self.now
            try await db.update(record)
            try await self.recordEvent(.sessionChanged, sessionID: sessionID, data: SessionEventData(sessionId: sessionID), db)
            return try await self.sessionRecord(id: sessionID, db).session
        }
    }

    /// `fields` with its passphrase hashed, so that a ``unitOfWork(writing:_:)`` holds no
    /// transaction open while the KDF runs.
    public func prepare(_ fields: SessionFields) async throws -> SessionFields {
        guard fields.preparedPassphrase == nil else { return fields }
        var prepared = fields
        prepared.preparedPassphrase = .some(try await hashPassphrase(fields.passphrase ?? nil))
        return prepared
    }

    /// Refuses an id given for a new row when a row of `table` has it already.
    func checkNewID(_ id: UUID, in table: String, _ db: any SQLDatabase) async throws {
        if try await db.count(table, where: "id", equals: id.bind) > 0 {
            throw CatalogError(.conflict, "the id \(id.uuidString.lowercased()) is taken", field: "id")
        }
    }

    /// `passphrase` hashed on the passphrase lane, or `nil` for none.
    private func hashPassphrase(_ passphrase: String?) async throws -> PassphraseHash? {
        guard let passphrase else { return nil }
        let valid = try Validate.passphrase(passphrase)
        let cost = passphraseCost
        return try await passphraseLane.run { try PassphraseHash(hashing: valid, cost: cost) }
    }

    /// A session that asks for a passphrase must have one: otherwise nobody could get in.
    private static func checkPassphraseRequirement(_ settings: SessionSettings, hasPassphrase: Bool) throws(CatalogError) {
        if settings.requirePassphrase && !hasPassphrase {
            throw CatalogError.invalid("passphrase", "the session requires a passphrase: give one, or turn require_passphrase off")
        }
    }

    func sessionRecord(id: UUID, _ db: any SQLDatabase) async throws -> SessionRecord {
        guard let row = try await sessionQuery(db).where(SQLColumn("id", table: "review_sessions"), .equal, id.bind).first() else {
            throw CatalogError.notFound("review session", id)
        }
        return try SessionRecord(row: row)
    }

    /// The session, refusing if it is closed: the check every change inside a session makes.
    func openSessionRecord(id: UUID, _ db: any SQLDatabase) async throws -> SessionRecord {
        let record = try await sessionRecord(id: id, db)
        guard !record.session.isClosed else {
            throw CatalogError(.sessionClosed, "the session is closed; reopen it to change it")
        }
        return record
    }
}
