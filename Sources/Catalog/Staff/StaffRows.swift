import Foundation

/// A row of `staff_users`.
struct StaffUserRow: TableRow {
    static let table = "staff_users"
    var id: UUID, name: String, email: String, isAdmin: Bool, createdAt: StoredTime, createdBy: UUID?
}

extension StaffUser {
    init(_ row: StaffUserRow) {
        self.init(id: row.id, name: row.name, email: row.email, isAdmin: row.isAdmin, createdAt: row.createdAt.date,
                  createdBy: row.createdBy)
    }
}

/// A row of `api_keys`: the digest of a staff member's key, never the key.
struct APIKeyRow: TableRow {
    static let table = "api_keys"
    var id: UUID, userId: UUID, keyDigest: String, createdAt: StoredTime, revokedAt: StoredTime?
}
