import Foundation
import Synchronization

/// Rings when a session's room has something new in this process: an event committed,
/// someone came or went, the presenter moved. The live rooms listen and look in the catalog;
/// what other processes change (a worker's receipt, another server's comment) they find by
/// looking again every so often.
public final class RoomBell: Sendable {
    private let listeners = Mutex<[UUID: @Sendable (UUID) -> Void]>([:])

    public init() {}

    /// Calls `listener` with the session's id on every ring, until the returned token is
    /// passed to ``stopListening(_:)``.
    public func listen(_ listener: @escaping @Sendable (UUID) -> Void) -> UUID {
        let token = UUID()
        listeners.withLock { $0[token] = listener }
        return token
    }

    public func stopListening(_ token: UUID) {
        _ = listeners.withLock { $0.removeValue(forKey: token) }
    }

    /// Rings for `sessionID`, after the current write commits.
    func ring(_ sessionID: UUID) {
        AfterCommit.run { [self] in
            for listener in listeners.withLock({ Array($0.values) }) { listener(sessionID) }
        }
    }
}
