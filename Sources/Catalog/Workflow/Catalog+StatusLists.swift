import Foundation
import SQLKit

/// Each project's status lists: what versions and tasks may be, in order. Every version's
/// and task's status is a name on its project's list, checked here on every write.
extension Catalog {
    /// A project's two lists.
    public func statusLists(projectID: UUID) async throws -> StatusLists {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            return StatusLists(version: try await self.statusList(projectID: projectID, .version, db),
                               task: try await self.statusList(projectID: projectID, .task, db))
        }
    }

    /// Replaces one of a project's lists with `entries`, in their order. An entry with the
    /// id of an existing one keeps it, renamed (and every version or task that has it with
    /// it) when its name differs; an entry without an id is the existing one of its name
    /// (letter case aside), or new.
    ///
    /// - Throws: ``CatalogError``: an empty list, a name twice (letter case aside), a colour
    ///   not `#RRGGBB`, an id not on this list, or (`conflict`) leaving out an entry that
    ///   versions or tasks still have.
    public func setStatusList(projectID: UUID, _ scope: WorkflowStatus.Scope, _ entries: [WorkflowStatusEntry]) async throws
        -> [WorkflowStatus]
    {
        guard (1...FieldRules.statusesPerList.upperBound).contains(entries.count) else {
            throw CatalogError.invalid("statuses", "a list has 1 to \(FieldRules.statusesPerList.upperBound) statuses")
        }
        var seen = Set<String>()
        var entries = entries
        for index in entries.indices {
            entries[index].name = try Validate.name(entries[index].name, FieldRules.statusName, field: "statuses[\(index)].name")
            entries[index].colour = try Validate.colour(entries[index].colour, field: "statuses[\(index)].colour")
            guard seen.insert(entries[index].name.lowercased()).inserted else {
                throw CatalogError.invalid("statuses[\(index)].name", "\(entries[index].name) is on the list twice")
            }
        }
        let validated = entries
        return try await database.write { db in
            _ = try await self.project(id: projectID, db)
            let current = try await self.statusList(projectID: projectID, scope, db)
            let byID = Dictionary(uniqueKeysWithValues: current.map { ($0.id, $0) })
            for (index, entry) in validated.enumerated() {
                if let id = entry.id, byID[id] == nil {
                    throw CatalogError.invalid("statuses[\(index)].id", "\(id) is not on the project's \(scope) list")
                }
            }
            // An entry without an id that has an existing entry's name is that entry.
            var entries = validated
            let claimed = Set(entries.compactMap(\.id))
            for index in entries.indices where entries[index].id == nil {
                if let same = current.first(where: { !claimed.contains($0.id) && $0.name.lowercased() == entries[index].name.lowercased() }) {
                    entries[index].id = same.id
                }
            }
            let kept = Set(entries.compactMap(\.id))
            for dropped in current where !kept.contains(dropped.id) {
                let using = try await self.countHaving(status: dropped.name, projectID: projectID, scope, db)
                if using > 0 {
                    throw CatalogError(.conflict, "\(using) \(scope == .version ? "version" : "task")\(using == 1 ? "" : "s") "
                                       + "still have the status \(dropped.name): give them another first, or rename it",
                                       field: "statuses")
                }
            }
            // Renames go through a placeholder per entry, so that swapping two names works.
            let renamed = entries.compactMap { entry -> (WorkflowStatus, String)? in
                guard let id = entry.id, let old = byID[id], old.name != entry.name else { return nil }
                return (old, entry.name)
            }
            for (old, _) in renamed { try await self.renameStatus(old.name, to: "\u{1}\(old.id)", projectID, scope, db) }
            for (old, new) in renamed { try await self.renameStatus("\u{1}\(old.id)", to: new, projectID, scope, db) }

            try await db.delete(from: WorkflowStatusRow.table).where("project_id", .equal, projectID.bind)
                .where("scope", .equal, SQLBind(scope.rawValue)).run()
            let at = StoredTime(self.now)
            for (position, entry) in entries.enumerated() {
                try await db.insert(WorkflowStatusRow(
                    id: entry.id ?? UUID(), projectId: projectID, scope: scope, name: entry.name,
                    colour: entry.colour, kind: entry.kind, position: position, createdAt: at))
            }
            return try await self.statusList(projectID: projectID, scope, db)
        }
    }

    func statusList(projectID: UUID, _ scope: WorkflowStatus.Scope, _ db: any SQLDatabase) async throws -> [WorkflowStatus] {
        try await db.select(WorkflowStatusRow.self).where("project_id", .equal, projectID.bind)
            .where("scope", .equal, SQLBind(scope.rawValue)).orderBy("position").all(WorkflowStatusRow.self)
            .map(WorkflowStatus.init)
    }

    /// The first entry of a project's list: what a new task (or version) starts with.
    func firstStatus(projectID: UUID, _ scope: WorkflowStatus.Scope, _ db: any SQLDatabase) async throws -> WorkflowStatus {
        guard let first = try await statusList(projectID: projectID, scope, db).first else {
            throw CatalogError(.damaged, "project \(projectID) has an empty \(scope) status list")
        }
        return first
    }

    /// Gives a new project the standard lists.
    func insertStandardStatusLists(projectID: UUID, _ db: any SQLDatabase) async throws {
        let at = StoredTime(now)
        for scope in WorkflowStatus.Scope.allCases {
            for (position, entry) in WorkflowStatus.defaultList(scope).enumerated() {
                try await db.insert(WorkflowStatusRow(id: UUID(), projectId: projectID, scope: scope, name: entry.name,
                                                      colour: entry.colour, kind: entry.kind, position: position, createdAt: at))
            }
        }
    }

    /// The entry of the project's list that `name` names, letter case aside.
    ///
    /// - Throws: ``CatalogError/Code/invalidField`` naming `field` and the list, when none does.
    func status(named name: String, projectID: UUID, _ scope: WorkflowStatus.Scope, field: String, _ db: any SQLDatabase)
        async throws -> WorkflowStatus
    {
        let list = try await statusList(projectID: projectID, scope, db)
        let wanted = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let status = list.first(where: { $0.name.lowercased() == wanted }) else {
            throw CatalogError.invalid(field, "\(name) is not on the project's \(scope) status list ("
                                       + list.map(\.name).joined(separator: ", ") + ")")
        }
        return status
    }

    private func countHaving(status: String, projectID: UUID, _ scope: WorkflowStatus.Scope, _ db: any SQLDatabase)
        async throws -> Int
    {
        try await db.count(scope == .version ? VersionRow.table : TaskRow.table) {
            $0.where("project_id", .equal, projectID.bind).where("status", .equal, SQLBind(status))
        }
    }

    private func renameStatus(_ old: String, to new: String, _ projectID: UUID, _ scope: WorkflowStatus.Scope,
                              _ db: any SQLDatabase) async throws {
        try await db.update(scope == .version ? VersionRow.table : TaskRow.table).set("status", to: SQLBind(new))
            .where("project_id", .equal, projectID.bind).where("status", .equal, SQLBind(old)).run()
    }
}
