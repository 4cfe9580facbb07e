import Foundation
import Media
import MediaTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The server under load, as a real `dailies serve` process: bounded threads whatever the
/// number of frame grabs, and a passphrase storm that does not hold other requests up.
/// Answers and counts are asserted, never times.
@Suite("Serving many at once", .serialized)
struct ServingTests {
    init() { Libav.setLogLevel(.quiet) }

    /// The most threads a `dailies serve` process may have, whatever the load (documented in
    /// the README): NIO's event loops and the Swift task pool (one per core each), the
    /// catalog's SQLite threads (readers + writer), the blocking pool, and a fixed handful
    /// (main, signals, the worker supervisor, Foundation).
    static var threadBound: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return 2 * cores + (4 + 1) + min(8, max(2, cores)) + 16
    }

    @Test("100 frame grabs at once, then 10 viewers stepping: the thread count stays bounded, and each grab gets its JPEG or a 503 with Retry-After")
    func boundedGrabs() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--frame-grab-limit", "8"])
        let api = server.api
        let (session, item, reviewer) = try await Self.sessionWithMedia(api, fixture: "h264-bframes-23976-editlist.mp4")

        // What a player needs, exact: 84 frames shown at 24000/1001, so 84 × 1001/24000 s.
        let detail = try await reviewer.send("GET", "/api/v1/review/sessions/\(session)/items/\(item)")
        let media = try #require(detail.json["media"] as? [String: Any], "\(detail.text)")
        #expect(media["frame_count"] as? Int == 84 && media["rate"] as? String == "24000/1001")
        #expect(media["duration"] as? String == "7007/2000" && media["first_frame_number"] as? Int == 0)
        #expect(media["width"] as? Int == 640 && media["height"] as? Int == 360 && media["pixel_aspect"] as? String == "1/1")
        let proxyURL = try #require(media["proxy_url"] as? String)
        #expect(proxyURL.hasSuffix("/items/\(item)/playback"))
        // The player's route answers ranges inline, as a browser's <video> asks for them.
        let range = try await reviewer.send("GET", proxyURL, headers: ["Range": "bytes=0-99"])
        #expect(range.status == 206 && range.body.count == 100 && range.headers["content-disposition"] == "inline"
                && range.headers["content-type"] == "video/mp4", "\(range.status) \(range.headers)")
        #expect((media["filmstrip"] as? [String: Any])?["frame_count"] as? Int == 84)

        let before = try Self.threads(of: server)
        let sampling = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, (try? Self.threads(of: server)) ?? 0)
                try? await Task.sleep(for: .milliseconds(10))
            }
            return peak
        }
        let frames = (0..<100).map { $0 * 5 % 84 }
        let answers = try await withThrowingTaskGroup(of: (Int, ReviewClient.Answer).self) { group in
            for frame in frames {
                group.addTask {
                    (frame, try await reviewer.send("GET", "/api/v1/review/sessions/\(session)/items/\(item)/frames/\(frame)?width=320"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Then 10 viewers at once, each stepping through 8 frames one after another: a grabber
        // given back after a step reads the next frame ahead, on Dispatch's threads.
        let steps = try await withThrowingTaskGroup(of: [(Int, ReviewClient.Answer)].self) { group in
            for viewer in 0..<10 {
                group.addTask {
                    var answers: [(Int, ReviewClient.Answer)] = []
                    for frame in (viewer * 7)..<(viewer * 7 + 8) {
                        answers.append((frame, try await reviewer.send(
                            "GET", "/api/v1/review/sessions/\(session)/items/\(item)/frames/\(frame)?width=320")))
                    }
                    return answers
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        sampling.cancel()
        let peak = max(await sampling.value, try Self.threads(of: server))

        var grabbed = 0
        for (frame, answer) in answers {
            if answer.status == 200 {
                #expect(answer.headers["content-type"] == "image/jpeg" && answer.body.prefix(2) == Data([0xFF, 0xD8]))
                grabbed += 1
                if grabbed <= 5 {
                    // A few are read back: the picture is the frame asked for.
                    let path = directory.path("frame-\(frame)-grab.jpg")
                    try answer.body.write(to: URL(fileURLWithPath: path))
                    let picture = try #require(try VideoFrameReader(path).next(.gray8)).picture
                    #expect(FrameBarcode.read(picture)?.index == frame)
                }
            } else {
                #expect(answer.status == 503 && Int(answer.headers["retry-after"] ?? "") ?? 0 >= 1,
                        "a grab is a JPEG or a 503 with Retry-After, not \(answer.status) \(answer.text)")
            }
        }
        var stepped = 0
        for (frame, answer) in steps {
            if answer.status == 200 {
                let path = directory.path("step-\(frame)-grab.jpg")
                try answer.body.write(to: URL(fileURLWithPath: path))
                let picture = try #require(try VideoFrameReader(path).next(.gray8)).picture
                #expect(FrameBarcode.read(picture)?.index == frame, "a step to frame \(frame)")
                stepped += 1
            } else {
                #expect(answer.status == 503, "a step is a JPEG or a 503, not \(answer.status) \(answer.text)")
            }
        }
        #expect(stepped >= 40, "\(stepped) of 80 steps answered")
        print("grabs: \(grabbed) JPEGs, \(answers.count - grabbed) refused; steps: \(stepped) of 80; threads \(before) idle, \(peak) peak, bound \(Self.threadBound)")
        #expect(grabbed >= 8, "the grabs the lane admits all succeed")
        #expect(peak <= Self.threadBound, "\(before) threads idle, \(peak) at the peak; the bound is \(Self.threadBound)")
        #expect(server.stop() == 0)
    }

    @Test("while 50 wrong passphrases are tried at once, other requests complete with the right answers")
    func passphraseStorm() async throws {
        let directory = try TemporaryDirectory()
        // The storm comes from many addresses (X-Forwarded-For, believed from loopback here), so
        // the per-address throttle does not simply turn it away: the passphrases are hashed.
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--trusted-proxy", "127.0.0.1"])
        let api = server.api
        let (project, version) = try await api.makeVersion()
        let guarded = try #require(try await api.send("POST", "/api/v1/projects/\(project)/sessions", json: [
            "title": "Guarded", "settings": ["require_passphrase": true], "passphrase": "north light",
            "version_ids": [version]]).json["id"] as? String)
        var tokens: [String] = []
        for index in 0..<10 {
            tokens.append(try await Self.inviteToken(api, session: guarded, name: "Guest \(index)"))
        }
        let open = try #require(try await api.send("POST", "/api/v1/projects/\(project)/sessions", json: [
            "title": "Open", "version_ids": [version]]).json["id"] as? String)
        let reviewer = ReviewClient(base: server.url, address: "203.0.113.200")
        #expect(try await reviewer.send("POST", "/api/v1/review/access", json: [
            "token": try await Self.inviteToken(api, session: open, name: "Reviewer")]).status == 200)

        enum Outcome: Sendable { case storm(Int, String?), other(String, Int, Bool) }
        let links = tokens
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for attempt in 0..<50 {
                group.addTask {
                    let guesser = ReviewClient(base: server.url, address: "198.51.100.\(attempt + 1)")
                    let answer = try await guesser.send("POST", "/api/v1/review/access", json: [
                        "token": links[attempt % links.count], "passphrase": "guess \(attempt)"])
                    return .storm(answer.status, answer.errorCode)
                }
            }
            for round in 0..<10 {
                group.addTask {
                    let health = try await reviewer.send("GET", "/healthz")
                    return .other("healthz \(round)", health.status, health.json["status"] as? String == "ok")
                }
                group.addTask {
                    let items = try await reviewer.send("GET", "/api/v1/review/sessions/\(open)/items")
                    return .other("items \(round)", items.status, (items.json["data"] as? [Any])?.count == 1)
                }
                group.addTask {
                    let projects = try await api.send("GET", "/api/v1/projects")
                    return .other("projects \(round)", projects.status, (projects.json["data"] as? [Any])?.count == 1)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var evaluated = 0
        for outcome in outcomes {
            switch outcome {
            case .storm(let status, let code):
                #expect((status == 403 && code == "passphrase_wrong") || (status == 429 && code == "too_many_attempts"),
                        "\(status) \(code ?? "")")
                if status == 403 { evaluated += 1 }
            case .other(let what, let status, let right):
                #expect(status == 200 && right, "\(what): \(status)")
            }
        }
        print("storm: \(evaluated) of 50 passphrases checked, the rest refused at once")
        #expect(evaluated >= 2, "the storm's passphrases were really checked")

        // A real guest behind one of the guessing addresses is held back briefly, not for long.
        let guest = ReviewClient(base: server.url, address: "198.51.100.1")
        var answer = try await guest.send("POST", "/api/v1/review/access", json: ["token": tokens[0], "passphrase": "north light"])
        if answer.status == 429 {
            let wait = try #require(Int(answer.headers["retry-after"] ?? ""))
            #expect(wait <= 60)
            try await Task.sleep(for: .seconds(wait))
            answer = try await guest.send("POST", "/api/v1/review/access", json: ["token": tokens[0], "passphrase": "north light"])
        }
        #expect(answer.status == 200, "\(answer.status) \(answer.text)")
        #expect(server.stop() == 0)
    }

    // MARK: Helpers

    /// The Threads line of the process's status.
    static func threads(of server: ServeProcess) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Threads:") })
        return try #require(Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? ""))
    }

    /// A collaborator's invite token, from the link the API issues.
    static func inviteToken(_ api: StaffAPI, session: String, name: String) async throws -> String {
        let invite = try await api.send("POST", "/api/v1/sessions/\(session)/collaborators", json: ["name": name])
        let url = try #require(invite.json["invite_url"] as? String, "\(invite.json)")
        return String(url.split(separator: "/").last ?? "")
    }

    /// A version with media from `fixture`, in a session, and a collaborator let in to it.
    static func sessionWithMedia(_ api: StaffAPI, fixture: String) async throws
        -> (session: String, item: String, reviewer: ReviewClient)
    {
        let (project, version) = try await api.makeVersion()
        let upload = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=\(fixture)",
                                        file: URL(fileURLWithPath: Fixture.path(fixture)))
        #expect(upload.status == 202)
        #expect(try await api.waitForMedia(version)["media_state"] as? String == "ready")
        let session = try #require(try await api.send("POST", "/api/v1/projects/\(project)/sessions", json: [
            "title": "Dailies", "version_ids": [version]]).json["id"] as? String)
        let reviewer = ReviewClient(base: api.base, address: nil)
        let entered = try await reviewer.send("POST", "/api/v1/review/access", json: [
            "token": try await inviteToken(api, session: session, name: "Dana")])
        #expect(entered.status == 200)
        let items = try await reviewer.send("GET", "/api/v1/review/sessions/\(session)/items")
        let item = try #require((items.json["data"] as? [[String: Any]])?.first?["id"] as? String)
        return (session, item, reviewer)
    }
}

/// A collaborator's browser: keeps its access cookie, and says where it is from when told to.
final class ReviewClient: @unchecked Sendable {
    let base: String
    let address: String?
    private let lock = NSLock()
    private var cookie: String?

    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body.prefix(500), as: UTF8.self) }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpMaximumConnectionsPerHost = 100
        configuration.timeoutIntervalForRequest = 300
        return URLSession(configuration: configuration)
    }()

    init(base: String, address: String?) {
        self.base = base
        self.address = address
    }

    func send(_ method: String, _ path: String, json: Any? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let address { request.setValue(address, forHTTPHeaderField: "X-Forwarded-For") }
        if let cookie = lock.withLock({ cookie }) { request.setValue("dailies_access=\(cookie)", forHTTPHeaderField: "Cookie") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        if let setCookie = fields["set-cookie"], setCookie.hasPrefix("dailies_access=") {
            let value = String(setCookie.dropFirst("dailies_access=".count).prefix { $0 != ";" })
            lock.withLock { cookie = value.isEmpty ? nil : value }
        }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }
}
