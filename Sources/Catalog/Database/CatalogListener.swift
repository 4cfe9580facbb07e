import Foundation
import Logging
import NIOPosix
import PostgresKit
import SQLKit
import Synchronization

/// Carries announcements between the processes that share a PostgreSQL catalog: a write
/// announces (`pg_notify`, sent by the server only when the transaction commits), and one
/// connection per process listens (`LISTEN`), so an idle worker wakes when a job is queued
/// and every server's live rooms hear of a comment posted through another.
///
/// An announcement carries the id of the process that made it, so a process does not hear
/// its own (it rang its bells locally at commit already).
final class CatalogListener: Sendable {
    static let channel = "dailies_catalog"

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    /// This process, as its announcements name it.
    private let origin = UUID().uuidString
    private let state = Mutex<(task: Task<Void, Never>?, connection: PostgresConnection?, stopped: Bool)>((nil, nil, false))

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Sends `messages` on `db`, inside its transaction: one statement, since a write holds the
    /// catalog's write lock for as long as its round trips take.
    func announce(_ messages: [String], on db: any SQLDatabase) async throws {
        guard !messages.isEmpty else { return }
        let notifications = messages.map { SQLFunction("pg_notify", args: SQLBind(Self.channel), SQLBind(origin + " " + $0)) }
        try await db.select().columns(notifications).run()
    }

    /// Listens until ``stop()``, calling `heard` with each message from another process, and
    /// with `nil` once listening starts again after the connection was lost.
    func start(_ heard: @escaping @Sendable (String?) -> Void) {
        let task = Task { [self] in
            var lost = false
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger).get()
                    let keep = state.withLock { state -> Bool in
                        if state.stopped { return false }
                        state.connection = connection
                        return true
                    }
                    guard keep else {
                        try? await connection.close()
                        return
                    }
                    try await connection.listen(on: Self.channel) { notifications in
                        if lost { heard(nil) }
                        for try await notification in notifications {
                            guard let space = notification.payload.firstIndex(of: " ") else { continue }
                            if notification.payload[..<space] == origin { continue }
                            heard(String(notification.payload[notification.payload.index(after: space)...]))
                        }
                    }
                } catch {
                    if state.withLock({ $0.stopped }) { return }
                    logger.warning("lost the catalog's announcements, listening again: \(String(reflecting: error))")
                }
                if state.withLock({ $0.stopped }) { return }
                lost = true
                try? await Task.sleep(for: .seconds(1))
            }
        }
        state.withLock { $0.task = task }
    }

    /// Stops listening and closes the connection.
    func stop() async {
        let (task, connection) = state.withLock { state in
            state.stopped = true
            return (state.task, state.connection)
        }
        task?.cancel()
        try? await connection?.close()
        await task?.value
    }
}
