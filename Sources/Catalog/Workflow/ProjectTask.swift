import Foundation

/// A piece of work in a project, such as `comp` on a shot: versions are made for it, staff
/// are assigned to it, and its status comes from the project's task list. (Named so beside
/// Swift's own `Task`.)
public struct ProjectTask: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let projectID: UUID
    public var name: String
    /// A name on the project's task status list.
    public var status: String
    /// The staff users assigned, in the order they were given.
    public var assigneeIDs: [UUID]
    public let createdAt: Timestamp
    public let createdBy: UUID?
    public var updatedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, projectID = "project_id", name, status, assigneeIDs = "assignee_ids", createdAt = "created_at"
        case createdBy = "created_by", updatedAt = "updated_at"
    }
}

/// The fields of a new task, or changes to one (`nil` leaves a field alone).
public struct TaskFields: Sendable, Hashable, Decodable {
    public var name: String?
    public var status: String?
    /// Replaces the whole list.
    public var assigneeIDs: [UUID]?

    public init(name: String? = nil, status: String? = nil, assigneeIDs: [UUID]? = nil) {
        self.name = name
        self.status = status
        self.assigneeIDs = assigneeIDs
    }

    enum CodingKeys: String, CodingKey { case name, status, assigneeIDs = "assignee_ids" }
}
