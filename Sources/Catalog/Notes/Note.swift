import Foundation

/// A note on a version: what the team works from. Staff write notes, and transfers of
/// feedback turn review comments into notes that keep their author, date, frames, drawing
/// and frame receipt (see ``Catalog/transferFeedback(_:by:)``).
public struct Note: Sendable, Hashable, Identifiable {
    /// Where a note came from, when a transfer made it.
    public struct Source: Sendable, Hashable {
        public let sessionID: UUID
        public let commentID: UUID
        /// The staff user who transferred it, and when.
        public let transferredBy: UUID?
        public let transferredAt: Timestamp
    }

    /// A frame receipt a note keeps: the still of the frame its comment was made on.
    public struct Receipt: Sendable, Hashable {
        public let frame: Int
        public let sha256: String
        /// The JPEG, relative to the data folder.
        public let path: String
    }

    public let id: UUID
    public let versionID: UUID
    /// The note replied to (a transferred reply's parent comment, once transferred too).
    public let parentID: UUID?
    /// Staff, or the collaborator who wrote the comment it came from (their name then).
    public let author: FeedbackAuthor
    public let authorEmail: String?
    public var text: String
    public var anchor: Anchor
    public var drawing: Drawing?
    public let receipt: Receipt?
    /// Whether it is a to-do that someone completes.
    public var completable: Bool
    public var completedAt: Timestamp?
    public var completedBy: UUID?
    /// Staff told of it, in order.
    public var recipientIDs: [UUID]
    public let source: Source?
    /// When it was written: a transferred comment's own date.
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    /// The names people know the version's frames by; `nil` while its media is not ready.
    public var labels: FrameLabels?
}

/// What a new note says. The anchor defaults to the whole version.
public struct NoteDraft: Sendable, Hashable {
    public var text: String
    public var anchor: Anchor
    public var drawing: Drawing?
    public var parentID: UUID?
    public var completable: Bool
    /// Staff to tell; `nil`: everyone assigned to the version or its task.
    public var recipientIDs: [UUID]?

    public init(text: String, anchor: Anchor = .item, drawing: Drawing? = nil, parentID: UUID? = nil,
                completable: Bool = false, recipientIDs: [UUID]? = nil) {
        self.text = text
        self.anchor = anchor
        self.drawing = drawing
        self.parentID = parentID
        self.completable = completable
        self.recipientIDs = recipientIDs
    }
}

/// Changes to a note: `nil` leaves a field alone. Only a staff author changes the text.
public struct NoteEdit: Sendable, Hashable, Decodable {
    public var text: String?
    public var completable: Bool?
    public var completed: Bool?
    public var recipientIDs: [UUID]?

    public init(text: String? = nil, completable: Bool? = nil, completed: Bool? = nil, recipientIDs: [UUID]? = nil) {
        self.text = text
        self.completable = completable
        self.completed = completed
        self.recipientIDs = recipientIDs
    }

    enum CodingKeys: String, CodingKey { case text, completable, completed, recipientIDs = "recipient_ids" }
}

/// The wire form: what the API answers.
extension Note: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", parentID = "parent_id", author, text, anchor, drawing, receipt, completable
        case completedAt = "completed_at", completedBy = "completed_by", recipientIDs = "recipient_ids", source
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    enum AuthorKeys: String, CodingKey { case kind, id, name, email }
    enum SourceKeys: String, CodingKey { case sessionID = "session_id", commentID = "comment_id", transferredBy = "transferred_by", transferredAt = "transferred_at" }
    enum ReceiptKeys: String, CodingKey { case frame, sha256, url }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(versionID, forKey: .versionID)
        try container.encodeIfPresent(parentID, forKey: .parentID)
        var author = container.nestedContainer(keyedBy: AuthorKeys.self, forKey: .author)
        try author.encode(self.author.kind, forKey: .kind)
        try author.encode(self.author.id, forKey: .id)
        try author.encode(self.author.name, forKey: .name)
        try author.encodeIfPresent(authorEmail, forKey: .email)
        try container.encode(text, forKey: .text)
        try container.encode(LabeledAnchor(anchor, labels: labels), forKey: .anchor)
        try container.encodeIfPresent(drawing, forKey: .drawing)
        if let receipt {
            var nested = container.nestedContainer(keyedBy: ReceiptKeys.self, forKey: .receipt)
            try nested.encode(receipt.frame, forKey: .frame)
            try nested.encode(receipt.sha256, forKey: .sha256)
            try nested.encode(Note.receiptPath(id), forKey: .url)
        }
        try container.encode(completable, forKey: .completable)
        try container.encodeIfPresent(completedAt, forKey: .completedAt)
        try container.encodeIfPresent(completedBy, forKey: .completedBy)
        try container.encode(recipientIDs, forKey: .recipientIDs)
        if let source {
            var nested = container.nestedContainer(keyedBy: SourceKeys.self, forKey: .source)
            try nested.encode(source.sessionID, forKey: .sessionID)
            try nested.encode(source.commentID, forKey: .commentID)
            try nested.encodeIfPresent(source.transferredBy, forKey: .transferredBy)
            try nested.encode(source.transferredAt, forKey: .transferredAt)
        }
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    /// Where a note's frame receipt is served (to staff).
    public static func receiptPath(_ id: UUID) -> String { "/api/v1/notes/\(id)/receipt" }
}
