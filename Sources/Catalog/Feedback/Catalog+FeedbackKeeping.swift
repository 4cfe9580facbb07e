import Foundation
import SQLKit

/// Feedback is never lost by housekeeping. Removing an item, a collaborator or a version
/// that has feedback only marks it removed (`removed_at`); the feedback rows refer to what
/// they are about with `RESTRICT`, so no cascade can take them either. Only deleting a whole
/// session with `force` deletes its feedback, and it says first what would go.
extension Catalog {
    /// What deleting a session takes with it.
    public struct SessionFeedbackCount: Sendable, Hashable, Codable {
        public let comments: Int
        public let statuses: Int

        public var isEmpty: Bool { comments == 0 && statuses == 0 }
    }

    /// The feedback a session holds: what `deleteSession(id:force:)` would delete.
    public func feedbackCount(sessionID: UUID) async throws -> SessionFeedbackCount {
        try await database.read { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            return try await self.feedbackCount(sessionID: sessionID, db)
        }
    }

    func feedbackCount(sessionID: UUID, _ db: any SQLDatabase) async throws -> SessionFeedbackCount {
        SessionFeedbackCount(comments: try await db.count(CommentRow.table, where: "session_id", equals: sessionID.bind),
                             statuses: try await db.count(StatusChangeRow.table, where: "session_id", equals: sessionID.bind))
    }

    /// Deletes a session. One with feedback needs `force`, and then its comments, statuses
    /// and their history go with it.
    ///
    /// - Throws: ``CatalogError/Code/conflict`` naming what would go, for a session with
    ///   feedback and no `force`.
    @discardableResult
    public func deleteSession(id: UUID, force: Bool = false) async throws -> SessionFeedbackCount {
        try await database.write { db in
            _ = try await self.sessionRecord(id: id, db)
            let feedback = try await self.feedbackCount(sessionID: id, db)
            if !feedback.isEmpty {
                guard force else {
                    throw CatalogError(.conflict, """
                        the session has feedback: \(feedback.comments) comments and \(feedback.statuses) status changes. \
                        Deleting it deletes them too: ask again with force=true, or close the session instead
                        """)
                }
                // Replies before what they answer: RESTRICT is checked row by row.
                try await db.delete(from: CommentRow.table).where("session_id", .equal, id.bind)
                    .where("parent_id", .isNot, SQLLiteral.null).run()
                for table in [CommentRow.table, StatusChangeRow.table, StatusRow.table] {
                    try await db.delete(from: table).where("session_id", .equal, id.bind).run()
                }
            }
            try await db.delete(from: SessionRow.table).where("id", .equal, id.bind).run()
            return feedback
        }
    }

    /// Whether anyone commented on, or set a status on, the item.
    func hasFeedback(itemID: UUID, _ db: any SQLDatabase) async throws -> Bool {
        let comments = try await db.count(CommentRow.table, where: "item_id", equals: itemID.bind)
        guard comments == 0 else { return true }
        return try await db.count(StatusChangeRow.table, where: "item_id", equals: itemID.bind) > 0
    }

    /// Whether the collaborator wrote a comment or set a status.
    func hasFeedback(collaboratorID: UUID, _ db: any SQLDatabase) async throws -> Bool {
        let comments = try await db.count(CommentRow.table, where: "author_id", equals: collaboratorID.bind)
        guard comments == 0 else { return true }
        return try await db.count(StatusChangeRow.table, where: "collaborator_id", equals: collaboratorID.bind) > 0
    }

    /// Refuses to delete a project whose sessions hold feedback, or whose versions hold notes:
    /// they would go with it.
    func checkNoFeedback(projectID: UUID, _ db: any SQLDatabase) async throws {
        let notes = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(NoteRow.table)
            .join(VersionRow.table, on: SQLColumn("version_id", table: NoteRow.table), .equal, SQLColumn("id", table: VersionRow.table))
            .where(SQLColumn("project_id", table: VersionRow.table), .equal, projectID.bind)
            .first()?.decode(column: "n", as: Int.self) ?? 0
        guard notes == 0 else {
            throw CatalogError(.conflict, "the project's versions have \(notes) notes: delete them first, or keep the project")
        }
        let sessions = try await db.select().column("id").from(SessionRow.table).where("project_id", .equal, projectID.bind)
            .all(decodingColumn: "id", as: UUID.self)
        for session in sessions {
            let feedback = try await feedbackCount(sessionID: session, db)
            guard feedback.isEmpty else {
                throw CatalogError(.conflict, """
                    the project's session \(session) has feedback (\(feedback.comments) comments, \(feedback.statuses) \
                    status changes): delete the project's sessions with force=true first
                    """)
            }
        }
    }
}
