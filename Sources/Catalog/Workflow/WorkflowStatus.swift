import Foundation

/// One entry of a project's status list: a status versions (or tasks) can have, such as
/// `pending review`, with the colour people see it in and what kind of state it is.
///
/// Each project keeps two lists, one for versions and one for tasks. A version's or task's
/// status is always a name on its project's list; renaming an entry renames it everywhere.
public struct WorkflowStatus: Sendable, Hashable, Codable, Identifiable {
    /// Which list an entry is on.
    public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
        case version, task
    }

    /// What kind of state a status is: what transfers of feedback and reports go by, whatever
    /// the studio calls it.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case inProgress = "in_progress"
        case review
        case approved
        case needsWork = "needs_work"
    }

    public let id: UUID
    public let projectID: UUID
    public let scope: Scope
    public var name: String
    /// `#RRGGBB`.
    public var colour: String
    public var kind: Kind
    /// Its place in the list, from 0.
    public var position: Int

    enum CodingKeys: String, CodingKey { case id, projectID = "project_id", scope, name, colour, kind, position }
}

/// A project's two status lists, each in order.
public struct StatusLists: Sendable, Hashable, Codable {
    public let version: [WorkflowStatus]
    public let task: [WorkflowStatus]

    public subscript(scope: WorkflowStatus.Scope) -> [WorkflowStatus] {
        switch scope {
        case .version: version
        case .task: task
        }
    }
}

/// An entry of a status list as staff set it. With an `id`, it is that existing entry (a
/// different name renames it, and every version or task that has it); without, a new one.
public struct WorkflowStatusEntry: Sendable, Hashable, Decodable {
    public var id: UUID?
    public var name: String
    public var colour: String
    public var kind: WorkflowStatus.Kind

    public init(id: UUID? = nil, name: String, colour: String, kind: WorkflowStatus.Kind) {
        self.id = id
        self.name = name
        self.colour = colour
        self.kind = kind
    }
}

extension WorkflowStatus {
    /// The list a new project starts with.
    public static func defaultList(_ scope: Scope) -> [WorkflowStatusEntry] {
        switch scope {
        case .version:
            [WorkflowStatusEntry(name: "in progress", colour: "#4A90D9", kind: .inProgress),
             WorkflowStatusEntry(name: "pending review", colour: "#E8A33D", kind: .review),
             WorkflowStatusEntry(name: "approved", colour: "#3FA45B", kind: .approved),
             WorkflowStatusEntry(name: "requires changes", colour: "#D9534F", kind: .needsWork)]
        case .task:
            [WorkflowStatusEntry(name: "not started", colour: "#9AA0A6", kind: .inProgress),
             WorkflowStatusEntry(name: "in progress", colour: "#4A90D9", kind: .inProgress),
             WorkflowStatusEntry(name: "pending review", colour: "#E8A33D", kind: .review),
             WorkflowStatusEntry(name: "approved", colour: "#3FA45B", kind: .approved),
             WorkflowStatusEntry(name: "requires changes", colour: "#D9534F", kind: .needsWork)]
        }
    }

    /// The status a new version starts with.
    public static let newVersionStatus = "pending review"

    /// The kind a status word from before status lists most likely means: the upgrade adds
    /// words it does not know to the list with this kind, and staff can change it after.
    static func likelyKind(of word: String) -> Kind {
        let word = word.lowercased()
        if ["approv", "final", "done", "complete", "cbb", "accepted"].contains(where: word.contains) { return .approved }
        if ["change", "reject", "retake", "redo", "fix", "needs", "kickback"].contains(where: word.contains) { return .needsWork }
        if ["review", "pending", "submitted"].contains(where: word.contains) { return .review }
        return .inProgress
    }

    /// The colour of an entry added with `kind` and no colour of its own.
    static func standardColour(_ kind: Kind) -> String {
        switch kind {
        case .inProgress: "#4A90D9"
        case .review: "#E8A33D"
        case .approved: "#3FA45B"
        case .needsWork: "#D9534F"
        }
    }
}
