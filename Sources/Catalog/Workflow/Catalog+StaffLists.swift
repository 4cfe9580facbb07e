import Foundation
import SQLKit

/// Ordered lists of staff users: task and version assignees, note recipients.
extension Catalog {
    /// The staff on each of `ownerIDs`' lists, in order (owners with none are absent).
    func staff(_ list: StaffList, of ownerIDs: [UUID], _ db: any SQLDatabase) async throws -> [UUID: [UUID]] {
        guard !ownerIDs.isEmpty else { return [:] }
        let rows = try await db.select().columns(list.ownerColumn, "user_id").from(list.table)
            .where(list.ownerColumn, isIn: ownerIDs.map(\.uuidString))
            .orderBy(list.ownerColumn).orderBy("position").all()
        var result: [UUID: [UUID]] = [:]
        for row in rows {
            let owner = try row.decode(column: list.ownerColumn, as: UUID.self)
            result[owner, default: []].append(try row.decode(column: "user_id", as: UUID.self))
        }
        return result
    }

    /// Replaces the staff on a task's, version's or note's list.
    ///
    /// - Throws: ``CatalogError/Code/invalidField``: too many, one twice, or not a staff user.
    func setStaff(_ list: StaffList, ownerID: UUID, _ userIDs: [UUID], _ db: any SQLDatabase) async throws {
        guard userIDs.count <= FieldRules.assignees.upperBound else {
            throw CatalogError.invalid(list.field, "at most \(FieldRules.assignees.upperBound) people")
        }
        guard Set(userIDs).count == userIDs.count else { throw CatalogError.invalid(list.field, "someone is listed twice") }
        if !userIDs.isEmpty {
            let known = try await db.count(StaffUserRow.table) { $0.where("id", isIn: userIDs.map(\.uuidString)) }
            guard known == userIDs.count else { throw CatalogError.invalid(list.field, "each must be a staff user's id") }
        }
        try await db.delete(from: list.table).where(list.ownerColumn, .equal, ownerID.bind).run()
        for (position, userID) in userIDs.enumerated() {
            try await db.insert(into: list.table).columns(list.ownerColumn, "user_id", "position")
                .values(ownerID.bind, userID.bind, SQLBind(position)).run()
        }
    }
}
