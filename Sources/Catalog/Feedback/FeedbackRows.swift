import Foundation

/// A row of `comments`. An anchor is stored as its frames (`NULL` for the whole item), a
/// drawing as its wire-format JSON, and the top-level comment's anchor and time are copied
/// onto its replies (`thread_*`), so one ordered index lists threads by frame.
struct CommentRow: TableRow {
    static let table = "comments"
    var id: UUID, sessionId: UUID, itemId: UUID, parentId: UUID?
    var authorKind: FeedbackAuthor.Kind, authorId: UUID, authorName: String
    var text: String, anchorFirst: Int?, anchorLast: Int?, isRange: Bool, drawing: String?
    var isInternal: Bool, ownerId: UUID?
    var resolvedAt: StoredTime?, resolvedByKind: FeedbackAuthor.Kind?, resolvedById: UUID?, resolvedByName: String?
    var receiptState: FrameReceipt.State?, receiptFrame: Int?, receiptSha256: String?, receiptPath: String?
    var receiptError: String?
    var threadFirst: Int, threadLast: Int, threadCreatedAt: StoredTime, threadId: UUID
    var createdAt: StoredTime, editedAt: StoredTime?, deletedAt: StoredTime?

    /// Where whole-item comments sort: before every frame.
    static let wholeItem = -1

    var anchor: Anchor? {
        guard parentId == nil else { return nil }
        guard let first = anchorFirst, let last = anchorLast else { return .item }
        return isRange ? .range(first: first, last: last) : .frame(first)
    }

    mutating func setAnchor(_ anchor: Anchor?) {
        switch anchor {
        case nil, .item: (anchorFirst, anchorLast, isRange) = (nil, nil, false)
        case .frame(let frame): (anchorFirst, anchorLast, isRange) = (frame, frame, false)
        case .range(let first, let last): (anchorFirst, anchorLast, isRange) = (first, last, true)
        }
        if parentId == nil {
            (threadFirst, threadLast) = (anchorFirst ?? Self.wholeItem, anchorLast ?? Self.wholeItem)
        }
    }

    mutating func setReceipt(_ receipt: FrameReceipt?) {
        (receiptState, receiptFrame, receiptSha256, receiptPath, receiptError) =
            (receipt?.state, receipt?.frame, receipt?.sha256, receipt?.path, receipt?.error)
    }

    var receipt: FrameReceipt? {
        guard let receiptState, let receiptFrame else { return nil }
        return FrameReceipt(state: receiptState, frame: receiptFrame, sha256: receiptSha256, path: receiptPath, error: receiptError)
    }
}

extension ReviewComment {
    /// The comment of `row`, with its item's frame labels.
    init(_ row: CommentRow, labels: FrameLabels?) throws {
        let drawing = try row.drawing.map { text in
            try CommentRow.reading({ try JSONDecoder().decode(Drawing.self, from: Data(text.utf8)) }, id: row.id)
        }
        self.init(
            id: row.id, sessionID: row.sessionId, itemID: row.itemId, parentID: row.parentId,
            author: FeedbackAuthor(kind: row.authorKind, id: row.authorId, name: row.authorName), text: row.text,
            anchor: row.anchor, drawing: drawing, isInternal: row.isInternal, resolvedAt: row.resolvedAt?.date,
            resolvedBy: row.resolvedByKind.flatMap { kind in
                row.resolvedById.map { FeedbackAuthor(kind: kind, id: $0, name: row.resolvedByName ?? "") }
            },
            receipt: row.receipt, createdAt: row.createdAt.date, editedAt: row.editedAt?.date, deletedAt: row.deletedAt?.date,
            labels: labels, visibility: FeedbackVisibility(isInternal: row.isInternal, owner: row.ownerId))
    }
}

/// A row of `review_statuses`: one collaborator's current verdict on one item.
struct StatusRow: TableRow {
    static let table = "review_statuses"
    static let idColumn = "item_id"
    var itemId: UUID, collaboratorId: UUID, sessionId: UUID, status: ReviewStatus, updatedAt: StoredTime
    /// Set for every verdict since step 14 (NULL only mid-migration).
    var id: UUID? = nil
}

/// A row of `status_changes`: one change of a verdict, kept for good.
struct StatusChangeRow: TableRow {
    static let table = "status_changes"
    var id: UUID, itemId: UUID, collaboratorId: UUID, sessionId: UUID, fromStatus: ReviewStatus, toStatus: ReviewStatus
    var at: StoredTime
    /// The staff member who set it on the collaborator's behalf (see ``Catalog/setStatus(_:sessionID:itemID:onBehalfOf:by:statusID:)``).
    var setByStaffId: UUID? = nil
    var setByName: String? = nil
}
