import Foundation
import SQLKit

/// Changes to a collaborator: `nil` leaves a field alone.
public struct CollaboratorUpdate: Sendable, Decodable {
    public var name: String?
    public var email: String??
    public var role: Collaborator.Role?
    /// `true` takes access away; `false` gives it back.
    public var revoked: Bool?

    public init(name: String? = nil, email: String?? = nil, role: Collaborator.Role? = nil, revoked: Bool? = nil) {
        self.name = name
        self.email = email
        self.role = role
        self.revoked = revoked
    }

    enum CodingKeys: String, CodingKey { case name, email, role, revoked }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        email = try container.decodePatch(String.self, forKey: .email)
        role = try container.decodeIfPresent(Collaborator.Role.self, forKey: .role)
        revoked = try container.decodeIfPresent(Bool.self, forKey: .revoked)
    }
}

extension Catalog {
    /// A session's collaborators, in the order they were added.
    public func collaborators(sessionID: UUID) async throws -> [Collaborator] {
        try await database.read { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            return try await self.collaborators(sessionID: sessionID, db)
        }
    }

    func collaborators(sessionID: UUID, _ db: any SQLDatabase) async throws -> [Collaborator] {
        try await db.select(CollaboratorRow.self).where("session_id", .equal, sessionID.bind)
            .where("removed_at", .is, SQLLiteral.null).orderBy("created_at").orderBy("id").all(CollaboratorRow.self).map(Collaborator.init)
    }

    public func collaborator(id: UUID) async throws -> Collaborator {
        try await database.read { db in try await self.collaborator(id: id, db) }
    }

    func collaborator(id: UUID, _ db: any SQLDatabase) async throws -> Collaborator {
        Collaborator(try await collaboratorRow(id: id, db))
    }

    private func collaboratorRow(id: UUID, _ db: any SQLDatabase) async throws -> CollaboratorRow {
        guard let row = try await db.select(CollaboratorRow.self).where("id", .equal, id.bind)
            .where("removed_at", .is, SQLLiteral.null).first(CollaboratorRow.self)
        else { throw CatalogError.notFound("collaborator", id) }
        return row
    }

    /// Invites someone (who need not be staff) with a personal link, whose token is
    /// returned once.
    ///
    /// - Parameter id: the collaborator's id (a script's own); a fresh one by default.
    public func addCollaborator(id: UUID? = nil, sessionID: UUID, name: String, email: String?,
                                role: Collaborator.Role = .reviewer, createdBy: UUID? = nil) async throws
        -> (Collaborator, SecretToken)
    {
        let name = try Validate.name(name, field: "name")
        let email = try Validate.optionalEmail(email)
        return try await database.write { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            if let id { try await self.checkNewID(id, in: CollaboratorRow.table, db) }
            return try await self.insertCollaborator(id: id ?? UUID(), sessionID: sessionID, name: name, email: email, role: role,
                                                     staffUserID: nil, joinedByShareLink: false, createdBy: createdBy, db)
        }
    }

    func insertCollaborator(id: UUID = UUID(), sessionID: UUID, name: String, email: String?, role: Collaborator.Role,
                            staffUserID: UUID?, joinedByShareLink: Bool, createdBy: UUID?, _ db: any SQLDatabase) async throws
        -> (Collaborator, SecretToken)
    {
        let nonce = InviteLink.newNonce()
        let token = try await inviteToken(collaboratorID: id, nonce: nonce, db)
        let row = CollaboratorRow(
            id: id, sessionId: sessionID, name: name, email: email, role: role, staffUserId: staffUserID,
            joinedByShareLink: joinedByShareLink, tokenDigest: token.digest, invitedAt: nil, revokedAt: nil,
            createdAt: StoredTime(now), createdBy: createdBy, removedAt: nil, inviteNonce: nonce)
        try await db.insert(row)
        return (Collaborator(row), token)
    }

    public func updateCollaborator(sessionID: UUID, id: UUID, _ update: CollaboratorUpdate) async throws -> Collaborator {
        try await database.write { db in
            var row = try await self.collaboratorRow(id: id, db)
            guard row.sessionId == sessionID else { throw CatalogError.notFound("collaborator in this session", id) }
            if let name = update.name { row.name = try Validate.name(name, field: "name") }
            if let email = update.email { row.email = try Validate.optionalEmail(email) }
            if let role = update.role { row.role = role }
            if let revoked = update.revoked, revoked != (row.revokedAt != nil) {
                row.revokedAt = revoked ? StoredTime(self.now) : nil
            }
            try await db.update(row)
            let collaborator = Collaborator(row)
            if collaborator.isRevoked {
                // Every browser let in as them is logged out; restoring access takes a new invite.
                try await db.delete(from: "collaborator_logins").where("collaborator_id", .equal, id.bind).run()
            }
            return collaborator
        }
    }

    /// Takes a collaborator out of a session. One with feedback is only marked removed (and
    /// revoked, so they never decide again): their comments and statuses stay.
    public func removeCollaborator(sessionID: UUID, id: UUID) async throws {
        try await database.write { db in
            let collaborator = try await self.collaborator(id: id, db)
            guard collaborator.sessionID == sessionID else { throw CatalogError.notFound("collaborator in this session", id) }
            if try await self.hasFeedback(collaboratorID: id, db) {
                let now = SQLBind(self.now.storedMilliseconds)
                try await db.update(CollaboratorRow.table).set("removed_at", to: now)
                    .set("revoked_at", to: SQLBind(collaborator.revokedAt?.storedMilliseconds ?? self.now.storedMilliseconds))
                    .where("id", .equal, id.bind).run()
                try await db.delete(from: "collaborator_logins").where("collaborator_id", .equal, id.bind).run()
            } else {
                try await db.delete(from: CollaboratorRow.table).where("id", .equal, id.bind).run()
            }
        }
    }

    /// Issues a fresh invite link for a collaborator (the previous one stops working) and
    /// records when; the token is returned once, to be sent.
    public func issueInvite(sessionID: UUID, collaboratorID: UUID) async throws -> (Collaborator, SecretToken) {
        try await database.write { db in
            var row = try await self.collaboratorRow(id: collaboratorID, db)
            guard row.sessionId == sessionID else { throw CatalogError.notFound("collaborator in this session", collaboratorID) }
            let nonce = InviteLink.newNonce()
            let token = try await self.inviteToken(collaboratorID: row.id, nonce: nonce, db)
            row.tokenDigest = token.digest
            row.inviteNonce = nonce
            row.invitedAt = StoredTime(self.now)
            try await db.update(row)
            return (Collaborator(row), token)
        }
    }

    /// The collaborator's current invite link, to send again (links sent before keep
    /// working), and records when. A link from before links were derived cannot be made
    /// again: that collaborator gets a fresh one, as ``issueInvite(sessionID:collaboratorID:)`` gives.
    public func currentInvite(collaboratorID: UUID) async throws -> (Collaborator, SecretToken) {
        try await database.write { db in
            var row = try await self.collaboratorRow(id: collaboratorID, db)
            guard row.removedAt == nil else { throw CatalogError.notFound("collaborator", collaboratorID) }
            guard let nonce = row.inviteNonce,
                  case let token = try await self.inviteToken(collaboratorID: row.id, nonce: nonce, db),
                  token.digest == row.tokenDigest
            else { return try await self.issueInvite(sessionID: row.sessionId, collaboratorID: collaboratorID) }
            row.invitedAt = StoredTime(self.now)
            try await db.update(row)
            return (Collaborator(row), token)
        }
    }

    /// A staff member opening a session joins it as an approver (once).
    public func openSession(id: UUID, as user: StaffUser) async throws -> Collaborator {
        try await database.write { db in
            _ = try await self.sessionRecord(id: id, db)
            if let existing = try await self.collaborators(sessionID: id, db).first(where: { $0.staffUserID == user.id }) {
                return existing
            }
            return try await self.insertCollaborator(sessionID: id, name: user.name, email: user.email, role: .approver,
                                                     staffUserID: user.id, joinedByShareLink: false, createdBy: user.id, db).0
        }
    }
}
