import Catalog
import Foundation
import Testing

@testable import ReviewServer

@Suite("Invitations")
struct InviteTests {
    /// A session with two invitees (one without email) on `server`.
    private func session(_ server: TestServer) async throws -> (sessionID: String, dana: String, noEmail: String) {
        let staff = server.admin
        _ = try await staff.patch("/api/v1/organization", ["name": "Nørdlight VFX", "reply_to": "producers@northlight.example"])
        let projectID = try #require(try await staff.post("/api/v1/projects", ["name": "Feature"]).string("id"))
        let sessionID = try #require(try await staff.post("/api/v1/projects/\(projectID)/sessions",
                                                          ["title": "Comp finals", "starts_at": "2026-11-23T09:00:00Z",
                                                           "ends_at": "2027-11-30T18:00:00Z"]).string("id"))
        let dana = try await staff.post("/api/v1/sessions/\(sessionID)/collaborators",
                                        ["name": "Dana Client", "email": "dana@client.example"])
        let walkIn = try await staff.post("/api/v1/sessions/\(sessionID)/collaborators", ["name": "Walk-in"])
        return (sessionID, try #require((dana.json["collaborator"] as? [String: Any])?["id"] as? String),
                try #require((walkIn.json["collaborator"] as? [String: Any])?["id"] as? String))
    }

    @Test("invites land in the maildir outbox, one per collaborator, with a link that works")
    func outbox() async throws {
        try await TestServer.run { server in
            let (sessionID, dana, noEmail) = try await session(server)
            let sent = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", ["message": "Notes by Friday, please."])
            #expect(sent.status == 200)
            #expect(sent.data.count == 1, "only collaborators with an email are mailed")
            #expect(sent.data.first?["emailed"] as? Bool == true)
            let link = try #require(sent.data.first?["invite_url"] as? String)

            let outbox = (server.dataDirectory as NSString).appendingPathComponent("outbox/new")
            let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
            #expect(files.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: (server.dataDirectory as NSString)
                .appendingPathComponent("outbox/tmp")).isEmpty)
            let mail = try String(contentsOfFile: (outbox as NSString).appendingPathComponent(files[0]), encoding: .utf8)
            #expect(mail.contains("From: =?UTF-8?B?\(Data("Nørdlight VFX".utf8).base64EncodedString())?= <producers@northlight.example>"))
            #expect(mail.contains("To: Dana Client <dana@client.example>"))
            #expect(mail.contains("Reply-To: producers@northlight.example"))
            #expect(mail.range(of: #"\r\nDate: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n"#,
                               options: .regularExpression) != nil, "an RFC 5322 date")
            #expect(mail.contains("\r\n\r\nHello Dana Client,"))
            #expect(mail.contains("Notes by Friday, please."))
            #expect(mail.contains(link))
            #expect(mail.contains("from Mon 23 Nov 2026 09:00 UTC to Tue 30 Nov 2027 18:00 UTC"))

            // The emailed link is the one that works now.
            let token = String(link.split(separator: "/").last!)
            #expect(try await server.anonymous.post("/api/v1/review/access", ["token": token]).status == 200)

            // Naming a collaborator without an email is refused, and nothing is sent.
            let refused = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", ["collaborator_ids": [noEmail, dana]])
            #expect(refused.status == 422 && refused.errorCode == "invalid_field")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outbox).count == 1)
        }
    }

    @Test("invites go over SMTP to a real relay")
    func smtp() async throws {
        // Python's SMTP debugging server prints every message it receives.
        let port = Int.random(in: 20000..<30000)
        let relay = Process()
        relay.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        relay.arguments = ["python3", "-u", "-W", "ignore", "-m", "smtpd", "-n", "-c", "DebuggingServer", "127.0.0.1:\(port)"]
        let output = Pipe()
        relay.standardOutput = output
        relay.standardError = FileHandle.nullDevice
        try relay.run()
        // SIGKILL: the child may inherit a blocked SIGTERM from the test runner's threads.
        defer { kill(relay.processIdentifier, SIGKILL) }
        try await Task.sleep(for: .milliseconds(700))

        try await TestServer.run(mail: .smtp(host: "127.0.0.1", port: port, username: nil, password: nil)) { server in
            let (sessionID, _, _) = try await session(server)
            let sent = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", ["message": "See you Friday."])
            #expect(sent.data.first?["emailed"] as? Bool == true)
        }
        kill(relay.processIdentifier, SIGKILL)
        relay.waitUntilExit()
        let received = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(received.contains("To: Dana Client <dana@client.example>"), "\(received.prefix(500))")
        #expect(received.contains("See you Friday."))
        #expect(received.contains("/review/invite/di_"))
    }

    @Test("a relay that is down does not lose the invite: the link comes back, marked not emailed")
    func relayDown() async throws {
        try await TestServer.run(mail: .smtp(host: "127.0.0.1", port: 1, username: nil, password: nil)) { server in
            let (sessionID, _, _) = try await session(server)
            let sent = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", [:])
            #expect(sent.status == 200)
            #expect(sent.data.first?["emailed"] as? Bool == false)
            let link = try #require(sent.data.first?["invite_url"] as? String)
            #expect(try await server.anonymous.post("/api/v1/review/access",
                                                    ["token": String(link.split(separator: "/").last!)]).status == 200)
        }
    }
}
