import Foundation
import Synchronization

/// A real SMTP server for tests: `Tests/Peers/smtp_peer.py` (aiosmtpd) in the project's Python
/// venv, on 127.0.0.1, with a certificate authority of its own made at start.
///
/// The peer prints a line for each message it accepts and each connection that ends; a test
/// waits for those lines (``nextMessage(timeout:)``, ``nextSession(timeout:)``), never for
/// time to pass. The process is killed by ``stop()`` or when the value goes away, and exits
/// by itself when this process does (its standard input closes).
public final class SMTPPeer: @unchecked Sendable {
    /// How the peer behaves.
    public struct Options: Sendable {
        /// Offer STARTTLS (with the peer's certificate).
        public var offerStartTLS = true
        /// Refuse MAIL and what follows with 530 until STARTTLS.
        public var requireStartTLS = false
        /// Speak TLS from the first byte, as on port 465.
        public var implicitTLS = false
        /// The only user and password AUTH accepts, and only over TLS; `nil` refuses everyone.
        public var login: (user: String, password: String)?
        /// The names and addresses the certificate carries; empty for `localhost` and `127.0.0.1`.
        public var certificateNames: [String] = []
        /// Recipients whose RCPT TO is answered with a refusal.
        public var refusedRecipients: [RecipientRefusal] = []
        /// Accept connections and never answer.
        public var hangAfterConnect = false
        /// Close the connection when DATA comes.
        public var dropAtData = false

        public init() {}
    }

    /// A recipient the peer refuses: `code` (450, 550…) for the first `times` tries, or always.
    public struct RecipientRefusal: Sendable {
        public var address: String
        public var code: Int
        public var times: Int?

        public init(_ address: String, code: Int, times: Int? = nil) {
            self.address = address
            self.code = code
            self.times = times
        }
    }

    /// A message the peer accepted, as Python's `email` package (policy.default) reads it.
    public struct Message: Sendable, Decodable {
        public let session: Int
        public let mailFrom: String
        public let rcptTos: [String]
        /// The parameters after `MAIL FROM:<…>`, such as `BODY=8BITMIME`.
        public let mailOptions: [String]
        /// Whether the message came over TLS (STARTTLS or implicit).
        public let tls: Bool
        /// Who logged in with AUTH, if anyone.
        public let authUser: String?
        /// Each header field as [name, decoded value], in order.
        public let headers: [[String]]
        /// The mailboxes of From, To and Reply-To.
        public let addresses: [String: [Mailbox]]
        /// The MIME tree, such as `multipart/alternative(text/plain, text/html)`.
        public let structure: String
        /// What the parser found wrong with the message as a whole.
        public let defects: [String]
        /// The leaf parts, in order.
        public fileprivate(set) var parts: [Part]
        /// The path of the message exactly as received (gone once the peer is).
        public let eml: String
        /// The message exactly as received.
        public fileprivate(set) var raw = ""

        private enum CodingKeys: String, CodingKey {
            case session, mailFrom, rcptTos, mailOptions, tls, authUser, headers, addresses, structure, defects, parts, eml
        }

        /// The decoded value of the first field `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }?.last
        }
    }

    /// A display name and address as the peer's parser split them.
    public struct Mailbox: Sendable, Decodable, Hashable {
        public let displayName: String
        public let address: String

        public init(displayName: String, address: String) {
            self.displayName = displayName
            self.address = address
        }
    }

    /// A leaf MIME part.
    public struct Part: Sendable, Decodable {
        public let contentType: String
        public let contentId: String?
        public let charset: String?
        public let transferEncoding: String?
        public let disposition: String?
        public let filename: String?
        public let defects: [String]
        /// The decoded text of a text part, line ends as LF.
        public let text: String?
        /// The file holding a binary part's decoded bytes (gone once the peer is).
        public let path: String?
        /// A binary part's decoded bytes.
        public fileprivate(set) var data: Data?

        private enum CodingKeys: String, CodingKey {
            case contentType, contentId, charset, transferEncoding, disposition, filename, defects, text, path
        }
    }

    /// A connection that ended.
    public struct Session: Sendable, Decodable {
        public let session: Int
        /// The commands' verbs in order (`EHLO`, `STARTTLS`, `AUTH PLAIN`, `MAIL`…), never their arguments.
        public let commands: [String]
        public let tls: Bool
        public let authUser: String?
    }

    /// The peer's port on 127.0.0.1.
    public let port: Int
    /// The PEM of the peer's own certificate authority, to trust as a CA file.
    public let caFile: String
    private let process: Process
    private let input: Pipe
    private let output: PeerOutput
    private let folder: TemporaryDirectory

    /// Starts a peer behaving as `options` say and waits for it to listen.
    public init(_ options: Options = Options(), startTimeout: Duration = .seconds(60)) async throws {
        let root = PythonVenv.root
        let python = try await PythonVenv.python()
        folder = try TemporaryDirectory()
        var arguments = ["-u", root.appendingPathComponent("Tests/Peers/smtp_peer.py").path, "--output", folder.url.path]
        if !options.offerStartTLS { arguments.append("--no-starttls") }
        if options.requireStartTLS { arguments.append("--require-starttls") }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if let login = options.login { arguments += ["--auth", "\(login.user):\(login.password)"] }
        for name in options.certificateNames { arguments += ["--cert-name", name] }
        for refusal in options.refusedRecipients {
            arguments += ["--refuse-rcpt", "\(refusal.address)=\(refusal.code)" + (refusal.times.map { ":\($0)" } ?? "")]
        }
        if options.hangAfterConnect { arguments.append("--hang") }
        if options.dropAtData { arguments.append("--drop-at-data") }

        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        input = Pipe()
        process.standardInput = input
        output = PeerOutput()
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        output.follow(standardOutput.fileHandleForReading, standardError.fileHandleForReading)
        try process.run()

        let ready: String
        do {
            ready = try await output.next("READY", timeout: startTimeout)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw error
        }
        let words = ready.split(separator: " ", maxSplits: 1).map(String.init)
        guard words.count == 2, let port = Int(words[0]) else {
            kill(process.processIdentifier, SIGKILL)
            throw SMTPPeerError("the SMTP peer said 'READY \(ready)', not 'READY <port> <ca-file>'")
        }
        self.port = port
        caFile = words[1]
    }

    deinit {
        stop()
    }

    /// The next message the peer accepts, waiting up to `timeout` for it.
    public func nextMessage(timeout: Duration = .seconds(30)) async throws -> Message {
        let number = try await output.next("MESSAGE", timeout: timeout)
        let data = try Data(contentsOf: folder.url.appendingPathComponent("\(number).json"))
        // Read the files now: they go with the peer's folder, and a test may outlive the peer.
        var message = try Self.decoder.decode(Message.self, from: data)
        message.raw = try String(contentsOfFile: message.eml, encoding: .utf8)
        for index in message.parts.indices {
            if let path = message.parts[index].path {
                message.parts[index].data = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return message
    }

    /// The next connection to end, waiting up to `timeout` for it.
    public func nextSession(timeout: Duration = .seconds(30)) async throws -> Session {
        try Self.decoder.decode(Session.self, from: Data(try await output.next("SESSION", timeout: timeout).utf8))
    }

    /// Kills the peer (SIGKILL: the test runner blocks SIGTERM, and its children inherit the mask).
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? input.fileHandleForWriting.close()
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}

/// Why the SMTP peer could not start or answer.
public struct SMTPPeerError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The peer's standard output as lines by their first word, for tests to wait on, and the
/// end of its standard error, for saying why it died.
private final class PeerOutput: Sendable {
    private struct State {
        var lines: [String: [String]] = [:]
        var partial = ""
        var errors = ""
        var waiters: [UUID: Waiter] = [:]
        var outputClosed = false
        var errorsClosed = false
        /// Both streams closed: the peer exited, and all it said is in `errors`.
        var exited: Bool { outputClosed && errorsClosed }
    }

    private struct Waiter {
        let kind: String
        let continuation: CheckedContinuation<String, any Error>
        let timer: Task<Void, Never>
    }

    private let state = Mutex(State())

    /// Reads both streams to their ends (see ``readToEnd(_:chunk:end:)``).
    func follow(_ output: FileHandle, _ errors: FileHandle) {
        readToEnd(output, chunk: { [self] data in append(String(decoding: data, as: UTF8.self)) },
                  end: { [self] in finish { $0.outputClosed = true } })
        readToEnd(errors, chunk: { [self] data in
            state.withLock { $0.errors = String(($0.errors + String(decoding: data, as: UTF8.self)).suffix(4000)) }
        }, end: { [self] in finish { $0.errorsClosed = true } })
    }

    /// The rest of the next line starting with `kind`, waiting up to `timeout` for it.
    func next(_ kind: String, timeout: Duration) async throws -> String {
        let id = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let immediate: Result<String, any Error>? = state.withLock { state in
                    if let line = state.lines[kind]?.first {
                        state.lines[kind]!.removeFirst()
                        return .success(line)
                    }
                    if state.exited { return .failure(exitError(state)) }
                    let timer = Task { [self] in
                        try? await Task.sleep(for: timeout)
                        if !Task.isCancelled {
                            resume(id, with: .failure(SMTPPeerError(
                                "the SMTP peer printed no \(kind) line within \(timeout)\(stderrNote(state: nil))")))
                        }
                    }
                    state.waiters[id] = Waiter(kind: kind, continuation: continuation, timer: timer)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            resume(id, with: .failure(CancellationError()))
        }
    }

    private func append(_ chunk: String) {
        let woken: [(Waiter, String)] = state.withLock { state in
            var parts = (state.partial + chunk).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            state.partial = parts.removeLast()
            for line in parts where !line.isEmpty {
                let words = line.split(separator: " ", maxSplits: 1)
                state.lines[String(words[0]), default: []].append(words.count > 1 ? String(words[1]) : "")
            }
            var woken: [(Waiter, String)] = []
            for (id, waiter) in state.waiters.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
                if let line = state.lines[waiter.kind]?.first {
                    state.lines[waiter.kind]!.removeFirst()
                    state.waiters[id] = nil
                    woken.append((waiter, line))
                }
            }
            return woken
        }
        for (waiter, line) in woken {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: line)
        }
    }

    /// Notes a stream's end; once both ended, fails every wait with what the peer said.
    private func finish(_ close: @Sendable (inout State) -> Void) {
        let (waiters, error): ([Waiter], SMTPPeerError) = state.withLock { state in
            close(&state)
            guard state.exited else { return ([], exitError(state)) }
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            return (waiters, exitError(state))
        }
        for waiter in waiters {
            waiter.timer.cancel()
            waiter.continuation.resume(throwing: error)
        }
    }

    private func resume(_ id: UUID, with result: Result<String, any Error>) {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) else { return }
        waiter.timer.cancel()
        waiter.continuation.resume(with: result)
    }

    private func exitError(_ state: State) -> SMTPPeerError {
        SMTPPeerError("the SMTP peer exited" + (state.errors.isEmpty ? "" : "; it said: \(state.errors)"))
    }

    private func stderrNote(state: State?) -> String {
        let errors = state?.errors ?? self.state.withLock { $0.errors }
        return errors.isEmpty ? "" : "; it said: \(errors)"
    }
}
