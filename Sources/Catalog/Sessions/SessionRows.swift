import Foundation
import SQLKit

/// A row of `review_sessions`. The session's own settings are columns of the same row (`NULL`
/// inherits), written and read with the settings' own list (``SessionSettingValues/columns``).
struct SessionRow: TableRow {
    static let table = "review_sessions"
    var id: UUID, projectId: UUID, title: String, description: String, startsAt: StoredTime, endsAt: StoredTime
    var closedAt: StoredTime?, passphraseHash: String?, shareTokenDigest: String?
    var createdAt: StoredTime, createdBy: UUID?, updatedAt: StoredTime
}

extension Catalog {
    /// A session with what only the catalog sees: its project's defaults and its secrets.
    struct SessionRecord {
        var session: ReviewSession
        var projectDefaults: SessionSettings
        var passphraseHash: PassphraseHash?
        var shareTokenDigest: String?

        /// The row that stores the session; its overrides are stored beside it.
        var row: SessionRow {
            SessionRow(id: session.id, projectId: session.projectID, title: session.title, description: session.description,
                       startsAt: StoredTime(session.startsAt), endsAt: StoredTime(session.endsAt),
                       closedAt: session.closedAt.map(StoredTime.init), passphraseHash: passphraseHash?.encoded,
                       shareTokenDigest: shareTokenDigest, createdAt: StoredTime(session.createdAt), createdBy: session.createdBy,
                       updatedAt: StoredTime(session.updatedAt))
        }
    }

    /// Sessions with their projects' settings beside them, named with ``projectPrefix``.
    func sessionQuery(_ db: any SQLDatabase) -> SQLSelectBuilder {
        var query = db.select().column(SQLColumn("*", table: SessionRow.table))
        for setting in SessionSetting.allCases {
            query = query.column(SQLColumn(setting.column, table: ProjectRow.table), as: Self.projectPrefix + setting.column)
        }
        return query.from(SessionRow.table)
            .join(ProjectRow.table, on: SQLColumn("project_id", table: SessionRow.table), .equal, SQLColumn("id", table: ProjectRow.table))
    }

    fileprivate static let projectPrefix = "project_"
}

extension Catalog.SessionRecord {
    /// The session in a row of ``Catalog/sessionQuery(_:)``.
    init(row: any SQLRow) throws {
        let stored = try row.decode(SessionRow.self)
        let overrides: SessionSettingOverrides = try row.settings(of: SessionRow.self)
        projectDefaults = try row.settings(of: SessionRow.self, prefix: Catalog.projectPrefix)
        passphraseHash = stored.passphraseHash.map(PassphraseHash.init(encoded:))
        shareTokenDigest = stored.shareTokenDigest
        session = ReviewSession(
            id: stored.id, projectID: stored.projectId, title: stored.title, description: stored.description,
            startsAt: stored.startsAt.date, endsAt: stored.endsAt.date, closedAt: stored.closedAt?.date, overrides: overrides,
            settings: overrides.resolved(over: projectDefaults), hasPassphrase: passphraseHash != nil,
            createdAt: stored.createdAt.date, createdBy: stored.createdBy, updatedAt: stored.updatedAt.date)
    }
}

extension SQLDatabase {
    /// Inserts a session's row, its overrides beside it.
    func insert(_ record: Catalog.SessionRecord) async throws {
        try await insert(record.row, record.session.overrides.columns)
    }

    /// Writes a session's row, its overrides beside it, over the stored one.
    func update(_ record: Catalog.SessionRecord) async throws {
        try await update(record.row, record.session.overrides.columns)
    }
}

/// A row of `session_items`.
struct ItemRow: TableRow {
    static let table = "session_items"
    var id: UUID, sessionId: UUID, versionId: UUID, position: Int, versionName: String, versionLabel: String?
    var clientName: String?, reason: String?, createdAt: StoredTime, createdBy: UUID?
}

extension SessionItem {
    init(_ row: ItemRow) {
        self.init(id: row.id, sessionID: row.sessionId, versionID: row.versionId, position: row.position,
                  versionName: row.versionName, versionLabel: row.versionLabel, clientName: row.clientName, reason: row.reason,
                  createdAt: row.createdAt.date, createdBy: row.createdBy)
    }
}

/// A row of `collaborators`, with the digest of their invite link's token.
struct CollaboratorRow: TableRow {
    static let table = "collaborators"
    var id: UUID, sessionId: UUID, name: String, email: String?, role: Collaborator.Role, staffUserId: UUID?
    var joinedByShareLink: Bool, tokenDigest: String?, invitedAt: StoredTime?, revokedAt: StoredTime?
    var createdAt: StoredTime, createdBy: UUID?
    /// Taken out of the session, kept for the feedback they gave.
    var removedAt: StoredTime?
    /// What their invite link is derived from (see ``InviteLink``).
    var inviteNonce: String? = nil
}

extension Collaborator {
    init(_ row: CollaboratorRow) {
        self.init(id: row.id, sessionID: row.sessionId, name: row.name, email: row.email, role: row.role,
                  staffUserID: row.staffUserId, joinedByShareLink: row.joinedByShareLink, invitedAt: row.invitedAt?.date,
                  revokedAt: row.revokedAt?.date, createdAt: row.createdAt.date, createdBy: row.createdBy)
    }
}
