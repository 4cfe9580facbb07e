import Catalog
import Foundation
import MediaTestSupport
import Pipeline
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

    @Test("invites go through the outbox to the maildir, one per collaborator, with a link that works")
    func outbox() async throws {
        try await TestServer.run(mail: .outbox) { server in
            let (sessionID, dana, noEmail) = try await session(server)
            let sent = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", ["message": "Notes by Friday, please."])
            #expect(sent.status == 200)
            #expect(sent.data.count == 1, "only collaborators with an email are mailed")
            #expect(sent.data.first?["emailed"] as? Bool == true)
            let link = try #require(sent.data.first?["invite_url"] as? String)

            // The worker beside the server delivers it from the outbox into the maildir.
            let delivered = try await server.waitForOutbox { $0.count == 1 && $0.allSatisfy { $0.state == .sent } }
            let outbox = (server.dataDirectory as NSString).appendingPathComponent("outbox/new")
            let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
            #expect(files.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: (server.dataDirectory as NSString)
                .appendingPathComponent("outbox/tmp")).isEmpty)
            let mail = try String(contentsOfFile: (outbox as NSString).appendingPathComponent(files[0]), encoding: .utf8)
            #expect(mail == delivered[0].message, "the maildir holds the outbox's message as written")
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

            // Naming a collaborator without an email is refused, and nothing is queued.
            let refused = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", ["collaborator_ids": [noEmail, dana]])
            #expect(refused.status == 422 && refused.errorCode == "invalid_field")
            #expect(try await server.catalog.outbox(page: .all).items.count == 1)
        }
    }

    @Test("invites go over SMTP with STARTTLS to a real relay, times in the studio's time zone")
    func smtp() async throws {
        var options = SMTPPeer.Options()
        options.requireStartTLS = true
        let relay = try await SMTPPeer(options)
        let settings = SMTPSettings(host: "127.0.0.1", port: relay.port, security: .startTLS, caFile: relay.caFile)
        try await TestServer.run(mail: .smtp(settings)) { server in
            _ = try await server.admin.patch("/api/v1/organization", ["time_zone": "Europe/London"])
            let (sessionID, _, _) = try await session(server)
            let sent = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", ["message": "See you Friday."])
            #expect(sent.data.first?["emailed"] as? Bool == true)
            let received = try await relay.nextMessage()
            #expect(received.tls && received.rcptTos == ["dana@client.example"])
            #expect(received.addresses["To"] == [SMTPPeer.Mailbox(displayName: "Dana Client", address: "dana@client.example")])
            let text = received.parts.compactMap(\.text).joined()
            #expect(text.contains("See you Friday.") && text.contains("/review/invite/di_"))
            #expect(text.contains("from Mon 23 Nov 2026 09:00 GMT to Tue 30 Nov 2027 18:00 GMT"), "London in winter")
        }
    }

    @Test("a relay that is down loses no invite: the link comes back, and the mail waits in the outbox")
    func relayDown() async throws {
        try await TestServer.run(mail: .smtp(host: "127.0.0.1", port: 1, username: nil, password: nil)) { server in
            let (sessionID, _, _) = try await session(server)
            let sent = try await server.admin.post("/api/v1/sessions/\(sessionID)/invites", [:])
            #expect(sent.status == 200)
            #expect(sent.data.first?["emailed"] as? Bool == true, "queued")
            let waiting = try await server.waitForOutbox { $0.first?.lastError != nil }
            #expect(waiting[0].state == .queued, "retried later, not dropped: \(waiting[0].lastError ?? "")")
            let link = try #require(sent.data.first?["invite_url"] as? String)
            #expect(try await server.anonymous.post("/api/v1/review/access",
                                                    ["token": String(link.split(separator: "/").last!)]).status == 200)
        }
    }

    @Test("an invitation shows the first version's poster inline when the project allows thumbnails in mail, and not otherwise")
    func poster() async throws {
        try await TestServer.run(mail: .outbox) { server in
            let catalog = server.catalog
            for thumbnails in [true, false] {
                let project = try await catalog.createProject(name: "Show \(thumbnails)",
                                                              defaults: ProjectDefaultsUpdate(emailThumbnails: thumbnails))
                let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010"))
                // A poster registered as a finished transcode registers it.
                let store = try LocalBlobStore(dataDirectory: server.dataDirectory)
                let (_, job) = try await catalog.registerOriginal(versionID: version.id, path: "originals/x.jpg", fileName: "x.jpg",
                                                                  size: 1, sha256: String(repeating: "0", count: 64),
                                                                  profile: "review-1080")
                #expect(try await catalog.claimJob(kinds: [.transcode], owner: "test", lease: .seconds(60))?.id == job.id)
                let folder = try store.newDerivedDirectory(versionID: version.id, profile: "review-1080", run: UUID())
                let posterPath = (folder as NSString).appendingPathComponent("poster.jpg")
                try FileManager.default.copyItem(atPath: Fixture.path("still.jpg"), toPath: store.absolutePath(posterPath))
                let jpeg = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("still.jpg")))
                try await catalog.registerOutputs(
                    versionID: version.id, profile: "review-1080", sourceSHA256: String(repeating: "0", count: 64),
                    [Catalog.Output(kind: .poster, path: posterPath, fileName: "poster.jpg", size: Int64(jpeg.count),
                                    sha256: String(repeating: "1", count: 64), mediaInfo: nil)],
                    completingJob: job.id, owner: "test")
                let session = try await catalog.createSession(projectID: project.id, versionIDs: [version.id])
                _ = try await catalog.addCollaborator(sessionID: session.id, name: "Dana <Client>", email: "dana@client.example")
                #expect(try await server.admin.post("/api/v1/sessions/\(session.id)/invites", [:]).status == 200)
                let mail = try #require(try await server.waitForOutbox { $0.first?.state == .sent }.first?.message)
                #expect(mail.contains("cid:poster@dailies") == thumbnails)
                #expect(mail.contains(jpeg.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                                         .endLineWithLineFeed]).prefix(76)) == thumbnails)
                if thumbnails { #expect(mail.contains("Hello Dana &lt;Client&gt;,"), "names are escaped in the HTML part") }
            }
        }
    }
}
