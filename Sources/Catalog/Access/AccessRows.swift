import Foundation

/// A row of `collaborator_logins`: a browser let in as a collaborator, named by its access cookie.
struct LoginRow: TableRow {
    static let table = "collaborator_logins"
    var id: UUID, collaboratorId: UUID, createdAt: StoredTime
}

/// A row of `throttles`: recent attempts counted under a key (a link, a client address).
struct ThrottleRow: TableRow {
    static let table = "throttles"
    static let idColumn = "key"
    var key: String, attempts: Int, waitUntil: StoredTime, updatedAt: StoredTime
}
