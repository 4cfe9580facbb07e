import Foundation

/// A row of `notes`. An anchor is stored as a comment's is (``CommentRow``); a transferred
/// note's `source_comment_id` is unique, which is what makes a second transfer of the same
/// comment create nothing.
struct NoteRow: TableRow {
    static let table = "notes"
    var id: UUID, versionId: UUID, parentId: UUID?
    var authorKind: FeedbackAuthor.Kind, authorId: UUID, authorName: String, authorEmail: String?
    var text: String, anchorFirst: Int?, anchorLast: Int?, isRange: Bool, drawing: String?
    var receiptFrame: Int?, receiptSha256: String?, receiptPath: String?
    var completable: Bool, completedAt: StoredTime?, completedBy: UUID?
    var sourceSessionId: UUID?, sourceCommentId: UUID?, transferredBy: UUID?, transferredAt: StoredTime?
    var createdAt: StoredTime, createdBy: UUID?, updatedAt: StoredTime

    var anchor: Anchor {
        guard let first = anchorFirst, let last = anchorLast else { return .item }
        return isRange ? .range(first: first, last: last) : .frame(first)
    }

    mutating func setAnchor(_ anchor: Anchor) {
        switch anchor {
        case .item: (anchorFirst, anchorLast, isRange) = (nil, nil, false)
        case .frame(let frame): (anchorFirst, anchorLast, isRange) = (frame, frame, false)
        case .range(let first, let last): (anchorFirst, anchorLast, isRange) = (first, last, true)
        }
    }
}

extension Note {
    init(_ row: NoteRow, recipients: [UUID], labels: FrameLabels?) throws {
        let drawing = try row.drawing.map { text in
            try NoteRow.reading({ try JSONDecoder().decode(Drawing.self, from: Data(text.utf8)) }, id: row.id)
        }
        var receipt: Receipt?
        if let frame = row.receiptFrame, let sha256 = row.receiptSha256, let path = row.receiptPath {
            receipt = Receipt(frame: frame, sha256: sha256, path: path)
        }
        var source: Source?
        if let session = row.sourceSessionId, let comment = row.sourceCommentId, let at = row.transferredAt {
            source = Source(sessionID: session, commentID: comment, transferredBy: row.transferredBy, transferredAt: at.date)
        }
        self.init(id: row.id, versionID: row.versionId, parentID: row.parentId,
                  author: FeedbackAuthor(kind: row.authorKind, id: row.authorId, name: row.authorName),
                  authorEmail: row.authorEmail, text: row.text, anchor: row.anchor, drawing: drawing, receipt: receipt,
                  completable: row.completable, completedAt: row.completedAt?.date, completedBy: row.completedBy,
                  recipientIDs: recipients, source: source, createdAt: row.createdAt.date, updatedAt: row.updatedAt.date,
                  labels: labels)
    }
}
