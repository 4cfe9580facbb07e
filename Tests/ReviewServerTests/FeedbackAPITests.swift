import Catalog
import Foundation
import HTTPTypes
import MediaTestSupport
import Testing

@testable import ReviewServer

/// Feedback through the API on a real server: collaborators by their cookies, staff by key.
@Suite("Feedback API")
struct FeedbackAPITests {
    /// A session of one item with 48 frames from 1001, with Dana (approver), Sam (reviewer)
    /// and Olly (observer) let in by their invite links.
    struct Review {
        let server: TestServer
        let sessionID: UUID
        let itemID: UUID
        let dana: TestClient
        let sam: TestClient
        let olly: TestClient
        let danaID: UUID

        var base: String { "/api/v1/review/sessions/\(sessionID)" }
        var staffBase: String { "/api/v1/sessions/\(sessionID)" }

        func cookie(_ client: TestClient) -> HTTPFields {
            [.cookie: "dailies_access=\(client.cookie ?? "")", .origin: "http://review.test"]
        }
        var staffHeaders: HTTPFields { [.authorization: "Bearer \(server.adminKey)"] }
    }

    static func review(_ server: TestServer, commentsVisible: Bool = true) async throws -> Review {
        let catalog = server.catalog
        let project = try await catalog.createProject(name: "Show \(UUID().uuidString.prefix(8))")
        let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010"))
        try await giveMedia(catalog, versionID: version.id, playback: PlaybackInfo(
            frameCount: 48, rate: .fps24, firstFrameNumber: 1001, startTimecode: "01:00:00:00", width: 1920, height: 1080,
            hasAudio: false, variableRate: false))
        let session = try await catalog.createSession(
            projectID: project.id, SessionFields(settings: .init(commentsVisibleToOthers: .some(commentsVisible))),
            versionIDs: [version.id])
        var clients: [TestClient] = []
        var ids: [UUID] = []
        for (name, role) in [("Dana", Collaborator.Role.approver), ("Sam", .reviewer), ("Olly", .observer)] {
            let (collaborator, token) = try await catalog.addCollaborator(sessionID: session.id, name: name, email: nil, role: role)
            let client = server.anonymous
            #expect(try await client.post("/api/v1/review/access", ["token": token.value]).status == 200)
            clients.append(client)
            ids.append(collaborator.id)
        }
        return Review(server: server, sessionID: session.id, itemID: try await catalog.items(sessionID: session.id)[0].id,
                      dana: clients[0], sam: clients[1], olly: clients[2], danaID: ids[0])
    }

    @Test("a comment round-trips with its labels; bad anchors and drawings are refused naming the field, and nothing is stored")
    func comments() async throws {
        try await TestServer.run { server in
            let review = try await Self.review(server)
            let path = "\(review.base)/items/\(review.itemID)/comments"
            let drawing: [String: Any] = [
                "display": ["width": 1920, "height": 1080, "pixel_aspect": "1/1"], "hold": true,
                "shapes": [["id": UUID().uuidString, "type": "arrow", "color": "#FF3B30FF", "width": 0.004,
                            "from": [0.1, 0.2], "to": [0.4, 0.5]]],
            ]
            let created = try await review.dana.post(path, ["text": "Pops here", "anchor": ["first": 10, "last": 20],
                                                            "drawing": drawing])
            #expect(created.status == 201)
            let anchor = created.json["anchor"] as? [String: Any]
            #expect(anchor?["first_number"] as? Int == 1011 && anchor?["last_timecode"] as? String == "01:00:00:20")
            #expect((created.json["receipt"] as? [String: Any])?["state"] as? String == "pending")

            let refused: [([String: Any], Int, String)] = [
                (["text": "x", "anchor": ["frame": 48]], 422, "anchor.frame"),
                (["text": "x", "anchor": ["first": 9, "last": 3]], 422, "anchor.last"),
                (["text": "x", "anchor": ["frame": 2], "drawing": ["display": drawing["display"]!, "shapes": [
                    ["id": UUID().uuidString, "type": "spiral", "color": "#FF3B30FF", "width": 0.01, "from": [0, 0], "to": [1, 1]]]]],
                 400, "drawing.shapes[0]"),
                (["text": "x", "anchor": ["frame": 2], "drawing": ["display": drawing["display"]!, "shapes": [
                    ["id": UUID().uuidString, "type": "line", "color": "#FF3B30FF", "width": 0.01, "from": [0, 1.5], "to": [1, 1]]]]],
                 400, "drawing.shapes[0]"),
                (["text": "x", "internal": true], 400, "internal"),
                (["text": "   "], 400, "text"),
            ]
            for (body, status, field) in refused {
                let answer = try await review.dana.post(path, body)
                #expect(answer.status == status, "\(body): \(answer.json)")
                let named = (answer.json["error"] as? [String: Any])?["field"] as? String ?? ""
                #expect(named.hasPrefix(field), "\(body): named \(named)")
            }
            #expect(try await review.dana.get("\(review.base)/comments").data.count == 1)

            // Observers watch; Sam may not edit Dana's comment.
            #expect(try await review.olly.post(path, ["text": "me too"]).status == 403)
            let id = try #require(created.string("id"))
            #expect(try await review.sam.patch("\(review.base)/comments/\(id)", ["text": "mine now"]).status == 403)
            #expect(try await review.sam.delete("\(review.base)/comments/\(id)").status == 403)
            // The drawing is listed on every frame of its held range, not outside it.
            for (frame, count) in [(10, 1), (15, 1), (20, 1), (21, 0), (9, 0)] {
                let drawings = try await review.sam.get("\(review.base)/items/\(review.itemID)/drawings?frame=\(frame)").data
                #expect(drawings.count == count, "frame \(frame)")
            }
            // A frame range filter the wrong way round is refused.
            #expect(try await review.sam.get("\(review.base)/comments?first_frame=9&last_frame=3").status == 422)
        }
    }

    @Test("statuses: observers are refused; the summary follows the deciders; staff see every history")
    func statuses() async throws {
        try await TestServer.run { server in
            let review = try await Self.review(server)
            let path = "\(review.base)/items/\(review.itemID)/status"
            #expect(try await review.olly.put(path, ["status": "approved"]).status == 403)
            #expect(try await review.dana.put(path, ["status": "maybe"]).status == 400)
            #expect(try await review.dana.put(path, ["status": "approved"]).status == 200)
            #expect(try await review.sam.put(path, ["status": "requires_changes"]).status == 200)
            let summary = try #require(try await review.sam.get("\(review.base)/summaries").data.first)
            // Dana is the approver, so she alone decides.
            #expect(summary["deciders"] as? Int == 1 && summary["all_approved"] as? Bool == true)
            let statuses = try await server.admin.get("\(review.staffBase)/statuses").data
            #expect(statuses.count == 2 && statuses.allSatisfy { ($0["history"] as? [Any])?.count == 1 })
        }
    }

    @Test("internal staff comments never reach a collaborator: not in lists, not by id, not in events, not as receipts")
    func internalComments() async throws {
        try await TestServer.run { server in
            let review = try await Self.review(server, commentsVisible: false)
            let staffPath = "\(review.staffBase)/items/\(review.itemID)/comments"
            let secret = try await server.admin.post(staffPath, ["text": "The comp is late", "anchor": ["frame": 3], "internal": true])
            #expect(secret.status == 201)
            let secretID = try #require(secret.string("id"))
            let shared = try await server.admin.post(staffPath, ["text": "Thanks all"])
            let danas = try await review.dana.post("\(review.base)/items/\(review.itemID)/comments", ["text": "Mine"])
            #expect(shared.status == 201 && danas.status == 201)
            #expect(try await server.admin.get("\(review.staffBase)/comments").data.count == 3)
            #expect(try await review.dana.get("\(review.base)/comments").data.count == 2)
            #expect(try await review.sam.get("\(review.base)/comments").data.compactMap { $0["text"] as? String } == ["Thanks all"])
            #expect(try await review.sam.get("\(review.base)/comments/\(secretID)").status == 404)
            #expect(try await review.sam.get("\(review.base)/receipts/\(secretID)").status == 404)
            let events = try await review.sam.get("\(review.base)/events?after=0").json["events"] as? [[String: Any]] ?? []
            #expect(!events.isEmpty && !events.contains { ($0["data"] as? [String: Any])?["comment"].map { "\($0)" }?.contains(secretID) ?? false })
            #expect(try await server.admin.get("\(review.staffBase)/comments?internal=true").data.count == 1)
        }
    }

    @Test("deleting a session with feedback says what would go, and needs force")
    func deleteNeedsForce() async throws {
        try await TestServer.run { server in
            let review = try await Self.review(server)
            #expect(try await review.dana.post("\(review.base)/items/\(review.itemID)/comments", ["text": "Keep"]).status == 201)
            let refused = try await server.admin.delete(review.staffBase)
            #expect(refused.status == 409 && (refused.json["error"] as? [String: Any])?["message"].map { "\($0)" }?.contains("1 comments") == true)
            #expect(try await server.admin.delete(review.staffBase + "?force=true").status == 204)
            #expect(try await server.admin.get(review.staffBase).status == 404)
        }
    }
}
