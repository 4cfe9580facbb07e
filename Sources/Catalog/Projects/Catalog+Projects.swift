import Foundation
import SQLKit

/// Changes to a project: `nil` leaves a field alone.
public struct ProjectUpdate: Sendable, Decodable {
    public var name: String?
    /// `.some(nil)` clears the code.
    public var code: String??
    public var defaults: ProjectDefaultsUpdate?

    public init(name: String? = nil, code: String?? = nil, defaults: ProjectDefaultsUpdate? = nil) {
        self.name = name
        self.code = code
        self.defaults = defaults
    }

    enum CodingKeys: String, CodingKey { case name, code, defaults }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        code = try container.decodePatch(String.self, forKey: .code)
        defaults = try container.decodeIfPresent(ProjectDefaultsUpdate.self, forKey: .defaults)
    }
}

extension Catalog {
    /// Creates a project; its session defaults start from ``ProjectDefaults/standard``.
    public func createProject(name: String, code: String? = nil, defaults: ProjectDefaultsUpdate? = nil,
                              createdBy: UUID? = nil) async throws -> Project {
        let name = try Validate.name(name, field: "name")
        let code = try Validate.optionalName(code, FieldRules.projectCode, field: "code")
        let defaults = try (defaults ?? ProjectDefaultsUpdate()).applied(to: .standard)
        return try await database.write { db in
            try await self.checkProjectNameFree(name, except: nil, db)
            let project = Project(id: UUID(), name: name, code: code, defaults: defaults, createdAt: self.now, createdBy: createdBy)
            try await db.insert(ProjectRow(project), defaults.settings.columns)
            try await self.insertStandardStatusLists(projectID: project.id, db)
            return project
        }
    }

    public func project(id: UUID) async throws -> Project {
        try await database.read { db in try await self.project(id: id, db) }
    }

    /// A project by name (for the CLI), or `nil`.
    public func project(named name: String) async throws -> Project? {
        try await database.read { db in
            try await db.select(ProjectRow.self).where("name", .equal, SQLBind(name)).first().map(Project.init(row:))
        }
    }

    func project(id: UUID, _ db: any SQLDatabase) async throws -> Project {
        guard let row = try await db.select(ProjectRow.self).where("id", .equal, id.bind).first() else {
            throw CatalogError.notFound("project", id)
        }
        return try Project(row: row)
    }

    /// Projects by name.
    public func projects(page: Page = .default) async throws -> PageResult<Project> {
        try await database.read { db in
            let rows = try await db.select(ProjectRow.self).orderBy("name").orderBy("id")
                .limit(page.limit).offset(page.offset).all()
            let total = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("projects")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            return PageResult(items: try rows.map(Project.init(row:)), total: total, page: page)
        }
    }

    public func updateProject(id: UUID, _ update: ProjectUpdate) async throws -> Project {
        try await database.write { db in
            var project = try await self.project(id: id, db)
            if let name = update.name {
                project.name = try Validate.name(name, field: "name")
                try await self.checkProjectNameFree(project.name, except: id, db)
            }
            if let code = update.code { project.code = try Validate.optionalName(code, FieldRules.projectCode, field: "code") }
            if let defaults = update.defaults { project.defaults = try defaults.applied(to: project.defaults) }
            try await db.update(ProjectRow(project), project.defaults.settings.columns)
            return project
        }
    }

    /// Deletes a project with its versions and sessions; refused while a session holds feedback.
    public func deleteProject(id: UUID) async throws {
        try await database.write { db in
            _ = try await self.project(id: id, db)
            try await self.checkNoFeedback(projectID: id, db)
            try await db.delete(from: "projects").where("id", .equal, id.bind).run()
        }
    }

    private func checkProjectNameFree(_ name: String, except id: UUID?, _ db: any SQLDatabase) async throws {
        var query = db.select().column("id").from("projects").where("name", .equal, SQLBind(name))
        if let id { query = query.where("id", .notEqual, id.bind) }
        if try await query.first() != nil {
            throw CatalogError(.conflict, "a project named \(name) already exists", field: "name")
        }
    }
}
