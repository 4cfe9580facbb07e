import Foundation
import SQLKit

/// A change to a staff member, as an admin makes it; `nil` leaves a field as it is.
public struct StaffUserChange: Sendable, Decodable {
    /// What scripts call them by (scripts that named the old one stop working).
    public var username: String?
    /// Whether they manage staff and the studio's settings.
    public var isAdmin: Bool?
    /// `false` deactivates them: their records stay, their keys and password stop letting
    /// anyone in, and their browsers are signed out. `true` lets them in again.
    public var active: Bool?

    public init(username: String? = nil, isAdmin: Bool? = nil, active: Bool? = nil) {
        self.username = username
        self.isAdmin = isAdmin
        self.active = active
    }

    enum CodingKeys: String, CodingKey { case username, isAdmin = "is_admin", active }
}

extension Catalog {
    /// Changes a staff member's username, role or whether they may come in.
    ///
    /// - Throws: ``CatalogError`` `conflict` for a username taken, or for a change that would
    ///   leave the studio with no active admin (someone must be able to manage the rest).
    public func updateStaffUser(id: UUID, _ change: StaffUserChange) async throws -> StaffUser {
        let username = try change.username.map { name throws(CatalogError) in try StaffUser.validUsername(name) }
        return try await database.write { db in
            guard var row = try await db.row(StaffUserRow.self, id: id) else { throw CatalogError.notFound("staff member", id) }
            if let username, username != row.username {
                try await self.checkUsernameFree(username, db)
                row.username = username
            }
            let wasActiveAdmin = row.isAdmin && row.deactivatedAt == nil
            if let isAdmin = change.isAdmin { row.isAdmin = isAdmin }
            if let active = change.active {
                if !active, row.deactivatedAt == nil {
                    row.deactivatedAt = StoredTime(self.now)
                    try await self.endWebSessions(staffID: row.id, db)
                } else if active {
                    row.deactivatedAt = nil
                }
            }
            if wasActiveAdmin, !(row.isAdmin && row.deactivatedAt == nil) {
                let others = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                    .from(StaffUserRow.table).where("is_admin", .equal, SQLLiteral.boolean(true))
                    .where("deactivated_at", .is, SQLLiteral.null).where("id", .notEqual, row.id.bind)
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                guard others > 0 else {
                    throw CatalogError(.conflict, "\(row.email) is the only active admin: make someone else an admin first")
                }
            }
            try await db.update(row)
            return StaffUser(row)
        }
    }

    /// A staff member's API keys, newest first (revoked ones too, marked so).
    public func apiKeys(userID: UUID) async throws -> [APIKey] {
        try await database.read { db in
            guard try await db.row(StaffUserRow.self, id: userID) != nil else { throw CatalogError.notFound("staff member", userID) }
            return try await db.select(APIKeyRow.self).where("user_id", .equal, userID.bind)
                .orderBy("created_at", .descending).orderBy("id").all(APIKeyRow.self).map(APIKey.init)
        }
    }

    /// Issues another API key for a staff member; the secret is returned this once.
    ///
    /// - Parameter label: what the key is for, to tell it apart later.
    public func createAPIKey(for userID: UUID, label: String? = nil, createdBy: UUID? = nil) async throws
        -> (key: APIKey, secret: SecretToken)
    {
        let label = try Validate.optionalName(label, field: "label")
        return try await database.write { db in
            guard try await db.row(StaffUserRow.self, id: userID) != nil else { throw CatalogError.notFound("staff member", userID) }
            return try await self.insertAPIKey(for: userID, label: label, createdBy: createdBy, db)
        }
    }

    /// Revokes a key: from now on it lets no one in. Revoking a revoked key changes nothing.
    public func revokeAPIKey(id: UUID) async throws -> APIKey {
        try await database.write { db in try await APIKey(self.revokeKeyRow(id: id, db)) }
    }

    /// Replaces a key: revokes it and issues a new one with the same label for the same
    /// member, in one step (a script's owner swaps the secret; a leaked key stops at once).
    public func reissueAPIKey(id: UUID, createdBy: UUID? = nil) async throws -> (key: APIKey, secret: SecretToken, replaced: APIKey) {
        try await database.write { db in
            let old = try await self.revokeKeyRow(id: id, db)
            let (key, secret) = try await self.insertAPIKey(for: old.userId, label: old.label, createdBy: createdBy, db)
            return (key, secret, APIKey(old))
        }
    }

    private func revokeKeyRow(id: UUID, _ db: any SQLDatabase) async throws -> APIKeyRow {
        guard var row = try await db.row(APIKeyRow.self, id: id) else { throw CatalogError.notFound("API key", id) }
        if row.revokedAt == nil {
            row.revokedAt = StoredTime(now)
            try await db.update(row)
        }
        return row
    }

    func insertAPIKey(for userID: UUID, label: String?, createdBy: UUID?, _ db: any SQLDatabase) async throws
        -> (key: APIKey, secret: SecretToken)
    {
        let secret = SecretToken.generate(prefix: "dk_")
        let row = APIKeyRow(id: UUID(), userId: userID, keyDigest: secret.digest, createdAt: StoredTime(now), revokedAt: nil,
                            label: label, hint: String(secret.value.prefix(APIKey.hintLength)), createdBy: createdBy)
        try await db.insert(row)
        return (APIKey(row), secret)
    }
}
