import Foundation

/// A row of `workflow_statuses`: one entry of a project's version or task status list.
struct WorkflowStatusRow: TableRow {
    static let table = "workflow_statuses"
    var id: UUID, projectId: UUID, scope: WorkflowStatus.Scope, name: String, colour: String, kind: WorkflowStatus.Kind
    var position: Int, createdAt: StoredTime
}

extension WorkflowStatus {
    init(_ row: WorkflowStatusRow) {
        self.init(id: row.id, projectID: row.projectId, scope: row.scope, name: row.name, colour: row.colour, kind: row.kind,
                  position: row.position)
    }
}

/// A row of `tasks`. Assignees are rows of `task_assignees`.
struct TaskRow: TableRow {
    static let table = "tasks"
    var id: UUID, projectId: UUID, name: String, status: String, createdAt: StoredTime, createdBy: UUID?, updatedAt: StoredTime
}

/// Lists of staff users kept in order: a task's or a version's assignees, a note's recipients.
enum StaffList {
    case taskAssignees, versionAssignees, noteRecipients

    var table: String {
        switch self {
        case .taskAssignees: "task_assignees"
        case .versionAssignees: "version_assignees"
        case .noteRecipients: "note_recipients"
        }
    }

    /// The column of the task, version or note the list belongs to.
    var ownerColumn: String {
        switch self {
        case .taskAssignees: "task_id"
        case .versionAssignees: "version_id"
        case .noteRecipients: "note_id"
        }
    }

    /// The request field that sets it.
    var field: String {
        switch self {
        case .taskAssignees, .versionAssignees: "assignee_ids"
        case .noteRecipients: "recipient_ids"
        }
    }
}
