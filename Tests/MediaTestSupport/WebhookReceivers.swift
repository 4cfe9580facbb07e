import Foundation
import Synchronization

/// Webhook receivers on loopback for tests: one Python process serving each receiver on a
/// port of its own and printing what happens to all of them, in the order it happens, so a
/// test can tell which delivery came before which without looking at a clock.
public final class WebhookReceivers: @unchecked Sendable {
    /// How a receiver behaves.
    public enum Behaviour: Sendable {
        /// Answers every POST with this status.
        case answer(Int)
        /// Answers 302 with a `Location` on the receiver at this index.
        case redirect(toReceiver: Int)
        /// Accepts connections, reads what is sent, and never answers.
        case neverAnswer

        var spec: [String: Any] {
            switch self {
            case .answer(let status): ["mode": "answer", "status": status]
            case .redirect(let index): ["mode": "redirect", "to": index]
            case .neverAnswer: ["mode": "silent"]
            }
        }
    }

    /// Something a receiver saw.
    public struct Event: Sendable {
        /// The receiver's index in the behaviours given.
        public let receiver: Int
        /// `request` (a whole POST arrived), `accepted` and `closed` (a connection to a silent receiver).
        public let kind: String
        /// For requests: the header fields (names in lower case), the path and the body.
        public let headers: [String: String]
        public let path: String
        public let body: String
    }

    /// Each receiver's port on 127.0.0.1, in the order given.
    public let ports: [Int]
    private let process: Process
    private let lines: LineBuffer

    /// What the process printed: whole lines, and the start of the next.
    private final class LineBuffer: Sendable {
        let state = Mutex<(complete: [String], partial: String)>(([], ""))

        func append(_ chunk: String) {
            state.withLock { state in
                var parts = (state.partial + chunk).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                state.partial = parts.removeLast()
                state.complete += parts.filter { !$0.isEmpty }
            }
        }

        var complete: [String] { state.withLock { $0.complete } }
    }

    public init(_ behaviours: [Behaviour]) throws {
        let specification = String(decoding: try JSONSerialization.data(withJSONObject: behaviours.map(\.spec)), as: UTF8.self)
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, specification]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let lines = LineBuffer()
        try process.run()
        readToEnd(output.fileHandleForReading, chunk: { data in lines.append(String(decoding: data, as: UTF8.self)) })
        self.process = process
        self.lines = lines
        var ports: [Int]?
        let deadline = Date().addingTimeInterval(30)
        while ports == nil, Date() < deadline, process.isRunning {
            let first = lines.complete.first
            if let first, let ready = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any] {
                ports = ready["ports"] as? [Int]
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        guard let ports, ports.count == behaviours.count else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the webhook receivers did not start"])
        }
        self.ports = ports
    }

    /// Everything seen so far, in order.
    public func events() -> [Event] {
        lines.complete.dropFirst().compactMap { line in
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let receiver = json["receiver"] as? Int, let kind = json["kind"] as? String
            else { return nil }
            return Event(receiver: receiver, kind: kind, headers: json["headers"] as? [String: String] ?? [:],
                         path: json["path"] as? String ?? "", body: json["body"] as? String ?? "")
        }
    }

    /// The requests receiver `index` got so far.
    public func requests(_ index: Int) -> [Event] {
        events().filter { $0.receiver == index && $0.kind == "request" }
    }

    /// The requests receiver `index` got, once it has printed at least `count` (what it
    /// prints reaches us a moment after it answers: read right after the answer, it may not be in yet).
    public func requests(_ index: Int, atLeast count: Int, timeout: TimeInterval = 30) async throws -> [Event] {
        try await wait(timeout: timeout) { events in events.filter { $0.receiver == index && $0.kind == "request" }.count >= count }
        return requests(index)
    }

    /// Waits (polling) until `condition` holds for the events, or `timeout` passes; returns the events then.
    @discardableResult
    public func wait(timeout: TimeInterval = 60, until condition: ([Event]) -> Bool) async throws -> [Event] {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = events()
        while !condition(seen), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            seen = events()
        }
        return seen
    }

    deinit {
        // SIGKILL: the test runner blocks SIGTERM, and its children inherit the mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static let script = #"""
        import http.server, json, socket, sys, threading
        lock = threading.Lock()
        def emit(**fields):
            with lock:
                print(json.dumps(fields), flush=True)
        specs = json.loads(sys.argv[1])
        sockets = []
        for spec in specs:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", 0))
            listener.listen(64)
            sockets.append(listener)
        ports = [s.getsockname()[1] for s in sockets]
        def answering(index, status, location):
            class Hook(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                    emit(receiver=index, kind="request", path=self.path, body=body,
                         headers={k.lower(): v for k, v in self.headers.items()})
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", ports[index]), Hook, bind_and_activate=False)
            server.socket.close()
            server.socket = sockets[index]
            server.daemon_threads = True
            return server.serve_forever
        def silent(index):
            def loop():
                while True:
                    connection, _ = sockets[index].accept()
                    emit(receiver=index, kind="accepted")
                    def hold(connection=connection):
                        try:
                            while connection.recv(65536):
                                pass
                        except OSError:
                            pass
                        emit(receiver=index, kind="closed")
                    threading.Thread(target=hold, daemon=True).start()
            return loop
        loops = []
        for index, spec in enumerate(specs):
            if spec["mode"] == "answer":
                loops.append(answering(index, spec["status"], None))
            elif spec["mode"] == "redirect":
                loops.append(answering(index, 302, "http://localhost:%d/elsewhere" % ports[spec["to"]]))
            else:
                loops.append(silent(index))
        emit(ports=ports)
        threads = [threading.Thread(target=loop, daemon=True) for loop in loops]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        """#
}
