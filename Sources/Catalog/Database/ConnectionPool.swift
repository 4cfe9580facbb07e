import SQLiteKit
import Synchronization

/// A fixed set of open connections, lent to one unit of work at a time.
///
/// A unit of work that finds every connection busy waits, suspended (no thread blocked),
/// first come first served, until one comes back.
final class ConnectionPool: Sendable {
    private struct State {
        var idle: [SQLiteConnection]
        var waiting: [CheckedContinuation<SQLiteConnection?, Never>] = []
        var isClosed = false
        /// Connections lent out now; ``drain()`` waits for them.
        var lent = 0
        var drained: CheckedContinuation<Void, Never>?
    }

    private let all: [SQLiteConnection]
    private let state: Mutex<State>

    init(_ connections: [SQLiteConnection]) {
        all = connections
        state = Mutex(State(idle: connections))
    }

    /// Runs `body` with a connection to itself.
    func withConnection<Result>(_ body: (SQLiteConnection) async throws -> Result) async throws -> Result {
        let connection = try await borrow()
        do {
            let result = try await body(connection)
            giveBack(connection)
            return result
        } catch {
            giveBack(connection)
            throw error
        }
    }

    private func borrow() async throws -> SQLiteConnection {
        enum Next { case ready(SQLiteConnection), closed, wait }
        let next = state.withLock { state -> Next in
            if state.isClosed { return .closed }
            if let connection = state.idle.popLast() {
                state.lent += 1
                return .ready(connection)
            }
            return .wait
        }
        switch next {
        case .ready(let connection): return connection
        case .closed: throw CatalogError(.unavailable, "the catalog is closed")
        case .wait:
            let connection = await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.isClosed { return true }
                    if let connection = state.idle.popLast() {
                        // Given back between the first look and now.
                        state.idle.append(connection)
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume(returning: nil) }
            }
            if let connection { return connection }
            return try await borrow()
        }
    }

    private func giveBack(_ connection: SQLiteConnection) {
        enum After { case handTo(CheckedContinuation<SQLiteConnection?, Never>), drained(CheckedContinuation<Void, Never>), none }
        let after = state.withLock { state -> After in
            if !state.isClosed, !state.waiting.isEmpty {
                // Straight to the next in line: it stays lent.
                return .handTo(state.waiting.removeFirst())
            }
            state.lent -= 1
            state.idle.append(connection)
            if state.isClosed, state.lent == 0, let drained = state.drained {
                state.drained = nil
                return .drained(drained)
            }
            return .none
        }
        switch after {
        case .handTo(let waiter): waiter.resume(returning: connection)
        case .drained(let drained): drained.resume()
        case .none: break
        }
    }

    /// Refuses new borrowers, waits for lent connections to come back, and returns them all
    /// for closing.
    func drain() async -> [SQLiteConnection] {
        await withCheckedContinuation { continuation in
            let (waiters, done) = state.withLock { state -> ([CheckedContinuation<SQLiteConnection?, Never>], Bool) in
                state.isClosed = true
                let waiters = state.waiting
                state.waiting = []
                if state.lent == 0 { return (waiters, true) }
                state.drained = continuation
                return (waiters, false)
            }
            for waiter in waiters { waiter.resume(returning: nil) }
            if done { continuation.resume() }
        }
        return all
    }
}
