import Catalog
import Foundation
import MediaTestSupport
import Testing

@testable import ReviewServer

/// The ftrack faces on a live server: what a script writes through them is the catalog's
/// own change, heard live in the review page's room, with the same rules.
@Suite("ftrack faces")
struct FtrackFacesAPITests {
    /// The modern face's headers for the admin (username `admin`, from admin@studio.example).
    static func modernHeaders(_ server: TestServer, user: String = "admin") -> [String: String] {
        ["ftrack-api-key": server.adminKey, "ftrack-user": user, "Content-Type": "application/json"]
    }

    @Test("a status a script sets, through either face, reaches the review page's room live, naming who set it")
    func statusesLive() async throws {
        try await TestServer.run { server in
            let review = try await FeedbackAPITests.review(server)
            let room = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.dana))
            try await room.wait("the opening messages") { $0.last("presence") != nil }

            let statusID = UUID().uuidString.lowercased()
            let created = try await server.anonymous.send("POST", "/api", json: [[
                "action": "create", "entity_type": "ReviewSessionObjectStatus", "entity_key": [statusID],
                "entity_data": ["__entity_type__": "ReviewSessionObjectStatus", "id": statusID, "status": "approved",
                                "review_session_object": ["__entity_type__": "ReviewSessionObject", "id": review.itemID.uuidString.lowercased()],
                                "invitee": ["__entity_type__": "ReviewSessionInvitee", "id": review.danaID.uuidString.lowercased()]],
            ]], headers: Self.modernHeaders(server))
            #expect(created.status == 200)
            let result = try #require((try? JSONSerialization.jsonObject(with: created.body)) as? [[String: Any]])
            let data = result.first?["data"] as? [String: Any]
            #expect(data?["id"] as? String == statusID, "the client's id comes back, lower case")
            #expect(data?["status"] as? String == "approved")
            try await room.wait("the status event") { client in
                client.events.contains { $0["type"] as? String == "status.changed" }
            }
            let event = try #require(room.events.last { $0["type"] as? String == "status.changed" })
            let status = (event["data"] as? [String: Any])?["status"] as? [String: Any]
            #expect(status?["status"] as? String == "approved")
            let change = (status?["history"] as? [[String: Any]])?.last
            #expect((change?["set_by"] as? [String: Any])?["name"] as? String == "Admin")

            // The legacy client's setStatus, for the same collaborator: asks for changes.
            let call = """
                <?xml version='1.0'?><methodCall><methodName>review_session_object_setStatus</methodName><params><param><value>\
                <struct><member><name>reviewSessionObjectId</name><value><string>\(review.itemID)</string></value></member>\
                <member><name>inviteeId</name><value><string>\(review.danaID)</string></value></member>\
                <member><name>status</name><value><string>require_changes</string></value></member></struct></value></param>\
                </params></methodCall>
                """
            let legacy = try await server.anonymous.send("POST", "/client/", raw: call, headers: [
                "Ftrack-Apikey": server.adminKey, "Ftrack-User": "admin", "Content-Type": "text/xml"])
            #expect(legacy.status == 200)
            #expect(String(decoding: legacy.body, as: UTF8.self).contains("<name>status</name><value><string>require_changes</string>"))
            try await room.wait("the second status event") { client in
                client.events.filter { $0["type"] as? String == "status.changed" }.count == 2
            }
            let statuses = try await server.admin.get("\(review.staffBase)/statuses")
            #expect(String(decoding: statuses.body, as: UTF8.self).contains("requires_changes"))
            await room.close()
        }
    }

    @Test("a note's frame_number is the display number of its comment's first frame")
    func frameNumbers() async throws {
        try await TestServer.run { server in
            let review = try await FeedbackAPITests.review(server)  // frames numbered from 1001
            #expect(try await review.dana.post("\(review.base)/items/\(review.itemID)/comments",
                                               ["text": "Here", "anchor": ["frame": 41]]).status == 201)
            let answer = try await server.anonymous.send("POST", "/api", json: [[
                "action": "query",
                "expression": "select content, frame_number, author.name from Note where parent_id is \(review.itemID)",
            ]], headers: Self.modernHeaders(server))
            let result = try #require((try? JSONSerialization.jsonObject(with: answer.body)) as? [[String: Any]])
            let note = try #require((result.first?["data"] as? [[String: Any]])?.first)
            #expect(note["frame_number"] as? Int == 1042)
            #expect((note["author"] as? [String: Any])?["__entity_type__"] as? String == "Collaborator")
            #expect((note["author"] as? [String: Any])?["name"] as? String == "Dana")
        }
    }

    @Test("credentials come from the faces' headers only: a REST key, a cookie or a wrong user get the ftrack error form")
    func credentials() async throws {
        try await TestServer.run { server in
            let review = try await FeedbackAPITests.review(server)
            let query: [[String: Any]] = [["action": "query", "expression": "select id from Project"]]
            for (client, headers) in [
                (server.admin, ["Content-Type": "application/json"]),  // Authorization: Bearer alone
                (review.dana, ["Content-Type": "application/json"]),  // a collaborator's cookie
                (server.anonymous, Self.modernHeaders(server, user: "someone")),
            ] {
                let answer = try await client.send("POST", "/api", json: query, headers: headers)
                #expect(answer.status == 200)
                #expect(answer.json["exception"] as? String == "InvalidCredentialsError")
            }
            var strict = Self.modernHeaders(server, user: "someone")
            strict["ftrack-strict-api"] = "true"
            #expect(try await server.anonymous.send("POST", "/api", json: query, headers: strict).status == 401)
        }
    }
}
