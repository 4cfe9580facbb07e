import Synchronization

/// What waits to be written to one room connection: a bounded queue. A reader that falls so
/// far behind that the queue fills is cut off (and resumes from its last event number),
/// rather than holding the server's memory or slowing everyone else's fan-out.
final class Outbox: Sendable {
    /// Why a connection is being closed.
    enum Closing: Sendable, Equatable {
        /// It fell behind the bounded buffer: close code 4008, resume with `?after=`.
        case tooSlow
        /// Its access ended (revoked, session closed or over): close code 4003.
        case accessEnded(String)
        /// The server is stopping: 1001.
        case goingAway
        /// The client left.
        case clientLeft
    }

    /// What the writer gets next.
    enum Next: Sendable {
        case messages([String])
        case closing(Closing)
    }

    private struct State {
        var messages: [String] = []
        var closing: Closing?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Queues `message`; a full queue closes the outbox as too slow instead.
    func push(_ message: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.closing == nil else { return nil }
            if state.messages.count >= limit {
                state.closing = .tooSlow
                state.messages.removeAll()
            } else {
                state.messages.append(message)
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Closes the outbox: the writer gets `closing` next (the first reason given wins).
    func close(_ closing: Closing) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.closing == nil { state.closing = closing }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    var isClosed: Bool { state.withLock { $0.closing != nil } }

    /// Everything queued, once there is something; or why the outbox closed.
    func next() async -> Next {
        while true {
            let ready: Next? = state.withLock { state in
                if let closing = state.closing { return .closing(closing) }
                guard !state.messages.isEmpty else { return nil }
                defer { state.messages.removeAll(keepingCapacity: true) }
                return .messages(state.messages)
            }
            if let ready { return ready }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closing != nil || !state.messages.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}
