import Catalog
import Foundation
import HTTPTypes
import MediaTestSupport
import Testing

@testable import ReviewServer

/// The live room over real WebSockets on loopback.
@Suite("Session room")
struct RoomTests {
    @Test("resume after a gap of 100 events: exactly the ones the client may see, in order, then live ones")
    func resume() async throws {
        try await TestServer.run { server in
            let review = try await FeedbackAPITests.review(server, commentsVisible: false)
            let comments = "\(review.base)/items/\(review.itemID)/comments"
            let first = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.dana))
            try await first.wait("the opening messages") { $0.last("presence") != nil && $0.last("presenter") != nil }
            #expect(try await review.dana.post(comments, ["text": "Before the gap"]).status == 201)
            try await first.wait("the first comment") { $0.seqs.count == 2 }  // item.added, then the comment
            let resumeAfter = try #require(first.seqs.last)
            await first.close()

            // 100 events while Dana is away: staff's internal and shared comments, Sam's (hidden
            // from Dana in this session), Dana's own from another tab, and item changes.
            let staffComments = "\(review.staffBase)/items/\(review.itemID)/comments"
            for index in 0..<100 {
                let answer: TestResponse = switch index % 5 {
                case 0: try await server.admin.post(staffComments, ["text": "internal \(index)", "internal": true])
                case 1: try await server.admin.post(staffComments, ["text": "shared \(index)"])
                case 2: try await review.sam.post(comments, ["text": "Sam \(index)", "anchor": ["frame": index % 48]])
                case 3: try await review.dana.post(comments, ["text": "Dana \(index)"])
                default: try await server.admin.patch("\(review.staffBase)/items/\(review.itemID)", ["reason": "take \(index)"])
                }
                #expect((200..<300).contains(answer.status))
            }
            let visible = [1, 3, 4].map { offset in (0..<20).map { resumeAfter + 1 + $0 * 5 + offset } }.flatMap { $0 }.sorted()

            let again = RoomClient(server, "\(review.base)/room?after=\(resumeAfter)", headers: review.cookie(review.dana))
            try await again.wait("the backlog") { $0.seqs.count >= visible.count }
            #expect(try await review.dana.post(comments, ["text": "After the gap"]).status == 201)
            try await again.wait("the live comment") { $0.seqs.count == visible.count + 1 }
            #expect(Array(again.seqs.prefix(visible.count)) == visible)
            #expect(again.seqs.last == resumeAfter + 101)
            // Sam's and the internal comments were never sent.
            let texts = again.events.compactMap { (($0["data"] as? [String: Any])?["comment"] as? [String: Any])?["text"] as? String }
            #expect(!texts.contains { $0.hasPrefix("internal") || $0.hasPrefix("Sam") })
            await again.close()
        }
    }

    @Test("a reader that falls behind the bounded buffer is cut off with 4008, and resumes without a gap")
    func slowReader() async throws {
        // A paused client answers no pings: none is sent while the room fills, however long
        // the 1 500 writes take (a loaded machine, or PostgreSQL's round trips).
        try await TestServer.run(room: RoomSettings(bufferLimit: 4, ping: .seconds(3600))) { server in
            let review = try await FeedbackAPITests.review(server)
            let slow = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.sam), paused: true)
            try await Task.sleep(for: .milliseconds(300))
            // Big events (9 000 characters each), until the socket's buffers and then the room's
            // are full.
            let staff = try #require(try await server.catalog.staffUser(apiKey: server.adminKey))
            let text = String(repeating: "The flare pops on the visor. ", count: 310)
            for index in 0..<1500 {
                _ = try await server.catalog.addComment(sessionID: review.sessionID, itemID: review.itemID,
                                                        CommentDraft(text: "\(index) \(text)"), by: .staff(staff))
            }
            slow.resume()
            let closing = try await slow.ended()
            #expect(closing?.closeCode == .unknown(4008), "\(String(describing: closing))")
            let seen = slow.seqs
            #expect(seen == Array(seen.indices.map { seen.first! + $0 }), "what arrived came in order, without gaps")
            let last = try await server.catalog.lastEventSeq(sessionID: review.sessionID)
            #expect((seen.last ?? 0) < last, "it was cut off before the end")

            let resumed = RoomClient(server, "\(review.base)/room?after=\(seen.last ?? 0)", headers: review.cookie(review.sam))
            try await resumed.wait("the rest") { $0.seqs.last == last }
            #expect(seen + resumed.seqs == Array(1...last))
            await resumed.close()
        }
    }

    @Test("a handshake from another origin is refused; the page's own origin and programs without one are let in")
    func foreignOrigin() async throws {
        try await TestServer.run { server in
            let review = try await FeedbackAPITests.review(server)
            var foreign = review.cookie(review.dana)
            foreign[.origin] = "https://evil.example"
            let refused = RoomClient(server, "\(review.base)/room", headers: foreign)
            await #expect(throws: (any Error).self) { _ = try await refused.ended() }
            let plain = try await review.dana.send("GET", "\(review.base)/room", headers: ["Origin": "https://evil.example"])
            #expect(plain.status == 403 && plain.errorCode == "foreign_origin")
            #expect(try await server.catalog.presence(sessionID: review.sessionID).isEmpty)

            let own = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.dana))
            try await own.wait("presence") { ($0.last("presence")?["participants"] as? [Any])?.count == 1 }
            let program = RoomClient(server, "\(review.staffBase)/room", headers: review.staffHeaders)
            try await program.wait("presence of both") { ($0.last("presence")?["participants"] as? [Any])?.count == 2 }
            await program.close()
            try await own.wait("presence of one again") { ($0.last("presence")?["participants"] as? [Any])?.count == 1 }
            await own.close()
        }
    }

    @Test("presenting: two presenters conflict, a late joiner gets the state at once, a single step reaches followers, staff take over")
    func presenter() async throws {
        try await TestServer.run { server in
            let review = try await FeedbackAPITests.review(server)
            let dana = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.dana))
            let sam = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.sam))
            for client in [dana, sam] { try await client.wait("the opening") { $0.last("presenter") != nil } }

            try dana.send(["type": "present"])
            try await sam.wait("Dana presenting") { ($0.last("presenter")?["presenter"] as? [String: Any])?["name"] as? String == "Dana" }
            try sam.send(["type": "present"])
            try await sam.wait("the conflict") { $0.last("error")?["code"] as? String == "conflict" }
            try sam.send(["type": "present", "take_over": true])
            try await sam.wait("the refusal to take over") { $0.last("error")?["code"] as? String == "forbidden" }

            // One step forward, paused: followers get exactly that frame.
            try dana.send(["type": "state", "item_id": review.itemID.uuidString, "frame": 41, "playing": false, "rate": "1/1"])
            try await sam.wait("frame 41") { $0.last("presenter")?["frame"] as? Int == 41 }
            try dana.send(["type": "state", "item_id": review.itemID.uuidString, "frame": 42, "playing": false, "rate": "1/1"])
            try await sam.wait("the single step to 42") { $0.last("presenter")?["frame"] as? Int == 42 }

            // A late joiner is told at once where the presenter is.
            let late = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.olly))
            try await late.wait("the presenter's state") { $0.messages.first { $0["type"] as? String == "presenter" }?["frame"] as? Int == 42 }
            #expect(late.messages.prefix(2).compactMap { $0["type"] as? String }.sorted() == ["presence", "presenter"])

            // Staff take over, then hand over to Sam.
            let staff = RoomClient(server, "\(review.staffBase)/room", headers: review.staffHeaders)
            try await staff.wait("the opening") { $0.last("presenter") != nil }
            try staff.send(["type": "present", "take_over": true])
            try await dana.wait("staff presenting") { ($0.last("presenter")?["presenter"] as? [String: Any])?["kind"] as? String == "staff" }
            #expect(dana.last("presenter")?["frame"] as? Int == 42, "the new presenter starts where the last one was")
            let samID = try #require(try await server.catalog.collaborators(sessionID: review.sessionID).first { $0.name == "Sam" }?.id)
            try staff.send(["type": "hand_over", "to": samID.uuidString])
            try await late.wait("Sam presenting") { ($0.last("presenter")?["presenter"] as? [String: Any])?["name"] as? String == "Sam" }
            // Dana no longer presents: her steps are refused.
            try dana.send(["type": "state", "frame": 3, "playing": false])
            try await dana.wait("the refusal") { $0.messages.filter { $0["type"] as? String == "error" }.count >= 1 }
            for client in [dana, sam, late, staff] { await client.close() }
        }
    }

    @Test("a collaborator whose access is revoked is let go (4003); staff see the room's events too")
    func revokedIsClosed() async throws {
        try await TestServer.run(room: RoomSettings(heartbeat: .milliseconds(200))) { server in
            let review = try await FeedbackAPITests.review(server)
            let dana = RoomClient(server, "\(review.base)/room", headers: review.cookie(review.dana))
            try await dana.wait("the opening") { $0.last("presence") != nil }
            #expect(try await server.admin.patch("\(review.staffBase)/collaborators/\(review.danaID)", ["revoked": true]).status == 200)
            let closing = try await dana.ended()
            #expect(closing?.closeCode == .unknown(4003))
        }
    }
}
