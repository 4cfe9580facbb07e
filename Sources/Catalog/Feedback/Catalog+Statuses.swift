import Foundation
import SQLKit

/// One collaborator's verdict on one item, with every change of it
/// (`docs/feedback-format.md`, "Statuses").
public struct ItemStatus: Sendable, Hashable, Encodable {
    public struct Change: Sendable, Hashable, Encodable {
        public let from: ReviewStatus
        public let to: ReviewStatus
        public let at: Timestamp
        /// The staff member who set it on the collaborator's behalf (through a script, by
        /// the ftrack faces); absent when the collaborator set it.
        public var setBy: FeedbackAuthor? = nil

        enum CodingKeys: String, CodingKey { case from, to, at, setBy = "set_by" }
    }

    public let itemID: UUID
    public let collaborator: FeedbackAuthor
    public let role: Collaborator.Role
    public let status: ReviewStatus
    /// Whether their verdict counts in the item's summary.
    public let decides: Bool
    public let updatedAt: Timestamp
    /// Oldest first; empty while they have never changed it.
    public let history: [Change]

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id", collaborator, role, status, decides, updatedAt = "updated_at", history
    }
}

/// Statuses: set by reviewers and approvers, each change kept and recorded as a session
/// event in its transaction; summarised per item over the session's deciders.
extension Catalog {
    /// Sets the collaborator's verdict on an item. Setting what is already set changes
    /// nothing and records nothing.
    ///
    /// - Throws: ``CatalogError``: an observer, the session closed or out of its schedule,
    ///   the item not in the session.
    public func setStatus(_ status: ReviewStatus, sessionID: UUID, itemID: UUID, by access: CollaboratorAccess) async throws
        -> ItemStatus
    {
        try await database.write { db in
            try await self.applyStatus(status, sessionID: sessionID, itemID: itemID, collaboratorID: access.collaborator.id,
                                       actor: .collaborator(access), setBy: nil, statusID: nil, db)
        }
    }

    /// Sets a collaborator's verdict on their behalf: staff scripts do (ftrack's
    /// `setStatus('approved', invitee)`), through the ftrack faces only. The history records
    /// who set it. The same rules hold as when the collaborator sets it.
    ///
    /// - Parameter statusID: the verdict's id, when a script names it (a new verdict takes it).
    public func setStatus(_ status: ReviewStatus, sessionID: UUID, itemID: UUID, onBehalfOf collaboratorID: UUID,
                          by staff: StaffUser, statusID: UUID? = nil) async throws -> ItemStatus {
        try await database.write { db in
            let collaborator = try await self.collaborator(id: collaboratorID, db)
            guard collaborator.sessionID == sessionID else {
                throw CatalogError.notFound("collaborator in this session", collaboratorID)
            }
            guard !collaborator.isRevoked else {
                throw CatalogError(.accessRevoked, "\(collaborator.name)'s access to this session has been withdrawn")
            }
            return try await self.applyStatus(status, sessionID: sessionID, itemID: itemID, collaboratorID: collaboratorID,
                                              actor: .staff(staff), setBy: staff, statusID: statusID, db)
        }
    }

    private func applyStatus(_ status: ReviewStatus, sessionID: UUID, itemID: UUID, collaboratorID: UUID,
                             actor: FeedbackActor, setBy staff: StaffUser?, statusID: UUID?, _ db: any SQLDatabase)
        async throws -> ItemStatus
    {
        let session = try await self.feedbackSession(sessionID, by: actor, comments: false, db)
        let item = try await self.itemRow(id: itemID, sessionID: sessionID, db)
        let collaborator = try await self.collaborator(id: collaboratorID, db)
        guard collaborator.role != .observer else {
            throw CatalogError(.forbidden, "observers watch; reviewers and approvers set statuses")
        }
        let current = try await db.select(StatusRow.self).where("item_id", .equal, itemID.bind)
            .where("collaborator_id", .equal, collaborator.id.bind).first(StatusRow.self)
        if let statusID, statusID != current?.id {
            try await self.checkNewID(statusID, in: StatusRow.table, db)
        }
        if (current?.status ?? .pending) != status || (statusID != nil && statusID != current?.id) {
            let at = StoredTime(self.now)
            let row = StatusRow(itemId: itemID, collaboratorId: collaborator.id, sessionId: sessionID, status: status,
                                updatedAt: at, id: statusID ?? current?.id ?? UUID())
            if current == nil {
                try await db.insert(row)
            } else {
                try await db.update(StatusRow.table).set("status", to: SQLBind(status.rawValue))
                    .set("updated_at", to: SQLBind(at.milliseconds)).set("id", to: row.id!.bind)
                    .where("item_id", .equal, itemID.bind).where("collaborator_id", .equal, collaborator.id.bind).run()
            }
        }
        if (current?.status ?? .pending) != status {
            let at = StoredTime(self.now)
            try await db.insert(StatusChangeRow(id: UUID(), itemId: itemID, collaboratorId: collaborator.id, sessionId: sessionID,
                                                fromStatus: current?.status ?? .pending, toStatus: status, at: at,
                                                setByStaffId: staff?.id, setByName: staff?.name))
        }
        let changed = try await self.statuses(sessionID: sessionID, items: [item], db)
            .first { $0.collaborator.id == collaborator.id }!
        if (current?.status ?? .pending) != status {
            try await self.recordEvent(.statusChanged, sessionID: sessionID, data: StatusEventData(status: changed), db)
            try await self.emit(.statusChanged, data: StatusWebhookData(sessionID: sessionID, status: changed),
                                feedback: (.everyone, commentsVisibleToOthers: true), db)
            try await self.queueNotices(NoticeEvent(
                kind: .status, sessionID: sessionID, itemID: itemID, commentID: nil, author: changed.collaborator,
                visibility: .everyone,
                details: Notice.Details(sessionTitle: session.title, versionName: item.versionName, author: changed.collaborator,
                                        text: nil, frameNumber: nil, lastFrameNumber: nil, timecode: nil, status: status,
                                        isInternal: false)),
                session: session, db)
        }
        return changed
    }

    /// Every status in the session: each reviewer's and approver's on each item (pending
    /// until set), and any other verdict ever set (a removed collaborator's, say), with
    /// their history. Staff see removed items' too.
    public func statuses(sessionID: UUID, itemID: UUID? = nil, includingRemovedItems: Bool = false) async throws -> [ItemStatus] {
        try await database.read { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            var items = try await self.itemRows(sessionID: sessionID, includingRemoved: includingRemovedItems, db)
            if let itemID {
                items = items.filter { $0.id == itemID }
                guard !items.isEmpty else { throw CatalogError.notFound("item in this session", itemID) }
            }
            return try await self.statuses(sessionID: sessionID, items: items, db)
        }
    }

    /// Each item's summary over the session's deciders, in review order.
    public func statusSummaries(sessionID: UUID) async throws -> [StatusSummary] {
        try await database.read { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            let items = try await self.itemRows(sessionID: sessionID, includingRemoved: false, db)
            let collaborators = try await self.collaborators(sessionID: sessionID, db)
            let rows = try await db.select(StatusRow.self).where("session_id", .equal, sessionID.bind).all(StatusRow.self)
            let byItem = Dictionary(grouping: rows, by: \.itemId)
            return items.map { item in
                StatusSummary(itemID: item.id, collaborators: collaborators,
                              statuses: Dictionary(uniqueKeysWithValues: (byItem[item.id] ?? []).map { ($0.collaboratorId, $0.status) }))
            }
        }
    }

    private func statuses(sessionID: UUID, items: [ItemRow], _ db: any SQLDatabase) async throws -> [ItemStatus] {
        // Everyone who ever was in the session: a removed collaborator's verdicts stay.
        let everyone = try await db.select(CollaboratorRow.self).where("session_id", .equal, sessionID.bind)
            .orderBy("created_at").orderBy("id").all(CollaboratorRow.self)
        let active = everyone.filter { $0.removedAt == nil }.map(Collaborator.init)
        let deciders = Set(StatusSummary.deciders(active).map(\.id))
        let itemIDs = items.map(\.id.uuidString)
        let rows = try await db.select(StatusRow.self).where("item_id", isIn: itemIDs).all(StatusRow.self)
        let changes = try await db.select(StatusChangeRow.self).where("item_id", isIn: itemIDs).orderBy("at").orderBy("id")
            .all(StatusChangeRow.self)
        let current = Dictionary(uniqueKeysWithValues: rows.map { ("\($0.itemId)/\($0.collaboratorId)", $0) })
        let history = Dictionary(grouping: changes) { "\($0.itemId)/\($0.collaboratorId)" }
        var statuses: [ItemStatus] = []
        for item in items {
            for person in everyone {
                let key = "\(item.id)/\(person.id)"
                let row = current[key]
                // Those who may set a verdict have one (pending until set); others only if they set one.
                guard row != nil || (person.removedAt == nil && person.role != .observer) else { continue }
                statuses.append(ItemStatus(
                    itemID: item.id, collaborator: FeedbackAuthor(kind: .collaborator, id: person.id, name: person.name),
                    role: person.role, status: row?.status ?? .pending, decides: deciders.contains(person.id),
                    // Never set: pending since they and the item were both in the session.
                    updatedAt: (row?.updatedAt.date ?? max(item.createdAt.date, person.createdAt.date)),
                    history: (history[key] ?? []).map { change in
                        ItemStatus.Change(from: change.fromStatus, to: change.toStatus, at: change.at.date,
                                          setBy: change.setByStaffId.map { FeedbackAuthor(kind: .staff, id: $0, name: change.setByName ?? "") })
                    }))
            }
        }
        return statuses
    }
}

/// The data of `status.changed`: the collaborator's status, the change last in its history.
struct StatusEventData: Encodable {
    let status: ItemStatus
}

/// The `data` of a `status.changed` webhook delivery: the status, and the session it is in.
struct StatusWebhookData: Encodable {
    let sessionID: UUID
    let status: ItemStatus

    enum CodingKeys: String, CodingKey { case sessionID = "session_id", status }
}
