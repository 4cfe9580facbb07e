import Foundation
import SQLKit

/// Tasks, and the staff assigned to tasks and to versions.
extension Catalog {
    /// Creates a task in a project. Its status defaults to the first on the project's task list.
    public func createTask(projectID: UUID, _ fields: TaskFields, createdBy: UUID? = nil) async throws -> ProjectTask {
        guard let name = fields.name else { throw CatalogError.invalid("name", "is required") }
        let checkedName = try Validate.name(name, field: "name")
        return try await database.write { db in
            _ = try await self.project(id: projectID, db)
            let created = StoredTime(self.now)
            let status = if let wanted = fields.status {
                try await self.status(named: wanted, projectID: projectID, .task, field: "status", db)
            } else {
                try await self.firstStatus(projectID: projectID, .task, db)
            }
            let row = TaskRow(id: UUID(), projectId: projectID, name: checkedName, status: status.name, createdAt: created,
                              createdBy: createdBy, updatedAt: created)
            try await db.insert(row)
            try await self.setStaff(.taskAssignees, ownerID: row.id, fields.assigneeIDs ?? [], db)
            return try await self.task(id: row.id, db)
        }
    }

    public func task(id: UUID) async throws -> ProjectTask {
        try await database.read { db in try await self.task(id: id, db) }
    }

    func task(id: UUID, _ db: any SQLDatabase) async throws -> ProjectTask {
        guard let row = try await db.select(TaskRow.self).where("id", .equal, id.bind).first(TaskRow.self) else {
            throw CatalogError.notFound("task", id)
        }
        return try await tasks(from: [row], db)[0]
    }

    /// A project's tasks, by name.
    public func tasks(projectID: UUID, page: Page = .default) async throws -> PageResult<ProjectTask> {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            let rows = try await db.select(TaskRow.self).where("project_id", .equal, projectID.bind)
                .orderBy("name").orderBy("id").limit(page.limit).offset(page.offset).all(TaskRow.self)
            return PageResult(items: try await self.tasks(from: rows, db),
                              total: try await db.count(TaskRow.table, where: "project_id", equals: projectID.bind), page: page)
        }
    }

    /// Changes a task's name, status or assignees.
    public func updateTask(id: UUID, _ fields: TaskFields) async throws -> ProjectTask {
        let name = try fields.name.map { name throws(CatalogError) in try Validate.name(name, field: "name") }
        return try await database.write { db in
            let task = try await self.task(id: id, db)
            var update = db.update(TaskRow.table).set("updated_at", to: self.now.bind)
            if let name { update = update.set("name", to: SQLBind(name)) }
            if let status = fields.status {
                let entry = try await self.status(named: status, projectID: task.projectID, .task, field: "status", db)
                update = update.set("status", to: SQLBind(entry.name))
            }
            try await update.where("id", .equal, id.bind).run()
            if let assignees = fields.assigneeIDs { try await self.setStaff(.taskAssignees, ownerID: id, assignees, db) }
            let changed = try await self.task(id: id, db)
            // News for the staff of each session where one of the task's versions is up for review.
            let sessions = try await db.select().distinct().column(SQLColumn("session_id", table: ItemRow.table))
                .from(ItemRow.table)
                .join(VersionRow.table, on: SQLColumn("version_id", table: ItemRow.table), .equal, SQLColumn("id", table: VersionRow.table))
                .where(SQLColumn("task_id", table: VersionRow.table), .equal, id.bind)
                .where(SQLColumn("removed_at", table: ItemRow.table), .is, SQLLiteral.null)
                .all(decodingColumn: "session_id", as: UUID.self)
            for session in sessions {
                try await self.recordEvent(.taskChanged, sessionID: session, data: TaskEventData(task: changed), visibility: .staffOnly, db)
            }
            return changed
        }
    }

    /// Deletes a task; its versions keep their media and lose only the link to it.
    public func deleteTask(id: UUID) async throws {
        try await database.write { db in
            _ = try await self.task(id: id, db)
            try await db.update(VersionRow.table).set("task_id", to: SQLLiteral.null).where("task_id", .equal, id.bind).run()
            try await db.delete(from: TaskRow.table).where("id", .equal, id.bind).run()
        }
    }

    /// The task of the project named `name` (letter case aside), made when there is none:
    /// how a version given a task by name (an ingest hook's `--task comp`) finds its task.
    func task(named name: String, projectID: UUID, createdBy: UUID?, _ db: any SQLDatabase) async throws -> UUID {
        if let row = try await db.select(TaskRow.self).where("project_id", .equal, projectID.bind)
            .where(SQLFunction("LOWER", args: SQLColumn("name")), .equal, SQLBind(name.lowercased()))
            .orderBy("created_at").first(TaskRow.self)
        {
            return row.id
        }
        let status = try await firstStatus(projectID: projectID, .task, db)
        let created = StoredTime(now)
        let row = TaskRow(id: UUID(), projectId: projectID, name: name, status: status.name, createdAt: created,
                          createdBy: createdBy, updatedAt: created)
        try await db.insert(row)
        return row.id
    }

    private func tasks(from rows: [TaskRow], _ db: any SQLDatabase) async throws -> [ProjectTask] {
        let assignees = try await staff(.taskAssignees, of: rows.map(\.id), db)
        return rows.map { row in
            ProjectTask(id: row.id, projectID: row.projectId, name: row.name, status: row.status,
                        assigneeIDs: assignees[row.id] ?? [], createdAt: row.createdAt.date, createdBy: row.createdBy,
                        updatedAt: row.updatedAt.date)
        }
    }
}

/// The `data` of a `task.changed` event.
struct TaskEventData: Encodable {
    let task: ProjectTask
}
