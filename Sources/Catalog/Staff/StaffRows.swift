import Foundation

/// A row of `staff_users`.
struct StaffUserRow: TableRow {
    static let table = "staff_users"
    var id: UUID, name: String, email: String, isAdmin: Bool, createdAt: StoredTime, createdBy: UUID?
    /// ``PassphraseHash/encoded``; `nil` until a password is set.
    var passwordHash: String? = nil
    var deactivatedAt: StoredTime? = nil
    /// Set for every member since step 14 (NULL only mid-migration).
    var username: String? = nil
}

extension StaffUser {
    init(_ row: StaffUserRow) {
        self.init(id: row.id, name: row.name, email: row.email, username: row.username ?? row.email, isAdmin: row.isAdmin,
                  createdAt: row.createdAt.date, createdBy: row.createdBy, deactivatedAt: row.deactivatedAt?.date)
    }
}

/// A row of `api_keys`: the digest of a staff member's key, never the key.
struct APIKeyRow: TableRow {
    static let table = "api_keys"
    var id: UUID, userId: UUID, keyDigest: String, createdAt: StoredTime, revokedAt: StoredTime?
    var label: String? = nil
    var hint: String? = nil
    var createdBy: UUID? = nil
}

extension APIKey {
    init(_ row: APIKeyRow) {
        self.init(id: row.id, userID: row.userId, label: row.label, hint: row.hint, createdAt: row.createdAt.date,
                  createdBy: row.createdBy, revokedAt: row.revokedAt?.date)
    }
}

/// A row of `staff_web_sessions`: a browser signed in as staff, by the digest of its cookie's token.
struct StaffWebSessionRow: TableRow {
    static let table = "staff_web_sessions"
    var id: UUID, staffId: UUID, tokenDigest: String, createdAt: StoredTime, lastSeenAt: StoredTime, expiresAt: StoredTime
    var endedAt: StoredTime?
}

extension StaffWebSession {
    init(_ row: StaffWebSessionRow) {
        self.init(id: row.id, staffID: row.staffId, createdAt: row.createdAt.date, lastSeenAt: row.lastSeenAt.date,
                  expiresAt: row.expiresAt.date)
    }
}

/// A row of `staff_password_links`: a link to choose a password, by the digest of its token.
struct StaffPasswordLinkRow: TableRow {
    static let table = "staff_password_links"
    var id: UUID, staffId: UUID, tokenDigest: String, createdAt: StoredTime, createdBy: UUID?, expiresAt: StoredTime
    var usedAt: StoredTime?
}
