import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization

/// A WebSocket client of a session's room, for tests: it keeps every message it gets, in
/// order, sends what the test asks, and says how the server closed the connection.
final class RoomClient: Sendable {
    /// What the connection shares with the client: what arrived, and whether to read.
    private final class Inbox: Sendable {
        let received = Mutex<[String]>([])
        /// While set, the client reads nothing (a slow reader).
        let paused: Mutex<Bool>
        init(paused: Bool) { self.paused = Mutex(paused) }
    }

    private let inbox: Inbox
    private let sending: AsyncStream<String>.Continuation
    private let connection: Task<WebSocketCloseFrame?, any Error>

    /// Connects to `path` (with `?after=` when resuming) as whoever `headers` make it.
    init(_ server: TestServer, _ path: String, headers: HTTPFields = [:], paused: Bool = false) {
        let (outgoing, sending) = AsyncStream.makeStream(of: String.self)
        self.sending = sending
        let inbox = Inbox(paused: paused)
        self.inbox = inbox
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 24)
        configuration.additionalHeaders = headers
        var logger = Logger(label: "test.room")
        logger.logLevel = .critical
        let url = server.baseURL.replacingOccurrences(of: "http://", with: "ws://") + path
        connection = Task {
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in outgoing { try await outbound.write(.text(text)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    group.addTask {
                        while inbox.paused.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            if case .text(let text) = message { inbox.received.withLock { $0.append(text) } }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Every message so far, decoded.
    var messages: [[String: Any]] {
        inbox.received.withLock { $0 }.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// The events so far (messages with a `seq`).
    var events: [[String: Any]] { messages.filter { $0["seq"] != nil } }
    var seqs: [Int] { events.compactMap { $0["seq"] as? Int } }

    /// The last message of `type` (presence, presenter, error).
    func last(_ type: String) -> [String: Any]? { messages.last { $0["type"] as? String == type } }

    func send(_ object: [String: Any]) throws {
        sending.yield(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    func resume() { inbox.paused.withLock { $0 = false } }

    /// Waits until `condition` holds of the client, or fails after `timeout`.
    func wait(_ what: String, timeout: Duration = .seconds(30), until condition: (RoomClient) -> Bool) async throws {
        let clock = ContinuousClock(), deadline = clock.now + timeout
        while !condition(self) {
            guard clock.now < deadline else { throw TestFailure("gave up waiting for \(what); got \(inbox.received.withLock { $0.suffix(5) })") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Closes from this side and waits for the connection to end.
    func close() async {
        sending.finish()
        _ = try? await connection.value
    }

    /// How the server closed the connection (after it did), or the failure to connect.
    func ended() async throws -> WebSocketCloseFrame? {
        try await connection.value
    }
}
