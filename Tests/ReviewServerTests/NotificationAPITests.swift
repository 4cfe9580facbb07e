import Catalog
import Foundation
import Testing

@testable import ReviewServer

/// Notifications through a real server: one-click unsubscribe pages (RFC 8058), staff's
/// notifications in the app, and each side's settings.
@Suite("Notifications API")
struct NotificationAPITests {
    /// A session the admin made, with collaborators Dana and Sam let in, and no mail worker:
    /// what waits for mail stays in the catalog to look at.
    struct World {
        let sessionID: UUID
        let itemID: UUID
        let dana: Collaborator
        let sam: Collaborator
        let danaClient: TestClient
    }

    static func world(_ server: TestServer) async throws -> World {
        let catalog = server.catalog
        let admin = try #require(try await catalog.staffUser(apiKey: server.adminKey))
        let project = try await catalog.createProject(name: "Show \(UUID().uuidString.prefix(8))")
        let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010"))
        let session = try await catalog.createSession(projectID: project.id, versionIDs: [version.id], createdBy: admin.id)
        let (dana, token) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana", email: "dana@client.example")
        let (sam, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Sam", email: "sam@client.example")
        let client = server.anonymous
        #expect(try await client.post("/api/v1/review/access", ["token": token.value]).status == 200)
        return World(sessionID: session.id, itemID: try await catalog.items(sessionID: session.id)[0].id, dana: dana, sam: sam,
                     danaClient: client)
    }

    /// What waits to be mailed to the collaborator about the session, if anything.
    static func waiting(_ server: TestServer, _ collaborator: Collaborator, _ world: World) async throws -> Int {
        try await server.catalog.pendingMail(for: NoticeRecipient(kind: .collaborator, id: collaborator.id),
                                             sessionID: world.sessionID)?.entries.count ?? 0
    }

    @Test("unsubscribe: a GET only shows the button; a one-click POST unsubscribes that recipient from that session alone")
    func unsubscribe() async throws {
        try await TestServer.run { server in
            let world = try await Self.world(server)
            _ = try await server.admin.post("/api/v1/sessions/\(world.sessionID)/items/\(world.itemID)/comments", ["text": "First"])
            #expect(try await Self.waiting(server, world.dana, world) == 1)
            let token = try await server.catalog.unsubscribeToken(for: NoticeRecipient(kind: .collaborator, id: world.dana.id),
                                                                  sessionID: world.sessionID)

            // A scanner following the link changes nothing.
            for _ in 0..<2 {
                let page = try await server.anonymous.get("/unsubscribe/\(token)")
                #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
                let html = String(decoding: page.body, as: UTF8.self)
                #expect(html.contains("<form method=\"post\">") && html.contains("name=\"viewport\""))
            }
            #expect(try await server.catalog.unsubscription(token: token).done == false)
            #expect(try await Self.waiting(server, world.dana, world) == 1)

            // A forged or altered token is refused and changes nothing.
            // A character in the middle: the last one of a base64 text may carry only padding
            // bits, and changing those can leave the decoded token as it was (a flaky test).
            var characters = Array(token)
            let middle = characters.count / 2
            characters[middle] = characters[middle] == "A" ? "B" : "A"
            let altered = String(characters)
            for bad in [altered, "not-a-token", "\(UUID()).\(UUID())"] {
                let refused = try await server.anonymous.send("POST", "/unsubscribe/\(bad)", raw: "List-Unsubscribe=One-Click",
                                                               headers: ["Content-Type": "application/x-www-form-urlencoded"])
                #expect(refused.status == 404, "\(bad)")
            }
            #expect(try await server.catalog.unsubscription(token: token).done == false)

            // The mail program's one click (RFC 8058): a form POST.
            let done = try await server.anonymous.send("POST", "/unsubscribe/\(token)", raw: "List-Unsubscribe=One-Click",
                                                       headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(done.status == 200 && String(decoding: done.body, as: UTF8.self).contains("Unsubscribed"))
            #expect(try await server.catalog.unsubscription(token: token).done)
            #expect(try await Self.waiting(server, world.dana, world) == 0, "what waited is mailed no more")

            // Dana hears of nothing more from this session; Sam still does.
            _ = try await server.admin.post("/api/v1/sessions/\(world.sessionID)/items/\(world.itemID)/comments", ["text": "Second"])
            #expect(try await Self.waiting(server, world.dana, world) == 0)
            #expect(try await Self.waiting(server, world.sam, world) == 2)
            let again = try await server.anonymous.send("POST", "/unsubscribe/\(token)", raw: "")
            #expect(again.status == 200, "unsubscribing twice is fine")
        }
    }

    @Test("staff notifications: comments by collaborators listed newest first, read one, read all; settings on both sides")
    func staffNotifications() async throws {
        try await TestServer.run { server in
            let world = try await Self.world(server)
            let base = "/api/v1/review/sessions/\(world.sessionID)"
            for text in ["Too dark", "Better <b>now</b>"] {
                #expect(try await world.danaClient.post("\(base)/items/\(world.itemID)/comments", ["text": text]).status == 201)
            }
            #expect(try await world.danaClient.put("\(base)/items/\(world.itemID)/status", ["status": "approved"]).status == 200)
            // Staff's own comment is no news to them.
            _ = try await server.admin.post("/api/v1/sessions/\(world.sessionID)/items/\(world.itemID)/comments", ["text": "Mine"])

            let list = try await server.admin.get("/api/v1/me/notifications")
            #expect(list.status == 200)
            let notices = list.data
            #expect(notices.map { $0["kind"] as? String } == ["status", "comment", "comment"])
            #expect(notices.compactMap { ($0["details"] as? [String: Any])?["text"] as? String } == ["Better <b>now</b>", "Too dark"])
            #expect(((notices[0]["details"] as? [String: Any])?["author"] as? [String: Any])?["name"] as? String == "Dana")
            let first = try #require(notices.last?["id"] as? String)
            let read = try await server.admin.post("/api/v1/me/notifications/\(first)/read")
            #expect(read.status == 200 && read.json["read_at"] is String)
            #expect(try await server.admin.get("/api/v1/me/notifications?unread=true").data.count == 2)
            #expect(try await server.admin.post("/api/v1/me/notifications/read").json["marked"] as? Int == 2)
            #expect(try await server.admin.get("/api/v1/me/notifications?unread=true").data.isEmpty)
            #expect(try await server.admin.post("/api/v1/me/notifications/\(UUID())/read").status == 404)

            // Staff opt in to mail; collaborators choose how often.
            #expect(try await server.admin.get("/api/v1/me/notification-settings").json["email"] as? Bool == false)
            let staff = try await server.admin.put("/api/v1/me/notification-settings", ["email": true, "frequency": "daily"])
            #expect(staff.json["email"] as? Bool == true && staff.json["frequency"] as? String == "daily")
            let mine = try await world.danaClient.put("\(base)/notifications", ["frequency": "immediately"])
            #expect(mine.status == 200 && mine.json["frequency"] as? String == "immediately")
            #expect(try await world.danaClient.put("\(base)/notifications", ["frequency": "hourly"]).status == 400)
        }
    }
}
