import Foundation

/// A comment on a session's item (`docs/feedback-format.md`, "Comments"): a top-level comment
/// with its anchor and maybe a drawing, or a reply to one, one level deep.
public struct ReviewComment: Sendable, Hashable, Identifiable {
    public let id: UUID
    public let sessionID: UUID
    public let itemID: UUID
    /// The comment replied to; `nil` on a top-level comment.
    public let parentID: UUID?
    public var author: FeedbackAuthor
    /// Empty only on a tombstone.
    public var text: String
    /// Where it sits; `nil` on a reply, which sits where its parent does.
    public var anchor: Anchor?
    public var drawing: Drawing?
    public let isInternal: Bool
    public var resolvedAt: Timestamp?
    public var resolvedBy: FeedbackAuthor?
    /// The frame its author saw, for frame and range anchors.
    public var receipt: FrameReceipt?
    public let createdAt: Timestamp
    public var editedAt: Timestamp?
    /// Its author deleted it: it keeps its place and its replies, not its words.
    public var deletedAt: Timestamp?
    /// The names people know the item's frames by, for the anchor's labels; `nil` while
    /// the item's media is not ready.
    public var labels: FrameLabels?
    /// Who may see it (the one rule: ``FeedbackVisibility``).
    public let visibility: FeedbackVisibility

    public var isDeleted: Bool { deletedAt != nil }
}

/// The still of the frame a comment was made on, grabbed by a durable job from the proxy
/// (`docs/feedback-format.md`, "Comments", `receipt`).
public struct FrameReceipt: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, ready, failed
    }

    public var state: State
    /// The frame grabbed: the anchor's frame, or a range's first.
    public let frame: Int
    /// SHA-256 of the grabber's full-size, tightly packed RGB24 pixels, before encoding.
    public var sha256: String?
    /// The JPEG, relative to the data folder, once ready.
    public var path: String?
    /// Why it failed, once failed.
    public var error: String?
}

/// What a new comment says. A top-level comment has `anchor` (and maybe `drawing`); a reply
/// has `parentID` and neither.
public struct CommentDraft: Sendable, Hashable {
    public var text: String
    public var anchor: Anchor?
    public var drawing: Drawing?
    public var parentID: UUID?
    /// Staff only: no collaborator ever sees it.
    public var isInternal: Bool

    public init(text: String, anchor: Anchor? = nil, drawing: Drawing? = nil, parentID: UUID? = nil, isInternal: Bool = false) {
        self.text = text
        self.anchor = anchor
        self.drawing = drawing
        self.parentID = parentID
        self.isInternal = isInternal
    }
}

/// An author's change to their comment: `nil` leaves a field alone; `drawing: .some(nil)`
/// removes the drawing.
public struct CommentEdit: Sendable, Hashable {
    public var text: String?
    public var anchor: Anchor?
    public var drawing: Drawing??

    public init(text: String? = nil, anchor: Anchor? = nil, drawing: Drawing?? = nil) {
        self.text = text
        self.anchor = anchor
        self.drawing = drawing
    }
}

/// Which comments a list shows, besides what the viewer may see.
public struct CommentFilter: Sendable, Hashable {
    /// Only one item's.
    public var itemID: UUID?
    /// Only those by this author (a staff user's or a collaborator's id).
    public var authorID: UUID?
    /// Only those whose author's current status on the comment's item is this.
    public var status: ReviewStatus?
    /// Only resolved (`true`) or open (`false`) ones.
    public var resolved: Bool?
    /// Only internal (`true`) or shared (`false`) ones.
    public var isInternal: Bool?
    /// Only those whose anchor (a reply's: its parent's) overlaps these frames, both included.
    public var frames: ClosedRange<Int>?

    public init(itemID: UUID? = nil, authorID: UUID? = nil, status: ReviewStatus? = nil, resolved: Bool? = nil,
                isInternal: Bool? = nil, frames: ClosedRange<Int>? = nil) {
        self.itemID = itemID
        self.authorID = authorID
        self.status = status
        self.resolved = resolved
        self.isInternal = isInternal
        self.frames = frames
    }
}

/// Someone giving feedback, as the catalog checks what they may do.
public enum FeedbackActor: Sendable, Hashable {
    case staff(StaffUser)
    /// A collaborator let into their session.
    case collaborator(CollaboratorAccess)

    public var viewer: Viewer {
        switch self {
        case .staff(let user): .staff(user.id)
        case .collaborator(let access): .collaborator(access.collaborator.id)
        }
    }

    /// Them as an author.
    public var author: FeedbackAuthor {
        switch self {
        case .staff(let user): FeedbackAuthor(kind: .staff, id: user.id, name: user.name)
        case .collaborator(let access):
            FeedbackAuthor(kind: .collaborator, id: access.collaborator.id, name: access.collaborator.name)
        }
    }
}

extension FrameReceipt {
    /// Where a comment's receipt is served, to staff and to the collaborators who may see
    /// the comment alike: one URL, so an event carries it to every viewer unchanged.
    public static func path(sessionID: UUID, commentID: UUID) -> String {
        "/api/v1/review/sessions/\(sessionID)/receipts/\(commentID)"
    }
}

/// The wire form (`docs/feedback-format.md`, "Comments"): what the API answers and what
/// comment events carry.
extension ReviewComment: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, sessionID = "session_id", itemID = "item_id", parentID = "parent_id", author, text, anchor, drawing
        case isInternal = "internal", resolvedAt = "resolved_at", resolvedBy = "resolved_by", receipt
        case createdAt = "created_at", editedAt = "edited_at", deletedAt = "deleted_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(itemID, forKey: .itemID)
        try container.encodeIfPresent(parentID, forKey: .parentID)
        try container.encode(author, forKey: .author)
        try container.encode(text, forKey: .text)
        if let anchor { try container.encode(LabeledAnchor(anchor, labels: labels), forKey: .anchor) }
        try container.encodeIfPresent(drawing, forKey: .drawing)
        try container.encode(isInternal, forKey: .isInternal)
        try container.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
        try container.encodeIfPresent(resolvedBy, forKey: .resolvedBy)
        if !isDeleted { try container.encodeIfPresent(receiptAnswer, forKey: .receipt) }
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(editedAt, forKey: .editedAt)
        try container.encodeIfPresent(deletedAt, forKey: .deletedAt)
    }
}

extension ReviewComment {
    /// The receipt as the wire format gives it.
    var receiptAnswer: ReceiptAnswer? { receipt.map { ReceiptAnswer(receipt: $0, sessionID: sessionID, commentID: id) } }
}

/// A receipt as the wire format gives it: its state, and once ready its URL and hash.
struct ReceiptAnswer: Encodable {
    let receipt: FrameReceipt
    let sessionID: UUID
    let commentID: UUID

    enum CodingKeys: String, CodingKey { case state, url, sha256 }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(receipt.state, forKey: .state)
        if receipt.state == .ready, let sha256 = receipt.sha256 {
            try container.encode(FrameReceipt.path(sessionID: sessionID, commentID: commentID), forKey: .url)
            try container.encode(sha256, forKey: .sha256)
        }
    }
}
