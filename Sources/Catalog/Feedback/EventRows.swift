import Foundation

/// A row of `session_events`: one change in a session, keyed by `(session_id, seq)`.
struct EventRow: TableRow {
    static let table = "session_events"
    static let idColumn = "seq"
    var sessionId: UUID, seq: Int, kind: SessionEvent.Kind, at: StoredTime, data: String
    var isInternal: Bool, ownerId: UUID?
}

extension SessionEvent {
    init(_ row: EventRow) {
        self.init(sessionID: row.sessionId, seq: row.seq, kind: row.kind, at: row.at.date, data: row.data,
                  visibility: FeedbackVisibility(isInternal: row.isInternal, owner: row.ownerId))
    }
}

/// A row of `session_event_counters`: the last number a session's events have used.
struct EventCounterRow: TableRow {
    static let table = "session_event_counters"
    static let idColumn = "session_id"
    var sessionId: UUID, lastSeq: Int
}
