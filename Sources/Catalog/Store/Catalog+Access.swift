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

/// The rules for reaching a session as a collaborator: only your own session, only while it
/// is open and within its schedule, only until revoked, and with its passphrase when it
/// asks for one. Each way of failing has its own code.
extension Catalog {
    /// Lets a collaborator in by their personal invite token.
    public func access(inviteToken: String, passphrase: String?) async throws -> CollaboratorAccess {
        try await database.read { db in
            guard let row = try await db.select().column("id").from("collaborators")
                .where("token_digest", .equal, SQLBind(SecretToken.digest(of: inviteToken))).first()
            else { throw CatalogError(.invalidToken, "this invite link is not valid (it may have been replaced by a newer one)") }
            let access = try await self.checkedAccess(collaboratorID: try row.uuid("id"), db)
            try self.checkPassphrase(passphrase, for: try await self.sessionRecord(id: access.session.id, db))
            return access
        }
    }

    /// Lets a visitor of a session's shareable link in, as a new reviewer with `name`.
    public func join(shareToken: String, name: String, email: String?, passphrase: String?) async throws -> CollaboratorAccess {
        let name = try Validate.name(name, field: "name")
        let email = try Validate.optionalEmail(email)
        return try await database.write { db in
            guard let row = try await db.select().column("id").from("review_sessions")
                .where("share_token_digest", .equal, SQLBind(SecretToken.digest(of: shareToken))).first()
            else { throw CatalogError(.invalidToken, "this share link is not valid (it may have been turned off or replaced)") }
            let record = try await self.sessionRecord(id: try row.uuid("id"), db)
            let organization = try await self.organizationSettings(db)
            guard organization.shareLinksEnabled, record.session.settings.shareLinkEnabled else {
                throw CatalogError(.shareLinkDisabled, "shareable links are turned off for this session")
            }
            try self.checkOpen(record.session)
            try self.checkPassphrase(passphrase, for: record)
            let (collaborator, _) = try await self.insertCollaborator(
                sessionID: record.session.id, name: name, email: email, role: .reviewer, staffUserID: nil,
                joinedByShareLink: true, createdBy: nil, db)
            return CollaboratorAccess(collaborator: collaborator, session: record.session)
        }
    }

    /// Checks a collaborator let in earlier (by cookie) may still reach their session.
    public func access(collaboratorID: UUID) async throws -> CollaboratorAccess {
        try await database.read { db in try await self.checkedAccess(collaboratorID: collaboratorID, db) }
    }

    private func checkedAccess(collaboratorID: UUID, _ db: any SQLDatabase) async throws -> CollaboratorAccess {
        guard let row = try await db.select().column("*").from("collaborators").where("id", .equal, collaboratorID.bind).first()
        else { throw CatalogError(.invalidToken, "this access is no longer valid; open your invite link again") }
        let collaborator = try Collaborator(row: row)
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

    private func checkPassphrase(_ passphrase: String?, for record: SessionRecord) throws(CatalogError) {
        guard record.session.settings.requirePassphrase else { return }
        guard let passphrase, !passphrase.isEmpty else {
            throw CatalogError(.passphraseRequired, "this review session asks for a passphrase")
        }
        guard let hash = record.passphraseHash, hash.matches(passphrase) else {
            throw CatalogError(.passphraseWrong, "the passphrase is not right")
        }
    }

    private func organizationSettings(_ db: any SQLDatabase) async throws -> OrganizationSettings {
        try await organizationRow(db).settings
    }
}
