import Crypto
import Foundation
import Media
import MediaTestSupport
import Testing

/// Comments on real media through a real `dailies serve` and its worker: the numbers and
/// timecodes people know come back beside each frame index, and the frame receipt is the
/// anchored frame (its barcode says so) with the hash of exactly that picture.
@Suite("Feedback on real media", .serialized)
struct FeedbackMediaTests {
    init() { Libav.setLogLevel(.quiet) }

    struct Case: Sendable, CustomStringConvertible {
        let fixture: String
        /// A frame comment, and a range whose receipt is its first frame.
        let frame: Int
        let range: ClosedRange<Int>
        /// What people call `frame`, and the range's ends: worked out by hand from the
        /// fixture's facts (Fixtures/README.md), not by the code under test.
        let number: Int
        let timecode: String
        let firstTimecode: String
        let lastTimecode: String
        var description: String { fixture }
    }

    static let cases: [Case] = [
        // 24000/1001, no source timecode: counted from 00:00:00:00 (non-drop at 23.976).
        Case(fixture: "h264-bframes-23976-editlist.mp4", frame: 41, range: 24...60, number: 41,
             timecode: "00:00:01:17", firstTimecode: "00:00:01:00", lastTimecode: "00:00:02:12"),
        // 29.97 drop-frame from 00:59:59;28, across the hour: minute 60 is a tenth minute, so
        // no frame numbers are dropped there and 01:00:00;00 follows 00:59:59;29.
        Case(fixture: "h264-2997df-tc005959.mov", frame: 2, range: 1...3, number: 2,
             timecode: "01:00:00;00", firstTimecode: "00:59:59;29", lastTimecode: "01:00:00;01"),
        // A sequence from 1001 at 24 fps.
        Case(fixture: "png-sequence/shot_010.1001.png", frame: 41, range: 0...47, number: 1042,
             timecode: "00:00:01:17", firstTimecode: "00:00:00:00", lastTimecode: "00:00:01:23"),
        // After a gap (1005 is missing), frame 7 is still file 1008, and its receipt shows it.
        Case(fixture: "dpx-gap/plate.1001.dpx", frame: 7, range: 5...9, number: 1008,
             timecode: "00:00:00:07", firstTimecode: "00:00:00:05", lastTimecode: "00:00:00:09"),
    ]

    @Test("anchored comments: labels from the frame map, receipts that read the anchored frame and hash its picture",
          arguments: cases)
    func receipts(_ test: Case) async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        let server = try ServeProcess(dataDirectory: data)
        defer { _ = server.stop() }
        let api = server.api
        let (_, version, session, reviewer, item) = try await Self.review(test.fixture, api: api, data: data)

        // A collaborator on one frame; staff on a range.
        let onFrame = try await reviewer.send("POST", "/api/v1/review/sessions/\(session)/items/\(item)/comments",
                                              json: ["text": "This frame", "anchor": ["frame": test.frame]])
        #expect(onFrame.status == 201, "\(onFrame.text)")
        let anchor = try #require(onFrame.json["anchor"] as? [String: Any])
        #expect(anchor["number"] as? Int == test.number && anchor["timecode"] as? String == test.timecode, "\(anchor)")
        let onRange = try await api.send("POST", "/api/v1/sessions/\(session)/items/\(item)/comments",
                                         json: ["text": "These frames", "anchor": ["first": test.range.lowerBound,
                                                                                   "last": test.range.upperBound]])
        #expect(onRange.status == 201)
        let range = try #require(onRange.json["anchor"] as? [String: Any])
        #expect(range["first_timecode"] as? String == test.firstTimecode && range["last_timecode"] as? String == test.lastTimecode,
                "\(range)")

        // The proxy the receipts were grabbed from, to grab the same frames independently.
        let components = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]] ?? []
        let proxy = try #require(components.first { $0["kind"] as? String == "proxy" }?["path"] as? String)
        let grabber = try FrameGrabber((data as NSString).appendingPathComponent(proxy))

        for (comment, frame) in [(onFrame.json, test.frame), (onRange.json, test.range.lowerBound)] {
            let id = try #require(comment["id"] as? String)
            let receipt = try await Self.readyReceipt(reviewer, session: session, comment: id)
            let still = try await reviewer.send("GET", try #require(receipt["url"] as? String))
            #expect(still.status == 200 && still.headers["content-type"] == "image/jpeg")
            let path = directory.path("frame-\(frame)-receipt.jpg")
            try still.body.write(to: URL(fileURLWithPath: path))
            let picture = try #require(try VideoFrameReader(path).next(.gray8)).picture
            #expect(FrameBarcode.read(picture)?.index == frame, "\(test.fixture): the receipt shows the anchored frame")
            let pixels = try grabber.picture(frame: frame, layout: .rgb24)
            #expect(receipt["sha256"] as? String == SHA256.hash(data: pixels.pixels).map { String(format: "%02x", $0) }.joined(),
                    "\(test.fixture): the receipt's hash is the grab's of frame \(frame)")
            #expect(picture.width == pixels.width && picture.height == pixels.height, "the still is at the proxy's size")
        }
    }

    @Test("dailies transfer: the preview changes nothing; the verdict lands on the version, the comment and its receipt in a note")
    func transfer() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        let server = try ServeProcess(dataDirectory: data)
        defer { _ = server.stop() }
        let api = server.api
        let (_, version, session, reviewer, item) = try await Self.review("h264-bframes-23976-editlist.mp4", api: api, data: data,
                                                                          task: "comp")
        let base = "/api/v1/review/sessions/\(session)"
        let comment = try await reviewer.send("POST", base + "/items/\(item)/comments",
                                              json: ["text": "The glint <b>pops</b>", "anchor": ["frame": 41]])
        let commentID = try #require(comment.json["id"] as? String)
        let receipt = try await Self.readyReceipt(reviewer, session: session, comment: commentID)
        #expect(try await reviewer.send("PUT", base + "/items/\(item)/status", json: ["status": "requires_changes"]).status == 200)

        func transfer(_ extra: String...) throws -> Subprocess {
            try dailies(["transfer", "--data-dir", data, "--session", session, "--by", "admin@dailies.local"] + extra)
        }
        let preview = try transfer("--preview")
        #expect(preview.status == 0, "\(preview.standardErrorText)")
        #expect(preview.standardOutputText.contains("sh010: requires changes; version pending review → requires changes; 1 new note"))
        #expect(preview.standardOutputText.contains("Preview: nothing changed."))
        #expect(try await api.send("GET", "/api/v1/versions/\(version)").json["status"] as? String == "pending review")

        let done = try transfer("--completable")
        #expect(done.status == 0 && done.standardOutputText.contains("Transferred: 1 notes, 1 statuses."), "\(done.standardOutputText)")
        let changed = try await api.send("GET", "/api/v1/versions/\(version)").json
        #expect(changed["status"] as? String == "requires changes" && changed["task_id"] is String)
        let notes = try #require(try await api.send("GET", "/api/v1/versions/\(version)/notes").json["data"] as? [[String: Any]])
        #expect(notes.count == 1)
        let note = try #require(notes.first)
        #expect(note["text"] as? String == "The glint <b>pops</b>" && note["completable"] as? Bool == true)
        #expect((note["author"] as? [String: Any])?["name"] as? String == "Dana")
        #expect(note["created_at"] as? String == comment.json["created_at"] as? String, "the comment's own date")
        #expect((note["anchor"] as? [String: Any])?["number"] as? Int == 41)
        let kept = try #require(note["receipt"] as? [String: Any])
        #expect(kept["sha256"] as? String == receipt["sha256"] as? String)
        let still = try await api.send("GET", try #require(kept["url"] as? String))
        #expect(still.status == 200 && still.headers["content-type"] == "image/jpeg")
        let path = directory.path("note-receipt.jpg")
        try still.body.write(to: URL(fileURLWithPath: path))
        #expect(FrameBarcode.read(try #require(try VideoFrameReader(path).next(.gray8)).picture)?.index == 41)

        let again = try transfer()
        #expect(again.standardOutputText.contains("1 already transferred") && again.standardOutputText.contains("0 notes, 0 statuses"),
                "\(again.standardOutputText)")
        let refused = try transfer("--changes-status", "redo")
        #expect(refused.status == 65 && refused.standardErrorText.contains("redo is not on the project's version status list"))
    }

    /// A version ingested from `fixture` by `dailies ingest` (as a studio's render farm would
    /// hand it over), its media ready, in a session that Dana reviews by her invite link.
    static func review(_ fixture: String, api: StaffAPI, data: String, task: String? = nil) async throws
        -> (project: String, version: String, session: String, reviewer: ReviewClient, item: String)
    {
        let (project, _) = try await api.makeVersion()
        let ingested = try dailies(["ingest", "--data-dir", data, "--project", project, "--name", "sh010"]
                                   + (task.map { ["--task", $0] } ?? []) + [Fixture.path(fixture)])
        #expect(ingested.status == 0, "\(ingested.standardErrorText)")
        let versions = try await api.send("GET", "/api/v1/projects/\(project)/versions").json["data"] as? [[String: Any]] ?? []
        let version = try #require(versions.first { $0["name"] as? String == "sh010" }?["id"] as? String)
        #expect(try await api.waitForMedia(version)["media_state"] as? String == "ready")
        let session = try #require(try await api.send("POST", "/api/v1/projects/\(project)/sessions", json: [
            "title": "Dailies", "version_ids": [version]]).json["id"] as? String)
        let reviewer = ReviewClient(base: api.base, address: nil)
        #expect(try await reviewer.send("POST", "/api/v1/review/access", json: [
            "token": try await ServingTests.inviteToken(api, session: session, name: "Dana")]).status == 200)
        let item = try #require((try await reviewer.send("GET", "/api/v1/review/sessions/\(session)/items")
            .json["data"] as? [[String: Any]])?.first?["id"] as? String)
        return (project, version, session, reviewer, item)
    }

    /// Waits for the comment's receipt to be ready (the worker grabs it), as the collaborator sees it.
    static func readyReceipt(_ client: ReviewClient, session: String, comment: String) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let answer = try await client.send("GET", "/api/v1/review/sessions/\(session)/comments/\(comment)")
            if let receipt = answer.json["receipt"] as? [String: Any], receipt["state"] as? String != "pending" {
                #expect(receipt["state"] as? String == "ready", "\(receipt)")
                return receipt
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("the receipt of comment \(comment) was not made in 120 s")
    }
}
