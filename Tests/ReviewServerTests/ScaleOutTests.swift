import Catalog
import Foundation
import HTTPTypes
import MediaTestSupport
import Testing

@testable import ReviewServer

/// Two API servers on one PostgreSQL catalog behave as one: what one learns, the other knows
/// (throttles, notification batches, event numbers, who is in a room and who presents), and a
/// room on one hears at once of a comment posted through the other.
///
/// The second server's rooms never poll (``RoomSettings/pollInterval`` of an hour): what
/// reaches them can only have come through the catalog's announcements (`LISTEN`/`NOTIFY`).
@Suite("Two servers on one catalog", .enabled(if: TestCatalogs.onPostgres, "PostgreSQL only: SQLite's catalog has one host"))
struct ScaleOutTests {
    static let deafRooms = RoomSettings(pollInterval: .seconds(3600))

    /// A client of server `b` with the same cookies as `client` of the first server.
    static func onServer(_ b: TestServer, as client: TestClient) -> (TestClient, [String: String]) {
        (TestClient(baseURL: b.baseURL), ["Cookie": "dailies_access=\(client.cookie ?? "")", "Origin": "http://review.test"])
    }

    @Test("a comment posted through one server reaches a room on the other at once, numbered in order; resuming works there")
    func roomsAcrossServers() async throws {
        try await TestServer.run { a in
            try await TestServer.run(room: Self.deafRooms, sharing: a) { b in
                let review = try await FeedbackAPITests.review(a)
                let comments = "\(review.base)/items/\(review.itemID)/comments"
                let samOnB = RoomClient(b, "\(review.base)/room", headers: review.cookie(review.sam))
                try await samOnB.wait("the opening") { $0.last("presence") != nil }

                #expect(try await review.dana.post(comments, ["text": "Through A"]).status == 201)
                try await samOnB.wait("A's comment on B") { $0.events.contains { Self.text(of: $0) == "Through A" } }

                // Posts through both servers at once: one numbering, no gaps, no repeats.
                let (samClientOnB, samCookie) = Self.onServer(b, as: review.sam)
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<10 {
                        group.addTask { try await review.dana.post(comments, ["text": "A\(index)"]).status }
                        group.addTask {
                            try await samClientOnB.send("POST", comments, json: ["text": "B\(index)"], headers: samCookie).status
                        }
                    }
                    for try await status in group { #expect(status == 201) }
                }
                let last = try await a.catalog.lastEventSeq(sessionID: review.sessionID)
                try await samOnB.wait("all 21 comments on B") { $0.seqs.last == last }
                let seqs = samOnB.seqs
                #expect(seqs == Array(seqs.first!...last), "in order, without gaps: \(seqs)")
                #expect(samOnB.events.compactMap(Self.text).count == 21)

                // A client that lost its connection to A resumes on B after what it had.
                let resumeAfter = seqs[seqs.count / 2]
                let resumed = RoomClient(b, "\(review.base)/room?after=\(resumeAfter)", headers: review.cookie(review.dana))
                try await resumed.wait("the rest, on B") { $0.seqs.last == last }
                #expect(resumed.seqs == Array((resumeAfter + 1)...last))
                await resumed.close()
                await samOnB.close()
            }
        }
    }

    @Test("who is in a room and who presents are the same on both servers")
    func presenceAndPresenterAcrossServers() async throws {
        try await TestServer.run { a in
            try await TestServer.run(room: Self.deafRooms, sharing: a) { b in
                let review = try await FeedbackAPITests.review(a)
                let danaOnA = RoomClient(a, "\(review.base)/room", headers: review.cookie(review.dana))
                try await danaOnA.wait("the opening") { $0.last("presenter") != nil }
                let samOnB = RoomClient(b, "\(review.base)/room", headers: review.cookie(review.sam))
                try await samOnB.wait("Dana and Sam present, on B") { Self.names(in: $0) == ["Dana", "Sam"] }
                try await danaOnA.wait("Dana and Sam present, on A") { Self.names(in: $0) == ["Dana", "Sam"] }

                try danaOnA.send(["type": "present"])
                try await samOnB.wait("Dana presenting, on B") {
                    ($0.last("presenter")?["presenter"] as? [String: Any])?["name"] as? String == "Dana"
                }
                try danaOnA.send(["type": "state", "item_id": review.itemID.uuidString, "frame": 41, "playing": false, "rate": "1/1"])
                try await samOnB.wait("frame 41, on B") { $0.last("presenter")?["frame"] as? Int == 41 }
                // The presenter is one per session, whichever server is asked.
                try samOnB.send(["type": "present"])
                try await samOnB.wait("the conflict, from B") { $0.last("error")?["code"] as? String == "conflict" }

                await samOnB.close()
                try await danaOnA.wait("Sam gone, on A") { Self.names(in: $0) == ["Dana"] }
                await danaOnA.close()
            }
        }
    }

    @Test("a guesser spreading passphrase attempts over both servers is throttled as on one")
    func throttlesAcrossServers() async throws {
        try await TestServer.run { a in
            try await TestServer.run(sharing: a) { b in
                // The same guesser (one address), alternating between the servers.
                let statuses = try await HardeningTests.guessPassphrases(on: [a, b]) { _ in "203.0.113.77" }
                #expect(statuses == [403, 403, 403, 403, 403, 429], "\(statuses)")
            }
        }
    }

    @Test("comments through both servers go into one mail batch for a client")
    func mailBatchesAcrossServers() async throws {
        try await TestServer.run { a in
            try await TestServer.run(sharing: a) { b in
                let review = try await FeedbackAPITests.review(a)
                let (client, _) = try await a.catalog.addCollaborator(sessionID: review.sessionID, name: "Client",
                                                                      email: "client@example.com", role: .reviewer)
                let comments = "\(review.base)/items/\(review.itemID)/comments"
                #expect(try await review.dana.post(comments, ["text": "From A"]).status == 201)
                let (samOnB, samCookie) = Self.onServer(b, as: review.sam)
                #expect(try await samOnB.send("POST", comments, json: ["text": "From B"], headers: samCookie).status == 201)

                let mails = try await b.catalog.jobs(JobFilter(kind: .notify), page: .all).items.filter {
                    (try? $0.decodePayload(NotifyJob.self))?.recipient.id == client.id
                }
                #expect(mails.count == 1, "one batch, whichever server took each comment: \(mails)")
            }
        }
    }

    static func text(of event: [String: Any]) -> String? {
        ((event["data"] as? [String: Any])?["comment"] as? [String: Any])?["text"] as? String
    }

    static func names(in client: RoomClient) -> [String] {
        ((client.last("presence")?["participants"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.sorted()
    }
}
