import Foundation
import SQLKit

/// Changes to an item: `.some(nil)` clears a field.
public struct SessionItemUpdate: Sendable, Decodable {
    public var clientName: String??
    public var reason: String??
    /// The version's label as the item shows it (`v003`); ftrack scripts set it.
    public var versionLabel: String??

    public init(clientName: String?? = nil, reason: String?? = nil, versionLabel: String?? = nil) {
        self.clientName = clientName
        self.reason = reason
        self.versionLabel = versionLabel
    }

    enum CodingKeys: String, CodingKey { case clientName = "client_name", reason }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientName = try container.decodePatch(String.self, forKey: .clientName)
        reason = try container.decodePatch(String.self, forKey: .reason)
    }
}

/// Items keep positions 0…n−1 in review order. Every change runs in one write transaction,
/// so concurrent adds, moves and removes each see and leave a clean order.
extension Catalog {
    /// A session's items in review order.
    public func items(sessionID: UUID) async throws -> [SessionItem] {
        try await database.read { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            return try await self.items(sessionID: sessionID, db)
        }
    }

    /// One item of a session; an item of another session is not found, as if it did not exist.
    /// The session an item is in (removed or not).
    public func sessionID(ofItem itemID: UUID) async throws -> UUID {
        try await database.read { db in
            guard let row = try await db.row(ItemRow.self, id: itemID) else { throw CatalogError.notFound("item", itemID) }
            return row.sessionId
        }
    }

    public func item(id: UUID, sessionID: UUID) async throws -> SessionItem {
        try await database.read { db in SessionItem(try await self.itemRow(id: id, sessionID: sessionID, db)) }
    }

    /// An item of the session; a removed one only when asked for (feedback on it is still read).
    func itemRow(id: UUID, sessionID: UUID, includingRemoved: Bool = false, _ db: any SQLDatabase) async throws -> ItemRow {
        let query = db.select(ItemRow.self).where("id", .equal, id.bind).where("session_id", .equal, sessionID.bind)
        if !includingRemoved { query.where("removed_at", .is, SQLLiteral.null) }
        guard let row = try await query.first(ItemRow.self) else { throw CatalogError.notFound("item in this session", id) }
        return row
    }

    func items(sessionID: UUID, _ db: any SQLDatabase) async throws -> [SessionItem] {
        try await itemRows(sessionID: sessionID, includingRemoved: false, db).map(SessionItem.init)
    }

    /// The session's items in review order; removed ones (which keep their feedback) last.
    func itemRows(sessionID: UUID, includingRemoved: Bool, _ db: any SQLDatabase) async throws -> [ItemRow] {
        let query = db.select(ItemRow.self).where("session_id", .equal, sessionID.bind)
        if !includingRemoved { query.where("removed_at", .is, SQLLiteral.null) }
        return try await query.orderBy("removed_at").orderBy("position").orderBy("created_at").all(ItemRow.self)
    }

    /// Adds versions of the session's project, in the order given, at `position` (the end
    /// when `nil`). Each item copies the version's name, label, client-facing name and reason.
    ///
    /// - Throws: ``CatalogError`` when a version is unknown, of another project, listed twice
    ///   or already in the session, or the session is closed; nothing is added then.
    ///
    /// - Parameter itemIDs: the new items' ids, one for each version (a script's own); fresh ones by default.
    public func addItems(sessionID: UUID, versionIDs: [UUID], itemIDs: [UUID]? = nil, at position: Int? = nil,
                         createdBy: UUID? = nil) async throws -> [SessionItem]
    {
        if let itemIDs, itemIDs.count != versionIDs.count || Set(itemIDs).count != itemIDs.count {
            throw CatalogError.invalid("item_ids", "must give one new id for each version")
        }
        guard !versionIDs.isEmpty else { throw CatalogError.invalid("version_ids", "must list at least one version") }
        guard versionIDs.count <= FieldRules.versionsPerRequest.upperBound else {
            throw CatalogError.invalid("version_ids", "lists more than \(FieldRules.versionsPerRequest.upperBound) versions")
        }
        return try await database.write { db in
            let record = try await self.openSessionRecord(id: sessionID, db)
            return try await self.insertItems(sessionID: sessionID, projectID: record.session.projectID,
                                              versionIDs: versionIDs, itemIDs: itemIDs, at: position, createdBy: createdBy, db)
        }
    }

    func insertItems(sessionID: UUID, projectID: UUID, versionIDs: [UUID], itemIDs: [UUID]? = nil, at position: Int?,
                     createdBy: UUID?, _ db: any SQLDatabase) async throws -> [SessionItem] {
        guard Set(versionIDs).count == versionIDs.count else {
            throw CatalogError.invalid("version_ids", "lists a version twice")
        }
        let existing = try await items(sessionID: sessionID, db)
        let present = Set(existing.map(\.versionID))
        if let duplicate = versionIDs.first(where: present.contains) {
            throw CatalogError(.conflict, "version \(duplicate) is already in the session", field: "version_ids")
        }
        let insertAt = position ?? existing.count
        guard (0...existing.count).contains(insertAt) else {
            throw CatalogError.invalid("position", "must be between 0 and \(existing.count)")
        }
        var added: [SessionItem] = []
        for (offset, versionID) in versionIDs.enumerated() {
            let version = try await self.version(id: versionID, db)
            guard version.projectID == projectID else {
                throw CatalogError.invalid("version_ids", "version \(versionID) belongs to another project")
            }
            let id = itemIDs?[offset] ?? UUID()
            if itemIDs != nil { try await checkNewID(id, in: ItemRow.table, db) }
            let row = ItemRow(
                id: id, sessionId: sessionID, versionId: versionID, position: insertAt + offset, versionName: version.name,
                versionLabel: version.versionLabel, clientName: version.clientName, reason: version.defaultReason,
                createdAt: StoredTime(now), createdBy: createdBy)
            try await db.insert(row)
            added.append(SessionItem(row))
            try await recordEvent(.itemAdded, sessionID: sessionID, data: ItemEventData(itemId: row.id), db)
        }
        let order = Array(existing.prefix(insertAt)) + added + Array(existing.dropFirst(insertAt))
        try await write(order: order.map(\.id), sessionID: sessionID, db)
        return added
    }

    /// Removes items; the rest close up. An item with feedback is only marked removed: its
    /// comments and statuses stay, and staff still read them.
    public func removeItems(sessionID: UUID, itemIDs: [UUID]) async throws {
        guard !itemIDs.isEmpty else { throw CatalogError.invalid("item_ids", "must list at least one item") }
        try await database.write { db in
            _ = try await self.openSessionRecord(id: sessionID, db)
            let existing = Set(try await self.items(sessionID: sessionID, db).map(\.id))
            if let missing = itemIDs.first(where: { !existing.contains($0) }) {
                throw CatalogError.notFound("item in this session", missing)
            }
            var removed: Set<UUID> = []
            for id in itemIDs where removed.insert(id).inserted {
                try await self.removeItem(id: id, sessionID: sessionID, db)
            }
            try await self.renumberItems(sessionID: sessionID, db)
        }
    }

    /// Moves one item to `position` (0 is first); the others shift.
    public func moveItem(sessionID: UUID, itemID: UUID, to position: Int) async throws -> [SessionItem] {
        try await database.write { db in
            _ = try await self.openSessionRecord(id: sessionID, db)
            var order = try await self.items(sessionID: sessionID, db).map(\.id)
            guard let from = order.firstIndex(of: itemID) else { throw CatalogError.notFound("item in this session", itemID) }
            guard (0..<order.count).contains(position) else {
                throw CatalogError.invalid("position", "must be between 0 and \(order.count - 1)")
            }
            order.remove(at: from)
            order.insert(itemID, at: position)
            try await self.write(order: order, sessionID: sessionID, db)
            try await self.recordEvent(.itemsReordered, sessionID: sessionID, data: ItemOrderEventData(itemIds: order), db)
            return try await self.items(sessionID: sessionID, db)
        }
    }

    /// Sets the whole order: `itemIDs` must list every item of the session once.
    public func setItemOrder(sessionID: UUID, itemIDs: [UUID]) async throws -> [SessionItem] {
        try await database.write { db in
            _ = try await self.openSessionRecord(id: sessionID, db)
            let existing = try await self.items(sessionID: sessionID, db).map(\.id)
            guard itemIDs.count == existing.count, Set(itemIDs) == Set(existing) else {
                throw CatalogError.invalid("item_ids", "must list each of the session's \(existing.count) items exactly once")
            }
            try await self.write(order: itemIDs, sessionID: sessionID, db)
            try await self.recordEvent(.itemsReordered, sessionID: sessionID, data: ItemOrderEventData(itemIds: itemIDs), db)
            return try await self.items(sessionID: sessionID, db)
        }
    }

    public func updateItem(sessionID: UUID, itemID: UUID, _ update: SessionItemUpdate) async throws -> SessionItem {
        try await database.write { db in
            _ = try await self.openSessionRecord(id: sessionID, db)
            var row = try await self.itemRow(id: itemID, sessionID: sessionID, db)
            if let clientName = update.clientName { row.clientName = try Validate.optionalName(clientName, field: "client_name") }
            if let reason = update.reason { row.reason = try Validate.optionalText(reason, FieldRules.reason, field: "reason") }
            if let label = update.versionLabel { row.versionLabel = try Validate.optionalName(label, field: "version_label") }
            try await db.update(row)
            try await self.recordEvent(.itemChanged, sessionID: sessionID, data: ItemEventData(itemId: itemID), db)
            return SessionItem(row)
        }
    }

    /// Deletes an item, or marks it removed when it has feedback; either way it leaves the
    /// session's order (the caller renumbers) and the room hears of it.
    func removeItem(id: UUID, sessionID: UUID, _ db: any SQLDatabase) async throws {
        if try await hasFeedback(itemID: id, db) {
            try await db.update(ItemRow.table).set("removed_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, id.bind).run()
        } else {
            try await db.delete(from: ItemRow.table).where("id", .equal, id.bind).run()
        }
        try await recordEvent(.itemRemoved, sessionID: sessionID, data: ItemEventData(itemId: id), db)
    }

    /// Closes up gaps left by deletions.
    func renumberItems(sessionID: UUID, _ db: any SQLDatabase) async throws {
        try await write(order: try await items(sessionID: sessionID, db).map(\.id), sessionID: sessionID, db)
    }

    /// Gives the items of `order` positions 0…n−1, touching only those that move.
    private func write(order: [UUID], sessionID: UUID, _ db: any SQLDatabase) async throws {
        let current = Dictionary(uniqueKeysWithValues: try await items(sessionID: sessionID, db).map { ($0.id, $0.position) })
        for (position, id) in order.enumerated() where current[id] != position {
            try await db.update("session_items").set("position", to: SQLBind(position)).where("id", .equal, id.bind).run()
        }
    }
}
