import Foundation
import SQLKit

extension Catalog {
    /// Records that `kind` happened in a session, numbered after its last event, inside the
    /// unit of work that makes the change: the change and its event commit together or not
    /// at all, and the numbers have no gaps. The counter row is bumped first, so concurrent
    /// writers (PostgreSQL's row lock, SQLite's one writer) take numbers one at a time.
    @discardableResult
    func recordEvent(_ kind: SessionEvent.Kind, sessionID: UUID, data: some Encodable,
                     visibility: FeedbackVisibility = .everyone, _ db: any SQLDatabase) async throws -> SessionEvent {
        let seq: Int
        if let bumped = try await db.update(EventCounterRow.table).set(SQLIdentifier("last_seq"), to: SQLRaw("last_seq + 1"))
            .where("session_id", .equal, sessionID.bind).returning("last_seq").first(decodingColumn: "last_seq", as: Int.self)
        {
            seq = bumped
        } else {
            seq = 1
            try await db.insert(EventCounterRow(sessionId: sessionID, lastSeq: seq))
        }
        let text = String(decoding: try CatalogJSON.encoder.encode(data), as: UTF8.self)
        let row = EventRow(sessionId: sessionID, seq: seq, kind: kind, at: StoredTime(now), data: text,
                           isInternal: visibility.isInternal, ownerId: visibility.owner)
        try await db.insert(row)
        roomBell.ring(sessionID)
        return SessionEvent(row)
    }

    /// The session's events after `seq` that `viewer` may see, oldest first, at most `limit`.
    /// Numbers of events the viewer may not see are skipped, so the numbers are in order but
    /// not contiguous: a client resumes after the last number it has, it never counts.
    public func events(sessionID: UUID, after seq: Int, for viewer: Viewer, limit: Int = 500) async throws -> [SessionEvent] {
        try await database.read { db in
            let session = try await self.sessionRecord(id: sessionID, db).session
            let query = db.select(EventRow.self).where("session_id", .equal, sessionID.bind).where("seq", .greaterThan, SQLBind(seq))
            return try await FeedbackVisibility.narrow(query, to: viewer,
                                                       commentsVisibleToOthers: session.settings.commentsVisibleToOthers,
                                                       table: EventRow.table)
                .orderBy("seq").limit(limit).all(EventRow.self).map(SessionEvent.init)
        }
    }

    /// The number of the session's last event, 0 before its first.
    public func lastEventSeq(sessionID: UUID) async throws -> Int {
        try await database.read { db in
            try await db.select().column("last_seq").from(EventCounterRow.table).where("session_id", .equal, sessionID.bind)
                .first(decodingColumn: "last_seq", as: Int.self) ?? 0
        }
    }
}

/// The data of item and session events: ids only. Each viewer fetches what changed as it may
/// see it (a collaborator never sees a version's internal name, for one).
struct ItemEventData: Encodable {
    let itemId: UUID
    enum CodingKeys: String, CodingKey { case itemId = "item_id" }
}

struct ItemOrderEventData: Encodable {
    let itemIds: [UUID]
    enum CodingKeys: String, CodingKey { case itemIds = "item_ids" }
}

struct SessionEventData: Encodable {
    let sessionId: UUID
    enum CodingKeys: String, CodingKey { case sessionId = "session_id" }
}
