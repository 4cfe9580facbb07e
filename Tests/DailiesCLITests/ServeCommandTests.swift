import Foundation
import MediaTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `dailies serve` as a person runs it: a real process on a loopback port.
@Suite("dailies serve")
struct ServeCommandTests {
    private func get(_ url: String, key: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    private func post(_ url: String, _ body: [String: String]) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("the README's curl tour runs as written against a real server")
    func readmeTour() async throws {
        let readme = try String(contentsOf: Fixture.directory.deletingLastPathComponent().appendingPathComponent("README.md"),
                                encoding: .utf8)
        let tour = try #require(readme.components(separatedBy: "A short tour with curl").dropFirst().first)
        let block = try #require(tour.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        let lines = block.split(separator: "\n").map(String.init).filter { $0.hasPrefix("curl ") }
        #expect(lines.count >= 5)

        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"))
        let key = try #require(server.adminKey)
        // Each answer's id stands for the next lines' <… id>, in the order the tour makes them.
        var ids: [String: String] = [:]
        let madeNames = ["project id", "version id", "session id", "collaborator id"]
        for (index, line) in lines.enumerated() {
            var command = line.replacingOccurrences(of: "localhost:8080", with: server.url)
            for (name, id) in ids { command = command.replacingOccurrences(of: "<\(name)>", with: id) }
            #expect(!command.contains("<"), "every placeholder is known by now: \(command)")
            let run = try Subprocess.run("/bin/sh", ["-c", "K='\(key)'; " + command.replacingOccurrences(of: "curl -s", with: "curl -sS --fail-with-body")],
                                         check: false)
            #expect(run.status == 0, "\(line)\n→ \(run.standardOutputText) \(run.standardErrorText)")
            let answer = (try? JSONSerialization.jsonObject(with: run.standardOutput)) as? [String: Any] ?? [:]
            if index < madeNames.count {
                let id = (answer["id"] as? String) ?? ((answer["collaborator"] as? [String: Any])?["id"] as? String)
                // Unwrapped on its own line: assigned straight into the dictionary, #require would keep the optional.
                let made: String = try #require(id, "\(line) answers an id: \(run.standardOutputText)")
                ids[madeNames[index]] = made
            }
        }
        // The invite mail is written by a job the supervised worker claims, so it lands a moment after its answer.
        let outbox = directory.path("data/outbox/new")
        let deadline = Date().addingTimeInterval(60)
        while ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).isEmpty, Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).isEmpty, "the invite went to the outbox")
        #expect(server.stop() == 0)
    }

    @Test("a server killed outright leaves no worker behind: the orphaned worker stops itself")
    func orphanedWorkerStops() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"))
        var workerPID: Int32?
        let deadline = Date().addingTimeInterval(60)
        while workerPID == nil, Date() < deadline {
            let workers = try await server.api.send("GET", "/api/v1/workers").json["data"] as? [[String: Any]] ?? []
            workerPID = (workers.first?["pid"] as? Int).map(Int32.init)
            if workerPID == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let pid = try #require(workerPID, "the supervised worker registers itself")
        #expect(kill(pid, 0) == 0)
        #expect(server.stop(SIGKILL) == SIGKILL)
        let gone = Date().addingTimeInterval(30)
        while kill(pid, 0) == 0, Date() < gone {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(kill(pid, 0) != 0, "worker \(pid) outlived its server")
    }

    @Test("first start creates the admin and prints its key and a set-password link once; SIGTERM stops it cleanly")
    func firstStart() async throws {
        let directory = try TemporaryDirectory()
        let first = try ServeProcess(dataDirectory: directory.path("data"))
        let key = try #require(first.adminKey)
        #expect(first.url.hasPrefix("http://127.0.0.1:"))
        // The link names the address the server listens at, and sets the password once.
        let link = try #require(first.adminPasswordLink, "\(first.printed)")
        #expect(link.hasPrefix(first.url + "/staff/set-password/"))
        #expect(try await get(link) == 200, "the link opens the staff pages")
        let token = String(link.split(separator: "/").last!)
        #expect(try await post(first.url + "/api/v1/staff/password", ["token": token, "password": "correct horse battery"]) == 200)
        #expect(try await post(first.url + "/api/v1/staff/password", ["token": token, "password": "correct horse battery"]) == 401)
        #expect(try await post(first.url + "/api/v1/staff/sign-in",
                               ["email": "admin@dailies.local", "password": "correct horse battery"]) == 200)
        #expect(try await get(first.url + "/healthz") == 200)
        #expect(try await get(first.url + "/api/v1/projects", key: key) == 200)
        #expect(try await get(first.url + "/api/v1/projects") == 401)

        // The admin commands share the catalog with the running server.
        let added = try dailies("user", "add", "Ben", "--email", "ben@studio.example", "--data-dir", directory.path("data"))
        #expect(added.status == 0)
        let benKey = try #require(added.standardOutputText.range(of: #"dk_[A-Za-z0-9_-]+"#, options: .regularExpression)
            .map { String(added.standardOutputText[$0]) })
        #expect(try await get(first.url + "/api/v1/me", key: benKey) == 200)
        #expect(first.stop() == 0, "graceful shutdown exits 0")

        let second = try ServeProcess(dataDirectory: directory.path("data"))
        #expect(second.adminKey == nil && second.adminPasswordLink == nil, "the key and the link are printed only on first start")
        #expect(try await get(second.url + "/api/v1/me", key: key) == 200)
        #expect(second.stop(SIGINT) == 0)
    }

    @Test("admin commands: projects and sessions in the data directory, with clear refusals")
    func adminCommands() throws {
        let directory = try TemporaryDirectory()
        let data = ["--data-dir", directory.path("data")]
        #expect(try dailies(["project", "add", "Feature", "--code", "FT"] + data).status == 0)
        let duplicate = try dailies(["project", "add", "Feature"] + data)
        #expect(duplicate.status == 65 && duplicate.standardErrorText.contains("already exists"))
        let session = try dailies(["session", "add", "--project", "Feature", "--title", "Dailies Monday"] + data)
        #expect(session.status == 0 && session.standardOutputText.contains("Dailies Monday"))
        let listed = try dailies(["session", "list", "--project", "Feature"] + data)
        #expect(listed.standardOutputText.contains("Dailies Monday  open"))
        let id = String(listed.standardOutputText.prefix(36))
        #expect(try dailies(["session", "close", id] + data).status == 0)
        #expect(try dailies(["session", "list", "--project", "Feature"] + data).standardOutputText.contains("closed"))
        let missing = try dailies(["session", "list", "--project", "Nope"] + data)
        #expect(missing.status == 65 && missing.standardErrorText.contains("no project named Nope"))
        let badEmail = try dailies(["user", "add", "X", "--email", "x"] + data)
        #expect(badEmail.status == 65 && badEmail.standardErrorText.contains("not an email address"))
    }
}
