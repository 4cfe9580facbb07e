import PostgresKit
import SQLKit
import SQLiteKit
import Synchronization

/// One open connection to the catalog's database, whichever engine it is.
protocol CatalogConnection: AnyObject, Sendable {
    /// The connection as sql-kit speaks to it.
    func sqlDatabase() -> any SQLDatabase
    /// Whether it can no longer be used (the server closed it, or the network went).
    var isClosed: Bool { get }
    func close() async throws
}

extension SQLiteConnection: CatalogConnection {
    func sqlDatabase() -> any SQLDatabase { sql(queryLogLevel: .trace) }
}

extension PostgresConnection: CatalogConnection {
    func sqlDatabase() -> any SQLDatabase { sql(queryLogLevel: .trace) }
}

/// A fixed number of open connections, lent to one unit of work at a time.
///
/// A unit of work that finds every connection busy waits, suspended (no thread blocked),
/// first come first served, until one comes back. A connection found closed when lent (a
/// PostgreSQL server restarted, a network dropped) is replaced by a new one first.
final class ConnectionPool: Sendable {
    private struct State {
        var idle: [any CatalogConnection]
        var waiting: [CheckedContinuation<(any CatalogConnection)?, Never>] = []
        var isClosed = false
        /// Connections lent out now; ``drain()`` waits for them.
        var lent = 0
        var drained: CheckedContinuation<Void, Never>?
        /// Every connection the pool holds, lent or idle, for closing.
        var all: [any CatalogConnection]
    }

    private let state: Mutex<State>
    /// Opens a connection to replace one that closed.
    private let reopen: @Sendable () async throws -> any CatalogConnection

    init(_ connections: [any CatalogConnection], reopen: @escaping @Sendable () async throws -> any CatalogConnection) {
        state = Mutex(State(idle: connections, all: connections))
        self.reopen = reopen
    }

    /// Runs `body` with a connection to itself.
    func withConnection<Result>(_ body: (any CatalogConnection) async throws -> Result) async throws -> Result {
        var connection = try await borrow()
        if connection.isClosed {
            do {
                let fresh = try await reopen()
                state.withLock { state in
                    state.all.removeAll { $0 === connection }
                    state.all.append(fresh)
                }
                connection = fresh
            } catch {
                giveBack(connection)
                throw CatalogError.unreachable
            }
        }
        do {
            let result = try await body(connection)
            giveBack(connection)
            return result
        } catch {
            giveBack(connection)
            throw error
        }
    }

    private func borrow() async throws -> any CatalogConnection {
        enum Next { case ready(any CatalogConnection), closed, wait }
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

    private func giveBack(_ connection: any CatalogConnection) {
        enum After {
            case handTo(CheckedContinuation<(any CatalogConnection)?, Never>), drained(CheckedContinuation<Void, Never>), none
        }
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
    func drain() async -> [any CatalogConnection] {
        await withCheckedContinuation { continuation in
            let (waiters, done) = state.withLock {
                state -> ([CheckedContinuation<(any CatalogConnection)?, Never>], Bool) in
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
        return state.withLock { $0.all }
    }
}
