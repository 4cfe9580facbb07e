import Foundation
import SQLKit

/// Where the presenter of a session's room is: what their followers' players show.
public struct PresenterState: Sendable, Hashable {
    public let presenter: FeedbackAuthor
    public let itemID: UUID?
    public let frame: Int?
    public let playing: Bool
    /// Playback speed, as a ratio (`1/1`, `-2/1`).
    public let rate: String
    public let updatedAt: Timestamp
}

/// A row of `room_presence`: one open connection to a session's room.
struct PresenceRow: TableRow {
    static let table = "room_presence"
    static let idColumn = "connection_id"
    var connectionId: UUID, sessionId: UUID, participantKind: FeedbackAuthor.Kind, participantId: UUID
    var participantName: String, expiresAt: StoredTime
}

/// A row of `room_presenters`: the presenter of a session's room and where they are.
struct PresenterRow: TableRow {
    static let table = "room_presenters"
    static let idColumn = "session_id"
    var sessionId: UUID, presenterKind: FeedbackAuthor.Kind, presenterId: UUID, presenterName: String
    var itemId: UUID?, frame: Int?, playing: Bool, rate: String, updatedAt: StoredTime
}

/// The state of a session's live room that is not history: who is in it (a row per
/// connection, kept alive by its server with an expiry, so every server sees everyone) and
/// who presents (one upserted row). Changes ring the room bell.
extension Catalog {
    /// Records a connection to the room, or keeps it alive: it counts as present for `lifetime`.
    public func enterRoom(sessionID: UUID, connectionID: UUID, as participant: FeedbackAuthor, for lifetime: Duration)
        async throws
    {
        try await database.write { db in
            let until = StoredTime(self.now.addingTimeInterval(lifetime.seconds))
            let row = PresenceRow(connectionId: connectionID, sessionId: sessionID, participantKind: participant.kind,
                                  participantId: participant.id, participantName: participant.name, expiresAt: until)
            if try await db.row(PresenceRow.self, id: connectionID) == nil {
                try await db.insert(row)
                self.roomBell.ring(sessionID)
            } else {
                try await db.update(row)
            }
        }
    }

    /// Records that a connection left the room. A presenter who leaves with their last
    /// connection stops presenting.
    public func leaveRoom(sessionID: UUID, connectionID: UUID) async throws {
        try await database.write { db in
            guard let row = try await db.row(PresenceRow.self, id: connectionID) else { return }
            try await db.delete(from: PresenceRow.table).where("connection_id", .equal, connectionID.bind).run()
            let presentElsewhere = try await db.count(PresenceRow.table) {
                $0.where("session_id", .equal, sessionID.bind).where("participant_id", .equal, row.participantId.bind)
            } > 0
            if !presentElsewhere {
                try await db.delete(from: PresenterRow.table).where("session_id", .equal, sessionID.bind)
                    .where("presenter_id", .equal, row.participantId.bind).run()
            }
            self.roomBell.ring(sessionID)
        }
    }

    /// Who is in the room now (each person once, however many connections), by name.
    public func presence(sessionID: UUID) async throws -> [FeedbackAuthor] {
        try await database.read { db in try await self.presence(sessionID: sessionID, db) }
    }

    private func presence(sessionID: UUID, _ db: any SQLDatabase) async throws -> [FeedbackAuthor] {
        let rows = try await db.select(PresenceRow.self).where("session_id", .equal, sessionID.bind)
            .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds)).all(PresenceRow.self)
        var seen: [UUID: FeedbackAuthor] = [:]
        for row in rows {
            seen[row.participantId] = FeedbackAuthor(kind: row.participantKind, id: row.participantId, name: row.participantName)
        }
        return seen.values.sorted { ($0.name, $0.id.uuidString) < ($1.name, $1.id.uuidString) }
    }

    /// The presenter's state, while the presenter is in the room.
    public func presenter(sessionID: UUID) async throws -> PresenterState? {
        try await database.read { db in try await self.presenterRow(sessionID: sessionID, db).map(PresenterState.init) }
    }

    /// The presenter's row, while the presenter is in the room (a server that died leaves
    /// its presence to expire, and its presenter with it).
    private func presenterRow(sessionID: UUID, _ db: any SQLDatabase) async throws -> PresenterRow? {
        guard let row = try await db.row(PresenterRow.self, id: sessionID) else { return nil }
        let present = try await presence(sessionID: sessionID, db).contains { $0.id == row.presenterId }
        return present ? row : nil
    }

    /// Makes `participant` the presenter. While someone else presents, only staff taking
    /// over (`takeOver`) may.
    ///
    /// - Throws: ``CatalogError/Code/conflict`` naming the presenter; ``CatalogError/Code/forbidden``
    ///   for a collaborator taking over.
    public func present(sessionID: UUID, as participant: FeedbackAuthor, takeOver: Bool) async throws -> PresenterState {
        try await database.write { db in
            let current = try await self.presenterRow(sessionID: sessionID, db)
            if let current, current.presenterId != participant.id {
                guard takeOver else {
                    throw CatalogError(.conflict, "\(current.presenterName) is presenting; staff may take over")
                }
                guard participant.kind == .staff else { throw CatalogError(.forbidden, "only staff take over presenting") }
            }
            return try await self.writePresenter(sessionID: sessionID, participant, from: current, db)
        }
    }

    /// Hands presenting to `participantID`, who must be in the room: by the presenter, or staff.
    public func handOver(sessionID: UUID, by actor: FeedbackAuthor, to participantID: UUID) async throws -> PresenterState {
        try await database.write { db in
            let current = try await self.presenterRow(sessionID: sessionID, db)
            guard actor.kind == .staff || current?.presenterId == actor.id else {
                throw CatalogError(.forbidden, "only the presenter and staff hand presenting over")
            }
            guard let target = try await self.presence(sessionID: sessionID, db).first(where: { $0.id == participantID }) else {
                throw CatalogError.invalid("to", "\(participantID) is not in the room")
            }
            return try await self.writePresenter(sessionID: sessionID, target, from: current, db)
        }
    }

    /// Moves the presenter's player: only the presenter does.
    public func movePresenter(sessionID: UUID, by participant: FeedbackAuthor, itemID: UUID?, frame: Int?, playing: Bool,
                              rate: String) async throws -> PresenterState {
        try await database.write { db in
            guard var row = try await self.presenterRow(sessionID: sessionID, db), row.presenterId == participant.id else {
                throw CatalogError(.conflict, "you are not presenting")
            }
            if let itemID { _ = try await self.itemRow(id: itemID, sessionID: sessionID, db) }
            (row.itemId, row.frame, row.playing, row.rate, row.updatedAt) = (itemID, frame, playing, rate, StoredTime(self.now))
            try await db.update(row)
            self.roomBell.ring(sessionID)
            return PresenterState(row)
        }
    }

    /// Stops presenting: the presenter, or staff.
    public func stopPresenting(sessionID: UUID, by participant: FeedbackAuthor) async throws {
        try await database.write { db in
            guard let row = try await db.row(PresenterRow.self, id: sessionID) else { return }
            guard participant.kind == .staff || row.presenterId == participant.id else {
                throw CatalogError(.forbidden, "only the presenter and staff stop presenting")
            }
            try await db.delete(from: PresenterRow.table).where("session_id", .equal, sessionID.bind).run()
            self.roomBell.ring(sessionID)
        }
    }

    /// Upserts the presenter's row; a new presenter starts where the last one was.
    private func writePresenter(sessionID: UUID, _ participant: FeedbackAuthor, from current: PresenterRow?,
                                _ db: any SQLDatabase) async throws -> PresenterState {
        let row = PresenterRow(sessionId: sessionID, presenterKind: participant.kind, presenterId: participant.id,
                               presenterName: participant.name, itemId: current?.itemId, frame: current?.frame,
                               playing: false, rate: current?.rate ?? "1/1", updatedAt: StoredTime(now))
        try await db.delete(from: PresenterRow.table).where("session_id", .equal, sessionID.bind).run()
        try await db.insert(row)
        roomBell.ring(sessionID)
        return PresenterState(row)
    }

    /// Forgets presence whose connections stopped keeping it alive (their server died).
    public func prunePresence() async throws -> Int {
        try await database.write { db in
            let cutoff = SQLBind(self.now.storedMilliseconds)
            let expired = try await db.count(PresenceRow.table) { $0.where("expires_at", .lessThanOrEqual, cutoff) }
            try await db.delete(from: PresenceRow.table).where("expires_at", .lessThanOrEqual, cutoff).run()
            return expired
        }
    }
}

extension PresenterState {
    init(_ row: PresenterRow) {
        self.init(presenter: FeedbackAuthor(kind: row.presenterKind, id: row.presenterId, name: row.presenterName),
                  itemID: row.itemId, frame: row.frame, playing: row.playing, rate: row.rate, updatedAt: row.updatedAt.date)
    }
}
