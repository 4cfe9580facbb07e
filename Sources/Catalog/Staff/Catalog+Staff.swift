import Foundation
import SQLKit

extension Catalog {
    /// Adds a staff member with a first API key, which is returned once and never again.
    ///
    /// - Throws: ``CatalogError`` for a bad name or email, or an email already in use.
    /// - Parameter username: what scripts call them by; by default their email's local part
    ///   (with a number after it when taken).
    public func createStaffUser(name: String, email: String, username: String? = nil, isAdmin: Bool = false,
                                createdBy: UUID? = nil) async throws -> (user: StaffUser, apiKey: SecretToken)
    {
        let name = try Validate.name(name, field: "name")
        let email = try Validate.email(email)
        let chosen = try username.map { name throws(CatalogError) in try StaffUser.validUsername(name) }
        return try await database.write { db in
            if try await db.count("staff_users", where: "email", equals: SQLBind(email.lowercased())) > 0 {
                throw CatalogError(.conflict, "a staff member with email \(email) already exists", field: "email")
            }
            let username: String
            if let chosen {
                try await self.checkUsernameFree(chosen, db)
                username = chosen
            } else {
                let taken = try await db.select().column("username").from(StaffUserRow.table)
                    .where("username", .isNot, SQLLiteral.null).all(decodingColumn: "username", as: String.self)
                username = StaffUser.username(fromEmail: email, avoiding: Set(taken))
            }
            let row = StaffUserRow(id: UUID(), name: name, email: email.lowercased(), isAdmin: isAdmin,
                                   createdAt: StoredTime(self.now), createdBy: createdBy, username: username)
            try await db.insert(row)
            let key = try await self.insertAPIKey(for: row.id, label: nil, createdBy: createdBy, db).secret
            return (StaffUser(row), key)
        }
    }

    /// The staff member an API key belongs to, or `nil` for an unknown or revoked key, or a
    /// deactivated member's.
    public func staffUser(apiKey: String) async throws -> StaffUser? {
        try await database.read { db in
            try await db.select().columns(SQLColumn("*", table: "staff_users")).from("api_keys")
                .join("staff_users", on: SQLColumn("user_id", table: "api_keys"), .equal, SQLColumn("id", table: "staff_users"))
                .where(SQLColumn("key_digest", table: "api_keys"), .equal, SQLBind(SecretToken.digest(of: apiKey)))
                .where(SQLColumn("revoked_at", table: "api_keys"), .is, SQLLiteral.null)
                .where(SQLColumn("deactivated_at", table: "staff_users"), .is, SQLLiteral.null)
                .first(StaffUserRow.self).map(StaffUser.init)
        }
    }

    /// A staff member by id.
    public func staffUser(id: UUID) async throws -> StaffUser {
        try await database.read { db in
            guard let row = try await db.row(StaffUserRow.self, id: id) else { throw CatalogError.notFound("staff member", id) }
            return StaffUser(row)
        }
    }

    /// Every staff member, by name.
    public func staffUsers(page: Page = .default) async throws -> PageResult<StaffUser> {
        try await database.read { db in
            let rows = try await db.select(StaffUserRow.self).orderBy("name").orderBy("id")
                .limit(page.limit).offset(page.offset).all(StaffUserRow.self)
            let total = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("staff_users").first()?.decode(column: "n", as: Int.self) ?? 0
            return PageResult(items: rows.map(StaffUser.init), total: total, page: page)
        }
    }

    /// How many staff members there are (none, on a fresh catalog).
    public func staffUserCount() async throws -> Int {
        try await database.read { db in
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("staff_users")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

extension Catalog {
    /// Gives a staff member another username (scripts that named the old one stop working).
    public func setUsername(_ username: String, userID: UUID) async throws -> StaffUser {
        try await updateStaffUser(id: userID, StaffUserChange(username: username))
    }

    /// The staff member with `username` (any letter case), whether active or not.
    public func staffUser(username: String) async throws -> StaffUser? {
        try await database.read { db in
            try await db.select(StaffUserRow.self).where("username", .equal, SQLBind(username.lowercased()))
                .first(StaffUserRow.self).map(StaffUser.init)
        }
    }

    func checkUsernameFree(_ username: String, _ db: any SQLDatabase) async throws {
        if try await db.count(StaffUserRow.table, where: "username", equals: SQLBind(username)) > 0 {
            throw CatalogError(.conflict, "the username \(username) is taken", field: "username")
        }
    }
}
