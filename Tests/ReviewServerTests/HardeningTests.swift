import Catalog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import ReviewServer

/// What an outside review of the running server found, each fixed and held here: logout
/// that revokes, uploads that cannot interleave, names and bodies checked, joins throttled,
/// addresses believed only from trusted proxies, settings that cannot lock everyone out.
@Suite("Hardening")
struct HardeningTests {
    @Test("logging out ends the cookie's access at once, and revoking ends every browser's")
    func logoutRevokes() async throws {
        try await TestServer.run { server in
            let (sessionID, token) = try await Self.sessionWithCollaborator(server)
            let browser = server.anonymous
            #expect(try await browser.post("/api/v1/review/access", ["token": token]).status == 200)
            let cookie = try #require(browser.cookie)
            #expect(try await browser.get("/api/v1/review/sessions/\(sessionID)").status == 200)
            #expect(try await browser.post("/api/v1/review/logout").status == 204)
            // The same cookie, replayed after logout (as a thief who copied it would).
            let replay = TestClient(baseURL: server.baseURL, cookie: cookie)
            let answer = try await replay.get("/api/v1/review/sessions/\(sessionID)")
            #expect(answer.status == 401 && answer.errorCode == "invalid_token", "\(answer.status) \(answer.errorCode ?? "")")

            // Two browsers of one collaborator; staff revoke them; restoring takes a new invite.
            let first = server.anonymous, second = server.anonymous
            #expect(try await first.post("/api/v1/review/access", ["token": token]).status == 200)
            #expect(try await second.post("/api/v1/review/access", ["token": token]).status == 200)
            let collaborator = try #require(try await server.catalog.collaborators(sessionID: sessionID).first)
            _ = try await server.catalog.updateCollaborator(sessionID: sessionID, id: collaborator.id,
                                                             CollaboratorUpdate(revoked: true))
            _ = try await server.catalog.updateCollaborator(sessionID: sessionID, id: collaborator.id,
                                                             CollaboratorUpdate(revoked: false))
            for browser in [first, second] {
                #expect(try await browser.get("/api/v1/review/sessions/\(sessionID)").status == 401)
            }
        }
    }

    @Test("two chunks of one resumable upload at once: the second gets 409, and the upload holds exactly the first")
    func uploadRace() async throws {
        try await TestServer.run { server in
            let staff = server.admin
            let project = try #require(try await staff.post("/api/v1/projects", ["name": "Race"]).string("id"))
            let version = try #require(try await staff.post("/api/v1/projects/\(project)/versions", ["name": "sh010"]).string("id"))
            let created = try await staff.post("/api/v1/versions/\(version)/uploads", ["file_name": "race.mov", "size": 20])
            let upload = try #require(created.string("id"))

            // The first chunk's headers and half its body arrive; it is still being received...
            let slow = try RawHTTPConnection(port: server.port)
            try slow.send("""
                PATCH /api/v1/uploads/\(upload) HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(server.adminKey)\r
                Upload-Offset: 0\r
                Content-Length: 10\r
                \r
                AAAAA
                """)
            // Waited for by its bytes reaching the upload's file, not by a time a loaded machine may overrun.
            let partial = server.dataDirectory + "/tmp/upload-\(upload.lowercased())"
            let deadline = ContinuousClock.now + .seconds(30)
            while ((try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0) < 5 {
                guard ContinuousClock.now < deadline else { throw TestFailure("the first chunk's bytes never arrived") }
                try await Task.sleep(for: .milliseconds(10))
            }
            // ...when a second chunk for the same offset comes.
            let second = try await staff.send("PATCH", "/api/v1/uploads/\(upload)", raw: "BBBBBBBBBB",
                                              headers: ["Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"])
            #expect(second.status == 409 && second.errorCode == "upload_busy", "\(second.status) \(second.errorCode ?? "")")
            try slow.send("AAAAA")
            let first = await slow.response()
            #expect(first.hasPrefix("HTTP/1.1 200"), "\(first.prefix(200))")
            let state = try await staff.get("/api/v1/uploads/\(upload)")
            #expect(state.json["offset"] as? Int == 10)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: server.dataDirectory + "/tmp/upload-\(upload.lowercased())"))
            #expect(bytes == Data("AAAAAAAAAA".utf8), "only the first chunk's bytes, in order")
        }
    }

    @Test("uploads: names are checked as for resumable uploads, and a body shorter than its Content-Length is a 400")
    func uploadInput() async throws {
        try await TestServer.run { server in
            let staff = server.admin
            let project = try #require(try await staff.post("/api/v1/projects", ["name": "Names"]).string("id"))
            let version = try #require(try await staff.post("/api/v1/projects/\(project)/versions", ["name": "sh010"]).string("id"))
            for name in [String(repeating: "n", count: 60_000), "a\u{0}b.mov", "../../etc/passwd", "sub/dir.mov", "two\nlines.mov"] {
                let escaped = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
                let answer = try await staff.send("PUT", "/api/v1/versions/\(version)/media?filename=\(escaped)", raw: "bytes")
                #expect(answer.status == 400 && answer.errorCode == "invalid_field", "\(name.prefix(20)): \(answer.status)")
            }
            let short = try RawHTTPConnection(port: server.port)
            try short.send("""
                PUT /api/v1/versions/\(version)/media?filename=short.mov HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(server.adminKey)\r
                Content-Length: 1000\r
                \r
                only forty bytes of the thousand promised
                """)
            short.finishSending()
            let answer = await short.response()
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(300))")
            #expect(answer.contains("incomplete_body"))
            #expect(try await server.catalog.components(versionID: UUID(uuidString: version)!).isEmpty, "nothing registered")
        }
    }

    @Test("joins through a shareable link are throttled per address, not per link")
    func joinThrottle() async throws {
        try await TestServer.run { server in
            let (sessionID, _) = try await Self.sessionWithCollaborator(server)
            let share = try await server.catalog.rotateShareLink(sessionID: sessionID)
            let visitor = server.anonymous
            var statuses: [Int] = []
            for index in 0..<22 {
                statuses.append(try await visitor.post("/api/v1/review/join",
                                                       ["share_token": share.value, "name": "Visitor \(index)"]).status)
            }
            #expect(statuses == Array(repeating: 200, count: 20) + [429, 429], "\(statuses)")
            // Someone else on the same link is not held back.
            #expect(try await server.anonymous.post("/api/v1/review/join", ["share_token": share.value, "name": "Other"]).status == 200)
            #expect(try await server.catalog.collaborators(sessionID: sessionID).count == 1 + 20 + 1)
        }
    }

    @Test("trusted proxies are addresses or CIDR blocks, matched in IPv4 and IPv6 alike")
    func trustedProxies() throws {
        let proxies = try #require(TrustedProxies(["10.0.0.0/8", "::1", "192.168.1.7"]))
        #expect(proxies.contains("10.200.3.4") && !proxies.contains("11.0.0.1"))
        #expect(proxies.contains("::1") && !proxies.contains("::2"))
        #expect(proxies.contains("::ffff:192.168.1.7"), "IPv4-mapped IPv6 is the same address")
        #expect(!proxies.contains("not an address"))
        #expect(TrustedProxies(["300.1.1.1"]) == nil && TrustedProxies(["10.0.0.0/33"]) == nil && TrustedProxies(["proxy"]) == nil)
        #expect(ServerConfiguration.isAddressOrRange("127.0.0.1") && !ServerConfiguration.isAddressOrRange("localhost"))
    }

    @Test("X-Forwarded-For from a peer that is not a trusted proxy is ignored: a guesser cannot change address by saying so")
    func spoofedForwardedFor() async throws {
        try await TestServer.run(trustedProxies: []) { server in
            // One guesser who claims a new address each time.
            let statuses = try await Self.guessPassphrases(on: [server]) { "203.0.113.\($0 + 1)" }
            #expect(statuses == [403, 403, 403, 403, 403, 429], "one address, whatever it claims: \(statuses)")
        }
    }

    /// Six wrong passphrases, one on each of six new links (made on the first server), sent in
    /// turn to each of `servers`, from the address `claiming` names for each guess (believed
    /// only from a trusted proxy): the answers' statuses, in order. The links are made first:
    /// the guesses come within the throttle's first wait (2 s), however long making a link takes.
    static func guessPassphrases(on servers: [TestServer], claiming: (Int) -> String) async throws -> [Int] {
        var worlds: [AccessMatrixTests.World] = []
        for _ in 0..<6 {
            worlds.append(try await AccessMatrixTests.makeWorld(servers[0], state: .passphraseMissing))
        }
        var statuses: [Int] = []
        for (index, world) in worlds.enumerated() {
            let answer = try await servers[index % servers.count].anonymous.send(
                "POST", "/api/v1/review/access", json: ["token": world.inviteToken, "passphrase": "guess"],
                headers: ["X-Forwarded-For": claiming(index)])
            statuses.append(answer.status)
        }
        return statuses
    }

    @Test("a session cannot ask for a passphrase without having one")
    func passphraseRequirement() async throws {
        try await TestServer.run { server in
            let staff = server.admin
            let project = try #require(try await staff.post("/api/v1/projects", ["name": "Locks"]).string("id"))
            let refused = try await staff.post("/api/v1/projects/\(project)/sessions",
                                               ["title": "Locked", "settings": ["require_passphrase": true]])
            #expect(refused.status == 422 && refused.errorCode == "invalid_field")
            let session = try #require(try await staff.post("/api/v1/projects/\(project)/sessions",
                                                            ["title": "Open"]).string("id"))
            let patch = try await staff.patch("/api/v1/sessions/\(session)", ["settings": ["require_passphrase": true]])
            #expect(patch.status == 422 && patch.errorCode == "invalid_field")
            let both = try await staff.patch("/api/v1/sessions/\(session)",
                                             ["settings": ["require_passphrase": true], "passphrase": "north light"])
            #expect(both.status == 200)
        }
    }

    /// A session with one collaborator; returns the session and the invite token.
    static func sessionWithCollaborator(_ server: TestServer) async throws -> (UUID, String) {
        let project = try await server.catalog.createProject(name: "Show \(UUID().uuidString.prefix(8))")
        let session = try await server.catalog.createSession(projectID: project.id)
        let (_, token) = try await server.catalog.addCollaborator(sessionID: session.id, name: "Client", email: nil)
        return (session.id, token.value)
    }
}

/// A plain TCP connection to the test server, for requests URLSession cannot make: a body
/// sent in parts with pauses, or one that ends early.
final class RawHTTPConnection: @unchecked Sendable {
    private let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect: \(errno)") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw TestFailure("send: \(errno)") }
    }

    /// Ends what this side sends; the server still answers.
    func finishSending() {
        shutdown(socket, Int32(SHUT_WR))
    }

    /// The response's head and body, read on a thread of its own: a blocking `recv` on the
    /// Swift task pool (two threads on a 2-core machine) would starve the server under test.
    func response() async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.blockingResponse()) }
        }
    }

    private func blockingResponse() -> String {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            let text = String(decoding: received, as: UTF8.self)
            if let split = text.range(of: "\r\n\r\n"),
               let length = text[..<split.lowerBound].split(separator: "\r\n")
                .first(where: { $0.lowercased().hasPrefix("content-length:") })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
               received.count - text.utf8.distance(from: text.startIndex, to: split.upperBound) >= length {
                break
            }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
