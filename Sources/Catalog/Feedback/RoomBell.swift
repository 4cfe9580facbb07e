import Foundation
import Synchronization

/// Rings when a session's room has something new: an event committed, someone came or went,
/// the presenter moved. The live rooms listen and look in the catalog. On PostgreSQL, what
/// other processes change (a worker's receipt, another server's comment) rings here too, as
/// soon as it commits; on SQLite the rooms find it by looking again every so often.
public final class RoomBell: Sendable {
    /// What rang: one session's room, or every room (news may have been missed).
    public enum Ring: Sendable, Hashable {
        case session(UUID)
        case everySession
    }

    private let listeners = Mutex<[UUID: @Sendable (Ring) -> Void]>([:])

    public init() {}

    /// Calls `listener` with what rang on every ring, until the returned token is passed to
    /// ``stopListening(_:)``.
    public func listen(_ listener: @escaping @Sendable (Ring) -> Void) -> UUID {
        let token = UUID()
        listeners.withLock { $0[token] = listener }
        return token
    }

    public func stopListening(_ token: UUID) {
        _ = listeners.withLock { $0.removeValue(forKey: token) }
    }

    /// Rings for `sessionID` in every process on the catalog, after the current write commits.
    func ring(_ sessionID: UUID) {
        Announcement.room(sessionID).announce()
        AfterCommit.run { [self] in ringHere(sessionID) }
    }

    /// Rings for `sessionID` in this process, now.
    func ringHere(_ sessionID: UUID) {
        tell(.session(sessionID))
    }

    /// Rings every room in this process: they look again (after announcements were missed).
    func ringEverywhereHere() {
        tell(.everySession)
    }

    private func tell(_ ring: Ring) {
        for listener in listeners.withLock({ Array($0.values) }) { listener(ring) }
    }
}
