import Foundation
import SQLKit

/// Step 6's move of existing data: versions' free-text statuses onto each project's new
/// status list, and their free-text task names into tasks.
///
/// Every project gets the standard lists. A version status word the list has (letter case
/// aside) becomes the list's spelling; one it lacks is added to the list, with the kind its
/// words suggest, so no version loses its status. Task names become one task per name per
/// project (letter case aside, the first spelling met), in the task list's first status.
enum StatusListUpgrade {
    @Sendable static func run(_ db: any SQLDatabase) async throws {
        let now = Timestamp().storedMilliseconds
        let projects = try await db.select().column("id").from("projects").orderBy("created_at")
            .all(decodingColumn: "id", as: String.self)
        for project in projects {
            var names: [WorkflowStatus.Scope: [String: String]] = [:]
            var positions: [WorkflowStatus.Scope: Int] = [:]
            func add(_ scope: WorkflowStatus.Scope, _ name: String, _ colour: String, _ kind: WorkflowStatus.Kind) async throws {
                let position = positions[scope, default: 0]
                try await db.insert(into: "workflow_statuses")
                    .columns("id", "project_id", "scope", "name", "colour", "kind", "position", "created_at")
                    .values(SQLBind(UUID().uuidString), SQLBind(project), SQLBind(scope.rawValue), SQLBind(name), SQLBind(colour),
                            SQLBind(kind.rawValue), SQLBind(position), SQLBind(now))
                    .run()
                names[scope, default: [:]][name.lowercased()] = name
                positions[scope] = position + 1
            }
            for scope in WorkflowStatus.Scope.allCases {
                for entry in WorkflowStatus.defaultList(scope) { try await add(scope, entry.name, entry.colour, entry.kind) }
            }

            let words = try await db.select().distinct().column("status").from("versions")
                .where("project_id", .equal, SQLBind(project)).orderBy("status").all(decodingColumn: "status", as: String.self)
            for word in words {
                let trimmed = word.trimmingCharacters(in: .whitespacesAndNewlines)
                if let listed = names[.version]?[trimmed.lowercased()] {
                    if listed != word {
                        try await db.update("versions").set("status", to: SQLBind(listed))
                            .where("project_id", .equal, SQLBind(project)).where("status", .equal, SQLBind(word)).run()
                    }
                } else {
                    // A blank word (never valid, but possible in old data) keeps a readable name.
                    let name = trimmed.isEmpty ? "no status" : String(trimmed.prefix(FieldRules.statusName.maximum))
                    if names[.version]?[name.lowercased()] == nil {
                        let kind = WorkflowStatus.likelyKind(of: name)
                        try await add(.version, name, WorkflowStatus.standardColour(kind), kind)
                    }
                    try await db.update("versions").set("status", to: SQLBind(names[.version]![name.lowercased()]!))
                        .where("project_id", .equal, SQLBind(project)).where("status", .equal, SQLBind(word)).run()
                }
            }

            let firstTaskStatus = WorkflowStatus.defaultList(.task)[0].name
            let taskNames = try await db.select().distinct().column("task").from("versions")
                .where("project_id", .equal, SQLBind(project)).where("task", .isNot, SQLLiteral.null).orderBy("task")
                .all(decodingColumn: "task", as: String.self)
            var tasks: [String: String] = [:]
            for name in taskNames {
                let key = name.lowercased()
                if tasks[key] == nil {
                    let id = UUID().uuidString
                    try await db.insert(into: "tasks")
                        .columns("id", "project_id", "name", "status", "created_at", "created_by", "updated_at")
                        .values(SQLBind(id), SQLBind(project), SQLBind(name), SQLBind(firstTaskStatus), SQLBind(now),
                                SQLBind(String?.none), SQLBind(now))
                        .run()
                    tasks[key] = id
                }
                try await db.update("versions").set("task_id", to: SQLBind(tasks[key]!))
                    .where("project_id", .equal, SQLBind(project)).where("task", .equal, SQLBind(name)).run()
            }
        }
    }
}
