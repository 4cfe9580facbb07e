import Foundation

/// A change in a session, as its live room replays it: numbered per session without gaps,
/// in the order the changes were made (`docs/feedback-format.md`, "Events").
public struct SessionEvent: Sendable, Hashable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case commentCreated = "comment.created"
        case commentEdited = "comment.edited"
        case commentResolved = "comment.resolved"
        case commentReopened = "comment.reopened"
        case commentDeleted = "comment.deleted"
        case statusChanged = "status.changed"
        case receiptReady = "receipt.ready"
        case itemAdded = "item.added"
        case itemRemoved = "item.removed"
        case itemChanged = "item.changed"
        case itemsReordered = "items.reordered"
        case sessionChanged = "session.changed"
    }

    public let sessionID: UUID
    /// The event's number in its session: 1, 2, 3… with no gaps.
    public let seq: Int
    public let kind: Kind
    public let at: Date
    /// The event's `data` object, as JSON text.
    public let data: String
    /// Who may see it.
    public let visibility: FeedbackVisibility
}

/// Who is looking: the one visibility rule asks this of every viewer.
public enum Viewer: Sendable, Hashable {
    /// A staff member: sees everything.
    case staff(UUID)
    /// A collaborator of the session.
    case collaborator(UUID)
}

/// Who may see a piece of feedback, or an event about one: the catalog's one visibility
/// rule. Lists, events, receipts, mails, reports, exports and webhooks all ask it; nothing
/// filters feedback on its own.
public struct FeedbackVisibility: Sendable, Hashable {
    /// Internal: staff only, never a collaborator.
    public var isInternal: Bool
    /// The collaborator whose feedback it is, if a collaborator's: a session that hides
    /// other people's comments shows it only to them (and to staff).
    public var owner: UUID?

    public init(isInternal: Bool = false, owner: UUID? = nil) {
        self.isInternal = isInternal
        self.owner = owner
    }

    /// What anyone in the session may see (item and session changes).
    public static let everyone = FeedbackVisibility()

    /// Whether `viewer` may see it, in a session whose comments are (or are not) visible to
    /// the other collaborators.
    public func allows(_ viewer: Viewer, commentsVisibleToOthers: Bool) -> Bool {
        switch viewer {
        case .staff: return true
        case .collaborator(let id):
            if isInternal { return false }
            guard let owner else { return true }
            return owner == id || commentsVisibleToOthers
        }
    }
}
