import Catalog
import MediaTestSupport
import Foundation
import Logging
import NIOCore
import Pipeline
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import ReviewServer

/// A real Dailies server on a loopback port, over a fresh catalog, for one test.
struct TestServer {
    let baseURL: String
    let catalog: Catalog
    let dataDirectory: String
    /// The first admin's API key.
    let adminKey: String

    /// The port the server listens on.
    var port: Int { Int(baseURL.split(separator: ":").last ?? "") ?? 0 }

    /// Runs `body` against a server started for it, then stops the server and removes its data.
    ///
    /// - Parameter mail: how a worker beside the server (running only notify and mail jobs,
    ///   in this process) delivers mail; `nil` (the default): no such worker, mail waits in the
    ///   outbox, and nothing polls the queue beside the tests' own requests.
    ///
    /// - Parameter publicURL: where people reach the server; `https://…` makes cookies `Secure`.
    ///
    /// - Parameter sharing: another test server whose catalog (opened anew, as a second
    ///   server process would) and data directory this one serves too; its admin's key works here.
    static func run(mail: MailSettings? = nil, trustedProxies: [String] = ["127.0.0.1"],
                    room: RoomSettings = RoomSettings(), publicURL: String = "http://review.test",
                    testDropUploadAfter: Int64? = nil,
                    sharing other: TestServer? = nil, _ body: (TestServer) async throws -> Void) async throws {
        let directory = other?.dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("dailies-server-\(UUID().uuidString)").path
        defer { if other == nil { try? FileManager.default.removeItem(atPath: directory) } }
        // Many passphrase hashes in an unoptimized build: the cheap cost (the catalog's own tests use the real one).
        let catalog = if let other {
            try await Catalog.open(other.catalog.address, passphraseCost: .testing)
        } else {
            try await TestCatalogs.open(dataDirectory: directory, passphraseCost: .testing)
        }
        let key = if let other { other.adminKey } else {
            try await catalog.createStaffUser(name: "Admin", email: "admin@studio.example", isAdmin: true).1.value
        }
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        // The test clients stand for many people: each says where it is through X-Forwarded-For,
        // believed from loopback only, so per-address throttles see them apart.
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory,
                                                publicURL: publicURL, trustedProxies: trustedProxies)
        configuration.room = room
        configuration.testDropUploadAfter = testDropUploadAfter
        // The test WebSocket client names its own origin, ws://127.0.0.1, beside any the test gives.
        configuration.allowedOrigins = ["ws://127.0.0.1"]
        let application = try await buildApplication(configuration, catalog: catalog, logger: logger) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        do {
            var mailWorker: PipelineWorker?
            if let mail {
                var settings = PipelineWorker.Configuration(idlePoll: .milliseconds(100))
                settings.kinds = [.notify, .mail]
                settings.mail = try mail.delivery(dataDirectory: directory)
                mailWorker = PipelineWorker(catalog: catalog, store: try LocalBlobStore(dataDirectory: directory),
                                            configuration: settings, logger: logger)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await application.run() }
                if let mailWorker { group.addTask { try await mailWorker.run() } }
                defer { mailWorker?.stop() }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
                try await body(TestServer(baseURL: "http://127.0.0.1:\(port)", catalog: catalog, dataDirectory: directory,
                                          adminKey: key))
                group.cancelAll()
            }
        } catch {
            try? await catalog.close()
            throw error
        }
        try await catalog.close()
    }

    /// Waits (up to 60 s) until the outbox's mails, newest first, satisfy `done`, and answers them.
    func waitForOutbox(_ done: ([OutboxMail]) -> Bool) async throws -> [OutboxMail] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let mails = try await catalog.outbox(page: .all).items
            if done(mails) { return mails }
            guard ContinuousClock.now < deadline else { throw TestFailure("the outbox did not get there: \(mails)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A client with no credentials.
    var anonymous: TestClient { TestClient(baseURL: baseURL) }
    /// A client with the admin's API key.
    var admin: TestClient { TestClient(baseURL: baseURL, apiKey: adminKey) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An HTTP answer: status, headers, and the body as JSON when it is.
struct TestResponse: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var data: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
    func string(_ key: String) -> String? { json[key] as? String }

    /// Each Set-Cookie header whole (`name=value; Path=/; …`): Foundation joins them with ", ",
    /// which no cookie value or attribute the server sets contains.
    var setCookies: [String] {
        headers["set-cookie"].map { $0.components(separatedBy: ", ") } ?? []
    }

    /// The Set-Cookie header of the cookie `name`.
    func setCookie(_ name: String) -> String? { setCookies.first { $0.hasPrefix(name + "=") } }
}

/// A client that keeps its own cookies, like one browser.
final class TestClient: @unchecked Sendable {
    let baseURL: String
    let apiKey: String?
    /// The cookies the server set, by name (a cookie set empty is dropped).
    private(set) var cookies: [String: String]
    /// The access cookie's value, once set.
    var cookie: String? { lock.withLock { cookies["dailies_access"] } }
    private let lock = NSLock()
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    /// The address this client stands for (sent as `X-Forwarded-For`): one of its own.
    let address: String

    /// Whether it sends the CSRF cookie's token as `X-CSRF-Token` with every change, as the
    /// staff pages' script does.
    let sendsCSRF: Bool

    init(baseURL: String, apiKey: String? = nil, cookie: String? = nil, cookies: [String: String] = [:], sendsCSRF: Bool = false) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.sendsCSRF = sendsCSRF
        self.cookies = cookies
        if let cookie { self.cookies["dailies_access"] = cookie }
        let next = TestClient.addresses.withLock { count -> Int in
            count += 1
            return count
        }
        // Documentation ranges (RFC 5737): never a real client.
        address = "198.51.\(next / 250 % 250).\(next % 250 + 1)"
    }

    private static let addresses = Mutex(0)

    /// Sends `method path` with `json` (an object to serialize, or raw text) or `bytes` as the body.
    @discardableResult
    func send(_ method: String, _ path: String, json: Any? = nil, raw: String? = nil, bytes: Data? = nil,
              headers: [String: String] = [:]) async throws -> TestResponse
    {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let jar = lock.withLock { cookies }
        if !jar.isEmpty {
            request.setValue(jar.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
                             forHTTPHeaderField: "Cookie")
        }
        request.setValue(address, forHTTPHeaderField: "X-Forwarded-For")
        if sendsCSRF, !["GET", "HEAD"].contains(method), let token = jar["dailies_csrf"] {
            request.setValue(token, forHTTPHeaderField: "X-CSRF-Token")
        }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let raw {
            // Raw text is sent as JSON too, unless the test says otherwise below.
            request.httpBody = Data(raw.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let bytes {
            request.httpBody = bytes
            request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestFailure("not an HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        for setCookie in TestResponse(status: http.statusCode, headers: fields, body: data).setCookies {
            let value = String(setCookie.split(separator: ";")[0].drop { $0 != "=" }.dropFirst())
            let name = String(setCookie.prefix { $0 != "=" })
            lock.withLock { cookies[name] = value.isEmpty ? nil : value }
        }
        return TestResponse(status: http.statusCode, headers: fields, body: data)
    }

    /// Drops the cookie `name`, as a browser whose cookie expired would.
    func forget(_ name: String) {
        _ = lock.withLock { cookies.removeValue(forKey: name) }
    }

    func get(_ path: String) async throws -> TestResponse { try await send("GET", path) }
    func post(_ path: String, _ json: Any? = nil) async throws -> TestResponse { try await send("POST", path, json: json ?? [:]) }
    func patch(_ path: String, _ json: Any) async throws -> TestResponse { try await send("PATCH", path, json: json) }
    func put(_ path: String, _ json: Any) async throws -> TestResponse { try await send("PUT", path, json: json) }
    func delete(_ path: String) async throws -> TestResponse { try await send("DELETE", path) }
}
