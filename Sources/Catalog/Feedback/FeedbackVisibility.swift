import Foundation
import SQLKit

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

    /// What only staff may see (transfers, notes).
    public static let staffOnly = FeedbackVisibility(isInternal: true)

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

extension FeedbackVisibility {
    /// The same rule, narrowing a query of a table with `is_internal` and `owner_id` columns
    /// (comments, events) to what `viewer` may see, for lists that page in the database. A
    /// test holds it to ``allows(_:commentsVisibleToOthers:)`` over every case.
    static func narrow(_ query: SQLSelectBuilder, to viewer: Viewer, commentsVisibleToOthers: Bool,
                       table: String) -> SQLSelectBuilder {
        guard case .collaborator(let id) = viewer else { return query }
        query.where(SQLColumn("is_internal", table: table), .equal, SQLLiteral.boolean(false))
        if !commentsVisibleToOthers {
            query.where { group in
                group.where(SQLColumn("owner_id", table: table), .is, SQLLiteral.null)
                    .orWhere(SQLColumn("owner_id", table: table), .equal, id.bind)
            }
        }
        return query
    }
}
