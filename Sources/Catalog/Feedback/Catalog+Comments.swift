import Foundation
import SQLKit

/// Comments: written by collaborators and staff, each change recorded as a session event in
/// the same transaction, each list narrowed by the one visibility rule
/// (``FeedbackVisibility``) before it pages.
extension Catalog {
    /// A session's comments that `viewer` may see, in order: by frame (whole-item comments
    /// first), then time, each reply after its parent.
    public func comments(sessionID: UUID, for viewer: Viewer, filter: CommentFilter = CommentFilter(),
                         page: Page = .default) async throws -> PageResult<ReviewComment> {
        try await database.read { db in
            let session = try await self.sessionRecord(id: sessionID, db).session
            // Collaborators see only the items still in the session; staff see removed ones' too.
            let items = try await self.itemRows(sessionID: sessionID, includingRemoved: viewer.isStaff, db)
            if let itemID = filter.itemID, !items.contains(where: { $0.id == itemID }) {
                throw CatalogError.notFound("item in this session", itemID)
            }
            let labels = try await self.frameLabels(items, db)
            func narrowed(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                let query = FeedbackVisibility.narrow(query.where("session_id", .equal, sessionID.bind),
                                                      to: viewer, commentsVisibleToOthers: session.settings.commentsVisibleToOthers,
                                                      table: CommentRow.table)
                let itemIDs = filter.itemID.map { [$0] } ?? items.map(\.id)
                query.where("item_id", isIn: itemIDs.map(\.uuidString))
                if let author = filter.authorID { query.where("author_id", .equal, author.bind) }
                if let resolved = filter.resolved {
                    query.where("resolved_at", resolved ? .isNot : .is, SQLLiteral.null)
                }
                if let isInternal = filter.isInternal {
                    query.where("is_internal", .equal, SQLLiteral.boolean(isInternal))
                }
                if let frames = filter.frames {
                    query.where("thread_first", .greaterThanOrEqual, SQLBind(0))
                        .where("thread_first", .lessThanOrEqual, SQLBind(frames.upperBound))
                        .where("thread_last", .greaterThanOrEqual, SQLBind(frames.lowerBound))
                }
                if let status = filter.status {
                    // The author's current verdict on the comment's item.
                    query.where(SQLQueryString("""
                        EXISTS (SELECT 1 FROM review_statuses s WHERE s.item_id = comments.item_id \
                        AND s.collaborator_id = comments.author_id AND s.status = \(bind: status.rawValue))
                        """))
                }
                return query
            }
            let total = try await db.count(CommentRow.table, narrowed)
            let rows = try await narrowed(db.select(CommentRow.self))
                .orderBy("thread_first").orderBy("thread_created_at").orderBy("thread_id").orderBy("created_at").orderBy("id")
                .limit(page.limit).offset(page.offset).all(CommentRow.self)
            return PageResult(items: try rows.map { try ReviewComment($0, labels: labels[$0.itemId] ?? nil) }, total: total, page: page)
        }
    }

    /// One comment, if `viewer` may see it; otherwise not found, as if it did not exist.
    public func comment(id: UUID, sessionID: UUID, for viewer: Viewer) async throws -> ReviewComment {
        try await database.read { db in
            let session = try await self.sessionRecord(id: sessionID, db).session
            let row = try await self.visibleCommentRow(id: id, in: session, for: viewer, db)
            return try await self.comment(row, db)
        }
    }

    /// Adds a comment, or a reply, to an item; a comment on a frame or a range queues the
    /// grab of its frame receipt in the same transaction.
    ///
    /// - Throws: ``CatalogError``: the session closed or out of its schedule, comments
    ///   turned off, an observer, a frame beyond the item, a range backwards, a drawing out
    ///   of bounds, a reply to a reply; nothing is stored then.
    ///
    /// - Parameter id: the comment's id (a script's own); a fresh one by default.
    public func addComment(id: UUID? = nil, sessionID: UUID, itemID: UUID, _ draft: CommentDraft, by actor: FeedbackActor)
        async throws -> ReviewComment
    {
        let text = try Validate.text(draft.text, FieldRules.commentText, field: "text")
        let drawing = try draft.drawing?.validated()
        if draft.isInternal, case .collaborator = actor {
            throw CatalogError(.forbidden, "only staff mark comments internal")
        }
        return try await database.write { db in
            let session = try await self.feedbackSession(sessionID, by: actor, comments: true, db)
            let item = try await self.itemRow(id: itemID, sessionID: sessionID, db)
            let playback = try await self.playback(versionID: item.versionId, db)
            let created = StoredTime(self.now)
            if let id { try await self.checkNewID(id, in: CommentRow.table, db) }
            let id = id ?? UUID()
            let author = actor.author
            var row = CommentRow(
                id: id, sessionId: sessionID, itemId: itemID, parentId: draft.parentID, authorKind: author.kind,
                authorId: author.id, authorName: author.name, text: text, anchorFirst: nil, anchorLast: nil, isRange: false,
                drawing: nil, isInternal: draft.isInternal, ownerId: actor.collaboratorID,
                resolvedAt: nil, resolvedByKind: nil, resolvedById: nil, resolvedByName: nil, receiptState: nil, receiptFrame: nil,
                receiptSha256: nil, receiptPath: nil, receiptError: nil, threadFirst: CommentRow.wholeItem,
                threadLast: CommentRow.wholeItem, threadCreatedAt: created, threadId: id, createdAt: created, editedAt: nil,
                deletedAt: nil)
            if let parentID = draft.parentID {
                guard draft.anchor == nil else {
                    throw CatalogError.invalid("anchor", "a reply sits where the comment it answers sits: send no anchor")
                }
                guard drawing == nil else { throw CatalogError.invalid("drawing", "a reply has no drawing: draw on a new comment") }
                let parent = try await self.visibleCommentRow(id: parentID, in: session, for: actor.viewer, db,
                                                              field: "parent_id")
                guard parent.itemId == itemID else {
                    throw CatalogError.invalid("parent_id", "the comment replied to is on another item")
                }
                guard parent.parentId == nil else {
                    throw CatalogError.invalid("parent_id", "replies are one level deep: reply to the comment it answers")
                }
                // A reply is seen by whoever sees what it answers, no more: never outside an
                // internal thread, nor by others in a thread only its owner sees.
                row.isInternal = parent.isInternal || draft.isInternal
                row.ownerId = actor.collaboratorID ?? parent.ownerId
                (row.threadFirst, row.threadLast, row.threadCreatedAt, row.threadId) =
                    (parent.threadFirst, parent.threadLast, parent.threadCreatedAt, parent.threadId)
            } else {
                let anchor = try (draft.anchor ?? .item).validated(frameCount: playback?.frameCount)
                row.setAnchor(anchor)
                if let drawing {
                    guard anchor.drawingFrame != nil else {
                        throw CatalogError.invalid("drawing", "a drawing is drawn on a frame: anchor the comment to a frame or a range")
                    }
                    row.drawing = try Self.drawingJSON(drawing)
                }
            }
            try await db.insert(row)
            try await self.queueReceipt(&row, db)
            let comment = try ReviewComment(row, labels: playback.map(FrameLabels.init))
            try await self.emit(.commentCreated, data: CommentEventData(comment: comment),
                                feedback: (comment.visibility, session.settings.commentsVisibleToOthers), db)
            try await self.queueNotices(NoticeEvent(
                kind: comment.parentID == nil ? .comment : .reply, sessionID: sessionID, itemID: itemID, commentID: comment.id,
                author: comment.author, visibility: comment.visibility,
                details: Notice.Details(comment, sessionTitle: session.title, versionName: item.versionName,
                                        threadAnchor: row.anchor ?? (row.threadFirst == CommentRow.wholeItem ? nil
                                            : .range(first: row.threadFirst, last: row.threadLast)))),
                session: session, db)
            return try await self.recordCommentEvent(.commentCreated, comment, db)
        }
    }

    /// Changes an author's own comment: its text, and a top-level comment's anchor and
    /// drawing. A moved anchor gets a new frame receipt.
    public func editComment(sessionID: UUID, id: UUID, _ edit: CommentEdit, by actor: FeedbackActor) async throws -> ReviewComment {
        let text = try edit.text.map { text throws(CatalogError) in try Validate.text(text, FieldRules.commentText, field: "text") }
        let drawing = try edit.drawing.map { drawing throws(CatalogError) in try drawing?.validated() }
        return try await database.write { db in
            let session = try await self.feedbackSession(sessionID, by: actor, comments: true, db)
            var row = try await self.ownCommentRow(id: id, in: session, by: actor, db)
            guard row.deletedAt == nil else { throw CatalogError(.conflict, "the comment was deleted: nothing is left to edit") }
            if let text { row.text = text }
            if edit.anchor != nil || drawing != nil, row.parentId != nil {
                throw CatalogError.invalid(edit.anchor != nil ? "anchor" : "drawing",
                                           "a reply sits where the comment it answers sits, and has no drawing")
            }
            let oldFrame = row.anchor?.drawingFrame
            if let anchor = edit.anchor {
                let item = try await self.itemRow(id: row.itemId, sessionID: sessionID, db)
                let frameCount = try await self.playback(versionID: item.versionId, db)?.frameCount
                row.setAnchor(try anchor.validated(frameCount: frameCount))
                // Replies sit with their parent.
                try await db.update(CommentRow.table).set("thread_first", to: SQLBind(row.threadFirst))
                    .set("thread_last", to: SQLBind(row.threadLast)).where("parent_id", .equal, id.bind).run()
            }
            if let drawing { row.drawing = try drawing.map(Self.drawingJSON) }
            if row.drawing != nil, row.anchor?.drawingFrame == nil {
                throw CatalogError.invalid("drawing", "a drawing is drawn on a frame: anchor the comment to a frame or a range")
            }
            row.editedAt = StoredTime(self.now)
            if row.anchor?.drawingFrame != oldFrame { row.setReceipt(nil) }
            try await db.update(row)
            try await self.queueReceipt(&row, db)
            return try await self.recordCommentEvent(.commentEdited, try await self.comment(row, db), db)
        }
    }

    /// Deletes an author's own comment: it becomes a tombstone, which keeps its place, its
    /// replies and its history, not its words or drawing.
    public func deleteComment(sessionID: UUID, id: UUID, by actor: FeedbackActor) async throws -> ReviewComment {
        try await database.write { db in
            let session = try await self.feedbackSession(sessionID, by: actor, comments: true, db)
            var row = try await self.ownCommentRow(id: id, in: session, by: actor, db)
            guard row.deletedAt == nil else { return try await self.comment(row, db) }
            row.text = ""
            row.drawing = nil
            row.deletedAt = StoredTime(self.now)
            try await db.update(row)
            return try await self.recordCommentEvent(.commentDeleted, try await self.comment(row, db), db)
        }
    }

    /// Marks a comment resolved (or open again): staff, or its author.
    public func setResolved(_ resolved: Bool, sessionID: UUID, id: UUID, by actor: FeedbackActor) async throws -> ReviewComment {
        try await database.write { db in
            let session = try await self.feedbackSession(sessionID, by: actor, comments: false, db)
            var row = try await self.visibleCommentRow(id: id, in: session, for: actor.viewer, db)
            if case .collaborator(let access) = actor, row.authorId != access.collaborator.id {
                throw CatalogError(.forbidden, "only staff and the comment's author resolve it")
            }
            guard resolved != (row.resolvedAt != nil) else { return try await self.comment(row, db) }
            let by = actor.author
            (row.resolvedAt, row.resolvedByKind, row.resolvedById, row.resolvedByName) =
                resolved ? (StoredTime(self.now), by.kind, by.id, by.name) : (nil, nil, nil, nil)
            try await db.update(row)
            return try await self.recordCommentEvent(resolved ? .commentResolved : .commentReopened,
                                                     try await self.comment(row, db), db)
        }
    }

    // MARK: - Inside a transaction

    /// The session, if `actor` may give feedback in it now: open, within its schedule (staff
    /// may prepare before it starts), and for a collaborator still let in; for comments,
    /// with comments allowed and not an observer.
    func feedbackSession(_ sessionID: UUID, by actor: FeedbackActor, comments: Bool, _ db: any SQLDatabase) async throws
        -> ReviewSession
    {
        let session = try await openSessionRecord(id: sessionID, db).session
        let now = self.now
        guard now < session.endsAt else {
            throw CatalogError(.sessionExpired, "this review session ended at \(session.endsAt.ISO8601Format()): it takes no more feedback")
        }
        guard case .collaborator(let access) = actor else { return session }
        guard access.session.id == sessionID else { throw CatalogError(.forbidden, "you are not invited to this session") }
        guard now >= session.startsAt else {
            throw CatalogError(.sessionNotStarted, "this review session opens at \(session.startsAt.ISO8601Format())")
        }
        // Checked again in the transaction: staff may have revoked them since they came in.
        guard let row = try await db.row(CollaboratorRow.self, id: access.collaborator.id), row.revokedAt == nil else {
            throw CatalogError(.accessRevoked, "your access to this session has been withdrawn")
        }
        if comments {
            guard session.settings.allowComments else { throw CatalogError(.forbidden, "comments are turned off in this session") }
            guard row.role != .observer else { throw CatalogError(.forbidden, "observers watch; they do not comment") }
        }
        return session
    }

    /// The comment row of `session`, if `viewer` may see it.
    func visibleCommentRow(id: UUID, in session: ReviewSession, for viewer: Viewer, _ db: any SQLDatabase,
                           field: String? = nil) async throws -> CommentRow {
        let query = FeedbackVisibility.narrow(
            db.select(CommentRow.self).where("id", .equal, id.bind).where("session_id", .equal, session.id.bind),
            to: viewer, commentsVisibleToOthers: session.settings.commentsVisibleToOthers, table: CommentRow.table)
        guard let row = try await query.first(CommentRow.self) else {
            throw field.map { CatalogError.invalid($0, "no comment with id \(id) in this session") }
                ?? CatalogError.notFound("comment in this session", id)
        }
        return row
    }

    /// The comment row, if `actor` wrote it.
    private func ownCommentRow(id: UUID, in session: ReviewSession, by actor: FeedbackActor, _ db: any SQLDatabase)
        async throws -> CommentRow
    {
        let row = try await visibleCommentRow(id: id, in: session, for: actor.viewer, db)
        let author = actor.author
        guard row.authorKind == author.kind, row.authorId == author.id else {
            throw CatalogError(.forbidden, "only its author changes a comment")
        }
        return row
    }

    /// The comment of `row`, labelled.
    func comment(_ row: CommentRow, _ db: any SQLDatabase) async throws -> ReviewComment {
        let item = try await itemRow(id: row.itemId, sessionID: row.sessionId, includingRemoved: true, db)
        return try ReviewComment(row, labels: try await playback(versionID: item.versionId, db).map(FrameLabels.init))
    }

    /// Records a change of a comment as an event that carries it, seen by whoever may see it.
    private func recordCommentEvent(_ kind: SessionEvent.Kind, _ comment: ReviewComment, _ db: any SQLDatabase) async throws
        -> ReviewComment
    {
        try await recordEvent(kind, sessionID: comment.sessionID, data: CommentEventData(comment: comment),
                              visibility: comment.visibility, db)
        return comment
    }

    /// Queues the grab of the frame a comment sits on, unless it has its receipt already.
    private func queueReceipt(_ row: inout CommentRow, _ db: any SQLDatabase) async throws {
        guard row.receipt == nil, let frame = row.anchor?.drawingFrame else { return }
        row.setReceipt(FrameReceipt(state: .pending, frame: frame))
        try await db.update(CommentRow.table).set("receipt_state", to: SQLBind(FrameReceipt.State.pending.rawValue))
            .set("receipt_frame", to: SQLBind(frame)).where("id", .equal, row.id.bind).run()
        let job = ReceiptJob(commentID: row.id)
        _ = try await enqueue(.receipt, payload: String(decoding: try JSONEncoder().encode(job), as: UTF8.self),
                              idempotencyKey: job.idempotencyKey, maxAttempts: 3, batchID: nil, db)
    }

    static func drawingJSON(_ drawing: Drawing) throws -> String {
        String(decoding: try CatalogJSON.encoder.encode(drawing), as: UTF8.self)
    }

    /// The proxy's playback facts for a version (the same for every profile: proxies keep
    /// the source's frames), `nil` until a proxy exists.
    func playback(versionID: UUID, _ db: any SQLDatabase) async throws -> PlaybackInfo? {
        try await db.select(ComponentRow.self).where("version_id", .equal, versionID.bind)
            .where("kind", .equal, SQLBind(Component.Kind.proxy.rawValue)).orderBy("created_at").all(ComponentRow.self)
            .lazy.compactMap { Component($0).playbackInfo }.first
    }

    /// The frame labels of each item, `nil` for those without media yet.
    func frameLabels(_ items: [ItemRow], _ db: any SQLDatabase) async throws -> [UUID: FrameLabels?] {
        var labels: [UUID: FrameLabels?] = [:]
        var byVersion: [UUID: FrameLabels?] = [:]
        for item in items {
            if byVersion[item.versionId] == nil {
                byVersion[item.versionId] = .some(try await playback(versionID: item.versionId, db).map(FrameLabels.init))
            }
            labels[item.id] = byVersion[item.versionId] ?? nil
        }
        return labels
    }
}

extension FeedbackActor {
    /// The collaborator's id, when a collaborator.
    var collaboratorID: UUID? {
        if case .collaborator(let access) = self { access.collaborator.id } else { nil }
    }
}

extension Viewer {
    public var isStaff: Bool { if case .staff = self { true } else { false } }
}

/// The data of comment events: the comment as it is after the change.
struct CommentEventData: Encodable {
    let comment: ReviewComment
}
