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
        /// Staff only: feedback went onto versions and tasks.
        case feedbackTransferred = "feedback.transferred"
        /// Staff only: a note transferred from this session changed, or was deleted.
        case noteChanged = "note.changed"
        case noteDeleted = "note.deleted"
        /// Staff only: a task of one of the session's versions changed.
        case taskChanged = "task.changed"
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
