import Foundation

/// What staff ask a transfer of feedback to do: which items of a session, which of their
/// comments become notes, and which statuses the rule gives (seed: ftrack's Transfer
/// feedback).
public struct FeedbackTransfer: Sendable, Hashable, Decodable {
    /// The items; `nil`: every item of the session.
    public var itemIDs: [UUID]?
    /// The comments to make notes of; `nil`: every comment on the chosen items (tombstones
    /// aside). Each must be on a chosen item.
    public var commentIDs: [UUID]?
    /// Whether the status rule runs at all.
    public var transferStatuses: Bool
    /// The status an item gets when every decider approved (the rule's Y); `nil`: the first
    /// `approved` status on the list it goes to.
    public var approvedStatus: String?
    /// The status an item gets when any decider asks for changes (the rule's X); `nil`: the
    /// first `needs_work` status on the list.
    public var changesStatus: String?
    /// Whether the transferred notes are to-dos to complete.
    public var completable: Bool
    /// A note staff write in the same transfer, on each chosen item's version.
    public var note: String?

    public init(itemIDs: [UUID]? = nil, commentIDs: [UUID]? = nil, transferStatuses: Bool = true, approvedStatus: String? = nil,
                changesStatus: String? = nil, completable: Bool = false, note: String? = nil) {
        self.itemIDs = itemIDs
        self.commentIDs = commentIDs
        self.transferStatuses = transferStatuses
        self.approvedStatus = approvedStatus
        self.changesStatus = changesStatus
        self.completable = completable
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case itemIDs = "item_ids", commentIDs = "comment_ids", transferStatuses = "transfer_statuses"
        case approvedStatus = "approved_status", changesStatus = "changes_status", completable, note
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        itemIDs = try container.decodeIfPresent([UUID].self, forKey: .itemIDs)
        commentIDs = try container.decodeIfPresent([UUID].self, forKey: .commentIDs)
        transferStatuses = try container.decodeIfPresent(Bool.self, forKey: .transferStatuses) ?? true
        approvedStatus = try container.decodeIfPresent(String.self, forKey: .approvedStatus)
        changesStatus = try container.decodeIfPresent(String.self, forKey: .changesStatus)
        completable = try container.decodeIfPresent(Bool.self, forKey: .completable) ?? false
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}

/// What a transfer does, or did: per item, the status change and the notes. A preview is
/// the same plan, not applied; a second transfer of the same comments plans nothing new.
public struct TransferPlan: Sendable, Hashable, Encodable {
    /// A status the rule sets on a version or a task.
    public struct StatusChange: Sendable, Hashable, Encodable {
        public let scope: WorkflowStatus.Scope
        /// The version's or the task's id.
        public let targetID: UUID
        public let from: String
        public let to: String

        enum CodingKeys: String, CodingKey { case scope, targetID = "target_id", from, to }
    }

    /// One comment and the note it becomes (or already became).
    public struct PlannedNote: Sendable, Hashable, Encodable {
        public let commentID: UUID
        public let noteID: UUID
        /// An earlier transfer made it: nothing new.
        public let alreadyTransferred: Bool

        enum CodingKeys: String, CodingKey { case commentID = "comment_id", noteID = "note_id", alreadyTransferred = "already_transferred" }
    }

    public struct Item: Sendable, Hashable, Encodable {
        public let itemID: UUID
        public let versionID: UUID
        public let versionName: String
        /// The deciders' verdict: `approved`, `requires_changes`, or `undecided`.
        public let verdict: String
        /// What the rule changes; `nil` when nothing (undecided, already so, or no task).
        public let statusChange: StatusChange?
        /// Why the rule changes nothing though the deciders decided, when it does not.
        public let statusNote: String?
        public let notes: [PlannedNote]
        /// The note staff wrote in the transfer, when one is made (or was, by an earlier one).
        public let newNoteID: UUID?

        enum CodingKeys: String, CodingKey {
            case itemID = "item_id", versionID = "version_id", versionName = "version_name", verdict
            case statusChange = "status_change", statusNote = "status_note", notes, newNoteID = "new_note_id"
        }
    }

    public let sessionID: UUID
    /// Where the rule's statuses go (the organisation's setting).
    public let statusTarget: WorkflowStatus.Scope
    public let approvedStatus: String?
    public let changesStatus: String?
    public let items: [Item]
    /// Whether it was done (`false`: a preview).
    public let applied: Bool

    /// Notes the transfer creates (a preview: would create).
    public var notesCreated: Int { items.reduce(0) { $0 + $1.notes.filter { !$0.alreadyTransferred }.count } }
    public var statusesChanged: Int { Set(items.compactMap(\.statusChange).map(\.targetID)).count }

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", statusTarget = "status_target", approvedStatus = "approved_status"
        case changesStatus = "changes_status", items, applied, notesCreated = "notes_created", statusesChanged = "statuses_changed"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(statusTarget, forKey: .statusTarget)
        try container.encodeIfPresent(approvedStatus, forKey: .approvedStatus)
        try container.encodeIfPresent(changesStatus, forKey: .changesStatus)
        try container.encode(items, forKey: .items)
        try container.encode(applied, forKey: .applied)
        try container.encode(notesCreated, forKey: .notesCreated)
        try container.encode(statusesChanged, forKey: .statusesChanged)
    }
}
