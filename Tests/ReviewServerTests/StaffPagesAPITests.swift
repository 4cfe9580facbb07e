import Catalog
import Crypto
import Foundation
import MediaTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import ReviewServer

/// What the staff pages need of the server, on a real one: set-password links, changing one's
/// password, inviting staff, the live version list, folders of frames uploaded as sequences,
/// a browser's checksum on an upload's last chunk, and the test-only dropped connection.
@Suite("Staff pages over HTTP")
struct StaffPagesAPITests {
    static let password = "correct horse battery"

    @Test("a set-password link sets the password once and signs the browser in; a newer link ends the older")
    func passwordLink() async throws {
        try await TestServer.run { server in
            let admin = try #require(try await server.catalog.staffUser(apiKey: server.adminKey))
            let older = try await server.catalog.issuePasswordLink(staffID: admin.id)
            let link = try await server.catalog.issuePasswordLink(staffID: admin.id)
            let browser = TestClient(baseURL: server.baseURL, sendsCSRF: true)
            let replaced = try await browser.post("/api/v1/staff/password", ["token": older.token.value, "password": Self.password])
            #expect(replaced.status == 401 && replaced.errorCode == "invalid_token")
            let short = try await browser.post("/api/v1/staff/password", ["token": link.token.value, "password": "short"])
            #expect(short.status == 422 && short.errorCode == "invalid_field", "\(short.status)")
            let set = try await browser.post("/api/v1/staff/password", ["token": link.token.value, "password": Self.password])
            #expect(set.status == 200 && set.string("csrf_token") != nil)
            #expect(try await browser.get("/api/v1/me").string("email") == admin.email, "signed in by the cookie")
            #expect(try await browser.patch("/api/v1/projects/\(UUID())", ["code": "X"]).status == 404, "and the CSRF token works")
            let again = try await server.anonymous.post("/api/v1/staff/password", ["token": link.token.value, "password": "another one here"])
            #expect(again.status == 401 && again.errorCode == "invalid_token", "used up")
            #expect(try await server.anonymous.post("/api/v1/staff/sign-in", ["email": admin.email, "password": Self.password]).status == 200)
        }
    }

    @Test("changing one's password needs the current one, keeps this browser signed in and signs out the others")
    func changePassword() async throws {
        try await TestServer.run { server in
            let admin = try #require(try await server.catalog.staffUser(apiKey: server.adminKey))
            try await server.catalog.setPassword(Self.password, forEmail: admin.email)
            let browser = TestClient(baseURL: server.baseURL, sendsCSRF: true)
            let other = TestClient(baseURL: server.baseURL, sendsCSRF: true)
            for client in [browser, other] {
                #expect(try await client.post("/api/v1/staff/sign-in", ["email": admin.email, "password": Self.password]).status == 200)
            }
            let wrong = try await browser.post("/api/v1/me/password", ["current_password": "not the password", "new_password": "staple grape lantern"])
            #expect(wrong.status == 401 && wrong.errorCode == "invalid_credentials")
            let oldCookie = try #require(browser.cookies["dailies_staff"])
            let changed = try await browser.post("/api/v1/me/password", ["current_password": Self.password, "new_password": "staple grape lantern"])
            #expect(changed.status == 200)
            #expect(browser.cookies["dailies_staff"] != oldCookie, "a new sign-in for this browser")
            #expect(try await browser.get("/api/v1/me").status == 200)
            #expect(try await other.get("/api/v1/me").status == 401, "the other browser is signed out")
            #expect(try await server.admin.get("/api/v1/me").status == 200, "API keys are not passwords: they keep working")
            #expect(try await server.anonymous.post("/api/v1/staff/sign-in", ["email": admin.email, "password": "staple grape lantern"]).status == 200)
        }
    }

    @Test("an admin invites staff: the mail carries a link that lets them choose a password and sign in")
    func inviteStaff() async throws {
        try await TestServer.run { server in
            let created = try await server.admin.post("/api/v1/users", ["name": "Ada Park", "email": "ada@studio.example"])
            let user = try #require(created.json["user"] as? [String: Any])
            let id = try #require(user["id"] as? String)
            let invited = try await server.admin.post("/api/v1/users/\(id)/invite", ["message": "Welcome to the Monday reviews."])
            #expect(invited.status == 201 && invited.json["emailed"] as? Bool == true)
            let url = try #require(invited.string("url"))
            #expect(url.hasPrefix("http://review.test/staff/set-password/dp_"))
            let mails = try await server.waitForOutbox { $0.contains { $0.recipients.contains("ada@studio.example") } }
            let mail = try #require(mails.first { $0.recipients.contains("ada@studio.example") })
            #expect(mail.message.contains(url) && mail.message.contains("Welcome to the Monday reviews.")
                    && mail.message.contains("Hello Ada Park"))
            let token = String(url.split(separator: "/").last!)
            let ada = TestClient(baseURL: server.baseURL, sendsCSRF: true)
            #expect(try await ada.post("/api/v1/staff/password", ["token": token, "password": Self.password]).status == 200)
            #expect(try await ada.get("/api/v1/me").string("email") == "ada@studio.example")
            #expect(try await ada.post("/api/v1/users/\(id)/invite").status == 403, "only admins invite")
            try await server.catalog.setDeactivated(true, forEmail: "ada@studio.example")
            let refused = try await server.admin.post("/api/v1/users/\(id)/invite")
            #expect(refused.status == 422 && refused.errorCode == "invalid_field")
        }
    }

    @Test("the live list: processing versions, then ready, then each change, new version and deletion as it happens")
    func liveList() async throws {
        try await TestServer.run { server in
            let project = try await server.catalog.createProject(name: "Live")
            let processing = try await server.catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_comp_v001"))
            _ = try await server.catalog.registerOriginal(versionID: processing.id, path: "originals/x.mov", fileName: "x.mov",
                                                         size: 1, sha256: String(repeating: "a", count: 64), profile: "review-1080")
            let path = "/api/v1/projects/\(project.id)/live"
            #expect(try await server.admin.get(path).status == 406, "not an EventSource")
            #expect(try await server.anonymous.send("GET", path, headers: ["Accept": "text/event-stream"]).status == 401)
            #expect(try await server.admin.send("GET", "/api/v1/projects/\(UUID())/live", headers: ["Accept": "text/event-stream"]).status == 404)

            let stream = try EventStreamReader(baseURL: server.baseURL, path: path, apiKey: server.adminKey)
            defer { stream.close() }
            let opening = try await stream.events(until: { $0.last?.name == "ready" })
            #expect(opening.map(\.name) == ["version", "ready"])
            let first = try #require(opening.first?.json)
            #expect((first["version"] as? [String: Any])?["id"] as? String == processing.id.uuidString)
            #expect((first["job"] as? [String: Any])?["state"] as? String == "queued", "with its transcode")

            let added = try await server.admin.post("/api/v1/projects/\(project.id)/versions", ["name": "sh020_comp_v001"])
            let addedID = try #require(added.string("id"))
            let seen = try await stream.events(until: { $0.contains { ($0.json?["version"] as? [String: Any])?["id"] as? String == addedID } })
            #expect(seen.allSatisfy { $0.name == "version" })
            #expect(try await server.admin.patch("/api/v1/versions/\(addedID)", ["status": "approved"]).status == 200)
            let changed = try await stream.events(until: { !$0.isEmpty })
            #expect((changed.first?.json?["version"] as? [String: Any])?["status"] as? String == "approved")
            #expect(try await server.admin.delete("/api/v1/versions/\(addedID)").status == 204)
            let removed = try await stream.events(until: { !$0.isEmpty })
            #expect(removed.first?.name == "removed" && removed.first?.json?["id"] as? String == addedID)
        }
    }

    @Test("a folder of frames goes up as a sequence: refused early when mostly gaps, stored whole when the last frame arrives")
    func sequenceUpload() async throws {
        try await TestServer.run { server in
            let project = try await server.catalog.createProject(name: "Plates")
            let version = try await server.catalog.createVersion(projectID: project.id, VersionFields(name: "plate_v001"))
            let folder = Fixture.directory.appendingPathComponent("dpx-gap")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            let files = try names.map { name -> [String: Any] in
                let size = try #require(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int)
                return ["file_name": name, "size": size]
            }
            let route = "/api/v1/versions/\(version.id)/sequence-uploads"
            let mostlyGaps = try await server.admin.post(route, ["files": [["file_name": "a.0001.dpx", "size": 5], ["file_name": "a.5000.dpx", "size": 5]]])
            #expect(mostlyGaps.status == 422 && (mostlyGaps.string("message") ?? String(decoding: mostlyGaps.body, as: UTF8.self)).contains("2–4999"))
            let stray = try await server.admin.post(route, ["files": files + [["file_name": "notes.txt", "size": 3]]])
            #expect(stray.status == 422 && String(decoding: stray.body, as: UTF8.self).contains("notes.txt"))

            let started = try await server.admin.post(route, ["files": files, "gap_fill": "slate"])
            #expect(started.status == 201)
            let sequenceID = try #require(started.string("id"))
            #expect(started.string("pattern") == "plate.%04d.dpx" && started.json["gaps"] as? [[Int]] == [[1005, 1005]])
            let uploads = try #require(started.json["uploads"] as? [[String: Any]])
            #expect(uploads.count == names.count)
            let member = try #require(uploads.first?["id"] as? String)
            #expect(try await server.admin.delete("/api/v1/uploads/\(member)").errorCode == "sequence_member")

            var last: TestResponse?
            for upload in uploads {
                let name = try #require(upload["file_name"] as? String)
                let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
                let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                let sent = try await server.admin.send("PATCH", "/api/v1/uploads/\(upload["id"] as! String)", bytes: bytes,
                                                       headers: ["Upload-Offset": "0", "X-Content-SHA256": sha])
                #expect(sent.status == 200 && sent.json["complete"] as? Bool == true, "\(name): \(sent.status)")
                last = sent
            }
            #expect(last?.json["job"] != nil, "the last frame stores the sequence and queues its transcode")
            let state = try await server.admin.get("/api/v1/sequence-uploads/\(sequenceID)")
            #expect(state.string("state") == "complete" && (state.json["uploads"] as? [Any])?.isEmpty == true)
            let original = try #require(try await server.catalog.original(versionID: version.id))
            #expect(original.fileName == "plate.%04d.dpx")
            let sequence = try #require(OriginalSequenceView(mediaInfo: original.mediaInfo))
            #expect(sequence.first == 1001 && sequence.last == 1012 && sequence.gapFill == "slate")
            let stored = server.dataDirectory + "/" + (original.path as NSString).deletingLastPathComponent
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: stored)).isSuperset(of: names), "every frame, byte for byte")
            for name in names {
                #expect(FileManager.default.contentsEqual(atPath: stored + "/" + name, andPath: folder.appendingPathComponent(name).path))
            }
            #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/tmp/sequence-\(sequenceID.lowercased())"),
                    "the gathering folder is gone")

            // Abandoned half-way: the frames' bytes and uploads go.
            let other = try await server.catalog.createVersion(projectID: project.id, VersionFields(name: "plate_v002"))
            let half = try await server.admin.post("/api/v1/versions/\(other.id)/sequence-uploads", ["files": files])
            let halfID = try #require(half.string("id"))
            #expect(try await server.admin.delete("/api/v1/sequence-uploads/\(halfID)").status == 204)
            #expect(try await server.admin.get("/api/v1/sequence-uploads/\(halfID)").status == 404)
            let firstMember = try #require((half.json["uploads"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await server.admin.get("/api/v1/uploads/\(firstMember)").status == 404)
        }
    }

    @Test("a browser's SHA-256 on the last chunk: a mismatch registers nothing; the right one registers the original")
    func checksumOnLastChunk() async throws {
        try await TestServer.run { server in
            let project = try await server.catalog.createProject(name: "Checks")
            let version = try await server.catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_v001"))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("h264-bframes-23976-editlist.mp4")))
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            for (claimed, wanted) in [(String(repeating: "0", count: 64), 422), (sha, 200)] {
                let upload = try await server.admin.post("/api/v1/versions/\(version.id)/uploads",
                                                         ["file_name": "clip.mp4", "size": bytes.count])
                let id = try #require(upload.string("id"))
                let half = bytes.count / 2
                #expect(try await server.admin.send("PATCH", "/api/v1/uploads/\(id)", bytes: bytes.prefix(half),
                                                    headers: ["Upload-Offset": "0"]).status == 200)
                let last = try await server.admin.send("PATCH", "/api/v1/uploads/\(id)", bytes: bytes.suffix(from: half),
                                                       headers: ["Upload-Offset": String(half), "X-Content-SHA256": claimed])
                #expect(last.status == wanted, "\(last.status) \(last.errorCode ?? "")")
                if wanted == 422 {
                    #expect(last.errorCode == "checksum_mismatch")
                    #expect(try await server.catalog.original(versionID: version.id) == nil, "nothing registered")
                }
            }
            #expect(try await server.catalog.original(versionID: version.id)?.sha256 == sha)
        }
    }

    @Test("the test-only dropped connection: the chunk's connection breaks once, and the upload resumes from the server's offset")
    func droppedConnection() async throws {
        try await TestServer.run(testDropUploadAfter: 100_000) { server in
            let project = try await server.catalog.createProject(name: "Drops")
            let version = try await server.catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_v001"))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("h264-bframes-23976-editlist.mp4")))
            let upload = try await server.admin.post("/api/v1/versions/\(version.id)/uploads", ["file_name": "clip.mp4", "size": bytes.count])
            let id = try #require(upload.string("id"))
            await #expect(throws: (any Error).self, "the connection is dropped mid-chunk") {
                try await server.admin.send("PATCH", "/api/v1/uploads/\(id)", bytes: bytes, headers: ["Upload-Offset": "0"])
            }
            let offset = try #require(Int(try await server.admin.get("/api/v1/uploads/\(id)").headers["upload-offset"] ?? ""))
            #expect(offset < bytes.count)
            let rest = try await server.admin.send("PATCH", "/api/v1/uploads/\(id)", bytes: bytes.suffix(from: offset),
                                                   headers: ["Upload-Offset": String(offset)])
            #expect(rest.status == 200 && rest.json["complete"] as? Bool == true, "dropped once only")
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(try await server.catalog.original(versionID: version.id)?.sha256 == sha)
        }
    }
}

/// What a sequence original's `media_info` says, read as a client would.
private struct OriginalSequenceView {
    let first: Int
    let last: Int
    let gapFill: String?

    init?(mediaInfo: String?) {
        guard let data = mediaInfo?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let sequence = object["sequence"] as? [String: Any],
              let first = sequence["first_number"] as? Int, let last = sequence["last_number"] as? Int
        else { return nil }
        self.first = first
        self.last = last
        gapFill = sequence["gap_fill"] as? String
    }
}

/// A Server-Sent Events stream read off a plain socket, on a thread of its own (a blocking
/// read must not hold one of the few threads the server under test runs its tasks on).
final class EventStreamReader: @unchecked Sendable {
    struct Event {
        let name: String
        let data: String
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] }
    }

    private let socket: Int32
    private let lock = NSLock()
    private var buffer = ""
    private var events: [Event] = []
    private var ended = false

    init(baseURL: String, path: String, apiKey: String) throws {
        let url = try #require(URL(string: baseURL))
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(url.port ?? 80).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("cannot connect to \(baseURL)") }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(apiKey)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(socket, $0, strlen($0), 0) }
        let thread = Thread { [self] in read() }
        thread.start()
    }

    private func read() {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            lock.withLock {
                // Lines as the event format has them (a Swift Character holds "\r\n" whole, which "\n" would not split).
                buffer += String(decoding: chunk[..<count], as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                // Events end with a blank line; the HTTP head and chunk sizes are not events.
                while let end = buffer.range(of: "\n\n") {
                    let block = buffer[..<end.lowerBound]
                    buffer = String(buffer[end.upperBound...])
                    var name = "", data = ""
                    for line in block.split(separator: "\n") {
                        if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                        if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                    }
                    if !name.isEmpty { events.append(Event(name: name, data: data)) }
                }
            }
        }
        lock.withLock { ended = true }
    }

    /// Waits (up to 20 s) until the events not taken yet satisfy `done`, and takes them.
    func events(until done: ([Event]) -> Bool) async throws -> [Event] {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let taken: [Event]? = lock.withLock {
                guard done(events) else { return nil }
                defer { events = [] }
                return events
            }
            if let taken { return taken }
            if lock.withLock({ ended }) { throw TestFailure("the stream ended") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the events did not come: \(lock.withLock { events.map(\.name) })")
    }

    func close() {
        shutdown(socket, Int32(SHUT_RDWR))
        Glibc.close(socket)
    }
}
