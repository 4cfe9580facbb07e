import Foundation
import Synchronization

/// Rings when a job may have become ready to claim: one was queued, or one finished (freeing
/// its lane). An idle worker waits on it, with a timeout, instead of asking the queue over and
/// over. On PostgreSQL it rings for jobs queued by any process (`NOTIFY`); on SQLite only for
/// this process's, and the timeout is how the others are found.
public final class JobBell: Sendable {
    /// Each wait, from its start to its end; its continuation once it has one. A wait
    /// missing here has ended (rung, or timed out), so a late continuation resumes at once.
    private let waits = Mutex<[UUID: CheckedContinuation<Void, Never>?]>([:])

    public init() {}

    /// Returns when the bell rings (`true`), after `timeout`, or when the task is cancelled.
    @discardableResult
    public func wait(upTo timeout: Duration) async -> Bool {
        let id = UUID()
        waits.withLock { $0[id] = .some(nil) }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.waits.withLock { waits -> Bool in
                        guard waits[id] != nil else { return true }
                        waits[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let rung = await group.next() ?? false
            group.cancelAll()
            let continuation = waits.withLock { $0.removeValue(forKey: id) }
            continuation??.resume()
            return rung
        }
    }

    /// Wakes every waiter.
    public func ring() {
        let waiting = waits.withLock { waits in
            let waiting = waits.values.compactMap { $0 }
            waits = [:]
            return waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
