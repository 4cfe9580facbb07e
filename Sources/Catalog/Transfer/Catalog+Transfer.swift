import Foundation
import SQLKit

/// Transfer of feedback: a review's verdicts become statuses on versions (or their tasks),
/// and its comments become notes on the versions, keeping author, date, frames, drawing and
/// frame receipt. One transaction: all of it happens, or none. Keyed by the source comment,
/// so a second transfer of the same comments creates nothing new.
extension Catalog {
    /// What ``transferFeedback(sessionID:_:by:)`` would do, without doing it.
    public func previewTransfer(sessionID: UUID, _ request: FeedbackTransfer, by user: StaffUser) async throws -> TransferPlan {
        try await database.read { db in try await self.planTransfer(sessionID: sessionID, request, by: user, db).plan(applied: false) }
    }

    /// Transfers a session's feedback onto its versions and tasks (see ``FeedbackTransfer``).
    ///
    /// The status rule: when any decider on an item asks for changes, its version (or task)
    /// gets `changesStatus`; when every decider approved, `approvedStatus`; otherwise it stays.
    ///
    /// - Throws: ``CatalogError``: an item or comment not of this session, a comment on an
    ///   item not chosen, a status not on the project's list; nothing changes then.
    public func transferFeedback(sessionID: UUID, _ request: FeedbackTransfer, by user: StaffUser) async throws -> TransferPlan {
        try await database.write { db in
            let work = try await self.planTransfer(sessionID: sessionID, request, by: user, db)
            try await self.apply(work, by: user, db)
            let plan = work.plan(applied: true)
            try await self.recordEvent(.feedbackTransferred, sessionID: sessionID, data: plan, visibility: .staffOnly, db)
            try await self.emit(.feedbackTransferred, data: plan, db)
            return plan
        }
    }

    /// A plan and what applying it needs.
    struct TransferWork {
        var sessionID: UUID
        var statusTarget: WorkflowStatus.Scope
        var approvedStatus: String?
        var changesStatus: String?
        var items: [TransferPlan.Item]
        /// The notes to insert, top-level ones first, with their recipients.
        var newNotes: [(NoteRow, [UUID])]
        /// Final statuses, by version or task id.
        var statusChanges: [UUID: TransferPlan.StatusChange]

        func plan(applied: Bool) -> TransferPlan {
            TransferPlan(sessionID: sessionID, statusTarget: statusTarget, approvedStatus: approvedStatus,
                         changesStatus: changesStatus, items: items, applied: applied)
        }
    }

    func planTransfer(sessionID: UUID, _ request: FeedbackTransfer, by user: StaffUser, _ db: any SQLDatabase) async throws
        -> TransferWork
    {
        let session = try await sessionRecord(id: sessionID, db).session
        let organization = try await organizationRow(db).settings
        let target = organization.transferStatusTo
        let allItems = try await itemRows(sessionID: sessionID, includingRemoved: false, db)
        let items = try Self.chosenItems(request.itemIDs, from: allItems)
        let chosen = Set(items.map(\.id))
        let comments = try await transferredComments(request.commentIDs, sessionID: sessionID, items: chosen, db)
        let noteText = try request.note.map { text throws(CatalogError) in try Validate.text(text, FieldRules.noteText, field: "note") }

        // The rule's two statuses, on the list the statuses go to.
        var approved: String?
        var changes: String?
        if request.transferStatuses {
            let list = try await statusList(projectID: session.projectID, target, db)
            func named(_ name: String?, field: String, default kind: WorkflowStatus.Kind) async throws -> String? {
                guard let name else { return list.first { $0.kind == kind }?.name }
                return try await self.status(named: name, projectID: session.projectID, target, field: field, db).name
            }
            approved = try await named(request.approvedStatus, field: "approved_status", default: .approved)
            changes = try await named(request.changesStatus, field: "changes_status", default: .needsWork)
        }

        // The deciders' verdict on each item.
        let collaborators = try await self.collaborators(sessionID: sessionID, db)
        let statusRows = try await db.select(StatusRow.self).where("session_id", .equal, sessionID.bind).all(StatusRow.self)
        let statusesByItem = Dictionary(grouping: statusRows, by: \.itemId)

        // Notes made before from these comments, by comment.
        let earlier = comments.isEmpty ? [] : try await db.select(NoteRow.self)
            .where("source_comment_id", isIn: comments.map(\.id.uuidString)).all(NoteRow.self)
        var noteOfComment = Dictionary(earlier.compactMap { row in row.sourceCommentId.map { ($0, row.id) } }) { first, _ in first }
        let alreadyTransferred = Set(noteOfComment.keys)
        for comment in comments where noteOfComment[comment.id] == nil { noteOfComment[comment.id] = UUID() }

        var work = TransferWork(sessionID: sessionID, statusTarget: target, approvedStatus: approved, changesStatus: changes,
                                items: [], newNotes: [], statusChanges: [:])
        let transferredAt = StoredTime(now)
        var versions: [UUID: Version] = [:]
        var wanted: [UUID: (scope: WorkflowStatus.Scope, from: String, changes: Bool)] = [:]
        var verdicts: [UUID: (String, UUID?, String?)] = [:]
        for item in items {
            let version = try await self.version(id: item.versionId, db)
            versions[item.id] = version
            let summary = StatusSummary(itemID: item.id, collaborators: collaborators,
                                        statuses: Dictionary((statusesByItem[item.id] ?? []).map { ($0.collaboratorId, $0.status) }) { a, _ in a })
            let verdict = summary.anyRequiresChanges ? "requires_changes" : summary.allApproved ? "approved" : "undecided"
            guard request.transferStatuses, verdict != "undecided" else {
                verdicts[item.id] = (verdict, nil, nil)
                continue
            }
            let wantsChanges = verdict == "requires_changes"
            guard (wantsChanges ? changes : approved) != nil else {
                verdicts[item.id] = (verdict, nil, "the project's \(target) list has no \(wantsChanges ? "needs_work" : "approved") status: name one")
                continue
            }
            let targetID: UUID
            let current: String
            switch target {
            case .version:
                (targetID, current) = (version.id, version.status)
            case .task:
                guard let taskID = version.taskID else {
                    verdicts[item.id] = (verdict, nil, "the version has no task")
                    continue
                }
                (targetID, current) = (taskID, try await task(id: taskID, db).status)
            }
            // Several items on one task (or one version twice): asking for changes wins.
            wanted[targetID] = (target, current, (wanted[targetID]?.changes ?? false) || wantsChanges)
            verdicts[item.id] = (verdict, targetID, nil)
        }
        for (id, want) in wanted {
            let to = (want.changes ? changes : approved)!
            if to != want.from { work.statusChanges[id] = TransferPlan.StatusChange(scope: want.scope, targetID: id, from: want.from, to: to) }
        }

        // The comments replies answer, for their anchors.
        let threadIDs = Set(comments.map(\.threadId))
        let threads = threadIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await db.select(CommentRow.self)
            .where("id", isIn: threadIDs.map(\.uuidString)).all(CommentRow.self).map { ($0.id, $0) })
        // Top-level comments before replies, so a reply's note can answer its parent's.
        let ordered = comments.filter { $0.parentId == nil } + comments.filter { $0.parentId != nil }
        let authorEmails = Dictionary(collaborators.compactMap { person in person.email.map { (person.id, $0) } }) { a, _ in a }
        for item in items {
            let version = versions[item.id]!
            let recipients = try await assignedStaff(version, db)
            var planned: [TransferPlan.PlannedNote] = []
            for comment in ordered where comment.itemId == item.id {
                let noteID = noteOfComment[comment.id]!
                planned.append(TransferPlan.PlannedNote(commentID: comment.id, noteID: noteID,
                                                        alreadyTransferred: alreadyTransferred.contains(comment.id)))
                guard !alreadyTransferred.contains(comment.id) else { continue }
                let email: String? = switch comment.authorKind {
                case .collaborator: authorEmails[comment.authorId]
                case .staff: try await db.row(StaffUserRow.self, id: comment.authorId)?.email
                }
                var row = NoteRow(
                    id: noteID, versionId: version.id, parentId: comment.parentId.flatMap { noteOfComment[$0] },
                    authorKind: comment.authorKind, authorId: comment.authorId, authorName: comment.authorName, authorEmail: email,
                    text: comment.text, anchorFirst: nil, anchorLast: nil, isRange: false, drawing: comment.drawing,
                    receiptFrame: nil, receiptSha256: nil, receiptPath: nil, completable: request.completable, completedAt: nil,
                    completedBy: nil, sourceSessionId: sessionID, sourceCommentId: comment.id, transferredBy: user.id,
                    transferredAt: transferredAt, createdAt: comment.createdAt, createdBy: user.id, updatedAt: transferredAt)
                // A reply sits where the comment it answers does.
                row.setAnchor((threads[comment.threadId] ?? comment).anchor ?? .item)
                if let receipt = comment.receipt, receipt.state == .ready, let sha256 = receipt.sha256, let path = receipt.path {
                    (row.receiptFrame, row.receiptSha256, row.receiptPath) = (receipt.frame, sha256, path)
                }
                work.newNotes.append((row, recipients))
            }
            var newNoteID: UUID?
            if let noteText {
                let same = try await db.select(NoteRow.self).where("version_id", .equal, version.id.bind)
                    .where("source_session_id", .equal, sessionID.bind).where("source_comment_id", .is, SQLLiteral.null)
                    .where("author_id", .equal, user.id.bind).where("text", .equal, SQLBind(noteText)).first(NoteRow.self)
                if let same {
                    newNoteID = same.id
                } else {
                    let row = NoteRow(
                        id: UUID(), versionId: version.id, parentId: nil, authorKind: .staff, authorId: user.id,
                        authorName: user.name, authorEmail: user.email, text: noteText, anchorFirst: nil, anchorLast: nil,
                        isRange: false, drawing: nil, receiptFrame: nil, receiptSha256: nil, receiptPath: nil,
                        completable: request.completable, completedAt: nil, completedBy: nil, sourceSessionId: sessionID,
                        sourceCommentId: nil, transferredBy: user.id, transferredAt: transferredAt, createdAt: transferredAt,
                        createdBy: user.id, updatedAt: transferredAt)
                    work.newNotes.append((row, recipients))
                    newNoteID = row.id
                }
            }
            let (verdict, targetID, statusNote) = verdicts[item.id]!
            var reason = statusNote
            let change = targetID.flatMap { work.statusChanges[$0] }
            if let targetID, change == nil, let want = wanted[targetID] { reason = "already \(want.from)" }
            work.items.append(TransferPlan.Item(
                itemID: item.id, versionID: version.id, versionName: version.name, verdict: verdict, statusChange: change,
                statusNote: reason, notes: planned, newNoteID: newNoteID))
        }
        // Top-level notes first across all items, so every parent exists before its replies.
        work.newNotes.sort { ($0.0.parentId == nil ? 0 : 1) < ($1.0.parentId == nil ? 0 : 1) }
        return work
    }

    private func apply(_ work: TransferWork, by user: StaffUser, _ db: any SQLDatabase) async throws {
        let at = now
        for change in work.statusChanges.values {
            try await db.update(change.scope == .version ? VersionRow.table : TaskRow.table)
                .set("status", to: SQLBind(change.to)).set("updated_at", to: at.bind)
                .where("id", .equal, change.targetID.bind).run()
        }
        for (row, recipients) in work.newNotes {
            try await db.insert(row)
            try await setStaff(.noteRecipients, ownerID: row.id, recipients, db)
        }
    }

    /// The items chosen, in review order, each once.
    private static func chosenItems(_ ids: [UUID]?, from items: [ItemRow]) throws(CatalogError) -> [ItemRow] {
        guard let ids else { return items }
        let known = Set(items.map(\.id))
        for (index, id) in ids.enumerated() where !known.contains(id) {
            throw CatalogError.invalid("item_ids[\(index)]", "\(id) is not an item of this session")
        }
        let wanted = Set(ids)
        return items.filter { wanted.contains($0.id) }
    }

    /// The comments to transfer: those named (each this session's, on a chosen item, not
    /// deleted), or every comment on the chosen items that is not a tombstone.
    private func transferredComments(_ ids: [UUID]?, sessionID: UUID, items: Set<UUID>, _ db: any SQLDatabase) async throws
        -> [CommentRow]
    {
        guard !items.isEmpty else {
            if let ids, !ids.isEmpty { throw CatalogError.invalid("comment_ids", "no item is chosen") }
            return []
        }
        guard let ids else {
            return try await db.select(CommentRow.self).where("session_id", .equal, sessionID.bind)
                .where("item_id", isIn: items.map(\.uuidString)).where("deleted_at", .is, SQLLiteral.null)
                .orderBy("thread_first").orderBy("thread_created_at").orderBy("thread_id").orderBy("created_at")
                .all(CommentRow.self)
        }
        guard !ids.isEmpty else { return [] }
        let rows = try await db.select(CommentRow.self).where("id", isIn: ids.map(\.uuidString)).all(CommentRow.self)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        var chosen: [CommentRow] = []
        for (index, id) in ids.enumerated() {
            let field = "comment_ids[\(index)]"
            guard let row = byID[id], row.sessionId == sessionID else {
                throw CatalogError.invalid(field, "\(id) is not a comment of this session")
            }
            guard items.contains(row.itemId) else { throw CatalogError.invalid(field, "the comment is on an item not chosen") }
            guard row.deletedAt == nil else { throw CatalogError.invalid(field, "its author deleted the comment") }
            if !chosen.contains(where: { $0.id == id }) { chosen.append(row) }
        }
        return chosen
    }
}
