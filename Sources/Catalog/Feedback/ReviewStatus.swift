import Foundation

/// A collaborator's verdict on an item.
public enum ReviewStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case approved
    case requiresChanges = "requires_changes"
}

/// Who wrote a comment or set a status (`docs/feedback-format.md`, "Authors").
public struct FeedbackAuthor: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case staff
        case collaborator
    }

    public let kind: Kind
    /// A staff user's id, or a session collaborator's.
    public let id: UUID
    public let name: String

    public init(kind: Kind, id: UUID, name: String) {
        self.kind = kind
        self.id = id
        self.name = name
    }
}

/// How an item stands with the people who decide on it (`docs/feedback-format.md`,
/// "Statuses").
///
/// The deciders are the session's approvers when it has any, otherwise its reviewers;
/// revoked collaborators never decide, and observers never do. A decider who asks for
/// changes outweighs every approval.
public struct StatusSummary: Sendable, Hashable, Codable {
    public let itemID: UUID
    public let deciders: Int
    public let pending: Int
    public let approved: Int
    public let requiresChanges: Int
    /// Every decider approved (and there is at least one).
    public let allApproved: Bool
    /// A decider asks for changes.
    public let anyRequiresChanges: Bool

    /// The summary of one item.
    ///
    /// - Parameters:
    ///   - collaborators: the session's collaborators (revoked ones too: they are left out here).
    ///   - statuses: each collaborator's current status on the item; missing means pending.
    public init(itemID: UUID, collaborators: [Collaborator], statuses: [UUID: ReviewStatus]) {
        let deciders = Self.deciders(collaborators)
        let current = deciders.map { statuses[$0.id] ?? .pending }
        self.itemID = itemID
        self.deciders = deciders.count
        pending = current.filter { $0 == .pending }.count
        approved = current.filter { $0 == .approved }.count
        requiresChanges = current.filter { $0 == .requiresChanges }.count
        anyRequiresChanges = requiresChanges > 0
        allApproved = !deciders.isEmpty && approved == deciders.count
    }

    /// Who decides on a session's items: its approvers when it has any, else its reviewers;
    /// never the revoked.
    public static func deciders(_ collaborators: [Collaborator]) -> [Collaborator] {
        let active = collaborators.filter { !$0.isRevoked }
        let approvers = active.filter { $0.role == .approver }
        return approvers.isEmpty ? active.filter { $0.role == .reviewer } : approvers
    }

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id", deciders, pending, approved, requiresChanges = "requires_changes"
        case allApproved = "all_approved", anyRequiresChanges = "any_requires_changes"
    }
}
