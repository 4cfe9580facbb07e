import Foundation
import Media
import MediaTestSupport
import Testing

/// Reports and exports of a session on real media, through a real `dailies serve` and its
/// worker: the PDF rendered by poppler (`pdftoppm`, `pdftotext`) shows each commented frame
/// (its barcode says which) with the drawing where it was drawn, and names the frame as the
/// OTIO export places its marker; the exports read back with OpenTimelineIO.
@Suite("Reports on real media", .serialized)
struct ReportMediaTests {
    init() { Libav.setLogLevel(.quiet) }

    /// An item, the frame its drawn comment is on, and what people call that frame: worked
    /// out by hand from the fixture's facts (Fixtures/README.md), not by the code under test.
    struct Shot: Sendable {
        let name: String
        let fixture: String
        let frame: Int
        let number: Int
        let timecode: String
        /// OTIO's media time of frame 0: the start timecode as a frame count (0 without one).
        let mediaStart: Int
        let rate: Double
    }

    static let shots = [
        // 24000/1001 with no source timecode: from 00:00:00:00.
        Shot(name: "sh010", fixture: "h264-bframes-23976-editlist.mp4", frame: 41, number: 41, timecode: "00:00:01:17",
             mediaStart: 0, rate: 24000.0 / 1001),
        // 29.97 drop-frame from 00:59:59;28: frame 2 is 01:00:00;00 (minute 60 drops nothing).
        Shot(name: "sh020", fixture: "h264-2997df-tc005959.mov", frame: 2, number: 2, timecode: "01:00:00;00",
             mediaStart: 107_890, rate: 30000.0 / 1001),
        // A sequence from 1001 at 24 fps: frame 41 is file 1042.
        Shot(name: "sh030", fixture: "png-sequence/shot_010.1001.png", frame: 41, number: 1042, timecode: "00:00:01:17",
             mediaStart: 0, rate: 24),
    ]

    /// A drawn rectangle, in the picture's normalised coordinates: away from the barcode in
    /// the top quarter, its left edge in the fixtures' red bar, where no green is.
    static let box = (left: 0.08, top: 0.55, right: 0.6, bottom: 0.9)

    @Test("the PDF shows each commented frame with its drawing, names it as the OTIO does, and hides what its reader may not see")
    func report() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        let server = try ServeProcess(dataDirectory: data)
        defer { _ = server.stop() }
        let api = server.api
        #expect(try await api.send("PATCH", "/api/v1/organization", json: ["time_zone": "Europe/Paris"]).status == 200)

        // Three versions from the render farm, in one session, reviewed by a collaborator
        // whose name is beyond ASCII.
        let (project, _) = try await api.makeVersion("placeholder")
        var versions: [String] = []
        for shot in Self.shots {
            let ingested = try dailies(["ingest", "--data-dir", data, "--project", project, "--name", shot.name, Fixture.path(shot.fixture)])
            #expect(ingested.status == 0, "\(ingested.standardErrorText)")
            let listed = try await api.send("GET", "/api/v1/projects/\(project)/versions").json["data"] as? [[String: Any]] ?? []
            let version = try #require(listed.first { $0["name"] as? String == shot.name }?["id"] as? String)
            #expect(try await api.waitForMedia(version)["media_state"] as? String == "ready")
            versions.append(version)
        }
        let session = try #require(try await api.send("POST", "/api/v1/projects/\(project)/sessions", json: [
            "title": "Dailies 1 Dec", "version_ids": versions]).json["id"] as? String)
        let reviewer = ReviewClient(base: api.base, address: nil)
        #expect(try await reviewer.send("POST", "/api/v1/review/access", json: [
            "token": try await ServingTests.inviteToken(api, session: session, name: "Zoë Łukasiewicz")]).status == 200)
        let base = "/api/v1/review/sessions/\(session)"
        let items = try #require(try await reviewer.send("GET", base + "/items").json["data"] as? [[String: Any]])
        #expect(items.count == 3)

        // On each item: a drawn comment on the shot's frame, a formula, and staff's internal note.
        var drawn: [String: Shot] = [:]
        for (shot, item) in zip(Self.shots, items) {
            let itemID = try #require(item["id"] as? String)
            let media = try #require(item["media"] as? [String: Any])
            let drawing: [String: Any] = [
                "display": ["width": media["width"] as? Int ?? 0, "height": media["height"] as? Int ?? 0,
                            "pixel_aspect": media["pixel_aspect"] as? String ?? "1/1"],
                "shapes": [["id": UUID().uuidString, "type": "rectangle", "color": "#00FF00FF", "width": 0.012,
                            "from": [Self.box.left, Self.box.top], "to": [Self.box.right, Self.box.bottom]]],
            ]
            let comment = try await reviewer.send("POST", base + "/items/\(itemID)/comments", json: [
                "text": "Warmer here on \(shot.name)", "anchor": ["frame": shot.frame], "drawing": drawing])
            #expect(comment.status == 201, "\(comment.text)")
            let commentID = try #require(comment.json["id"] as? String)
            drawn[commentID] = shot
            _ = try await FeedbackMediaTests.readyReceipt(reviewer, session: session, comment: commentID)
            #expect(try await reviewer.send("POST", base + "/items/\(itemID)/comments", json: [
                "text": "=HYPERLINK(\"http://evil.example\")", "anchor": ["first": 0, "last": 10]]).status == 201)
            #expect(try await api.send("POST", "/api/v1/sessions/\(session)/items/\(itemID)/comments", json: [
                "text": "Internal only: rerender \(shot.name)", "internal": true]).status == 201)
        }
        let first = try #require(items[0]["id"] as? String)
        #expect(try await reviewer.send("PUT", base + "/items/\(first)/status", json: ["status": "requires_changes"]).status == 200)

        // Staff's report, internal comments included: a job whose progress the report shows.
        let asked = try await api.send("POST", base + "/reports", json: ["internal": true])
        #expect(asked.status == 202, "\(String(decoding: asked.body, as: UTF8.self))")
        let report = try await Self.ready(api, path: base + "/reports/\(try #require(asked.json["id"] as? String))")
        let progress = try #require(report["progress"] as? [String: Any])
        #expect(progress["done"] as? Int == progress["total"] as? Int && (progress["total"] as? Int ?? 0) == 9,
                "a poster and two commented frames per item: \(progress)")
        let pdf = try await api.send("GET", try #require(report["pdf_url"] as? String))
        #expect(pdf.status == 200 && pdf.headers["content-type"] == "application/pdf")
        let pdfPath = directory.path("staff.pdf")
        try pdf.body.write(to: URL(fileURLWithPath: pdfPath))

        // Real text: the comments, the frames as people name them, the zone, the UTF-8 name.
        let text = try PDFPages.text(pdfPath)
        for shot in Self.shots {
            #expect(text.contains("Warmer here on \(shot.name)") && text.contains("Internal only: rerender \(shot.name)"))
            #expect(text.contains("Frame \(shot.number) · \(shot.timecode)"), "\(shot.name)'s frame as people name it")
        }
        #expect(text.contains("Zoë Łukasiewicz") && text.contains("Europe/Paris") && text.contains("requires changes"))
        #expect(text.contains("Dailies 1 Dec"))

        // Rendered: as many pages as it says, and each commented frame's picture shows that
        // frame, its drawing's left edge where the normalised place puts it.
        let pages = try PDFPages.render(pdfPath, into: directory.path("staff"))
        #expect(pages.count == report["pages"] as? Int)
        let pictures = try #require(report["pictures"] as? [[String: Any]])
        #expect(pictures.count == 6 && Set(drawn.keys).isSubset(of: pictures.compactMap { $0["comment_id"] as? String }),
                "every comment on frames shows its frame")
        for placed in pictures {
            let page = try PDFPages.picture(ofPage: pages[(placed["page"] as? Int ?? 1) - 1])
            let box = ["x", "y", "width", "height"].map { (placed[$0] as? Double ?? 0) }
            let picture = PDFPages.picture(on: page, x: box[0], y: box[1], width: box[2], height: box[3])
            #expect(FrameBarcode.read(picture)?.index == placed["frame"] as? Int, "the report shows the commented frame: \(placed)")
            guard let shot = drawn[placed["comment_id"] as? String ?? ""] else { continue }
            #expect(placed["frame"] as? Int == shot.frame && placed["source"] as? String == "receipt")
            // The rectangle's left edge, in the rendered page's pixels (100 dpi).
            let (x, y, width, height) = (box[0] * 100 / 72, box[1] * 100 / 72, box[2] * 100 / 72, box[3] * 100 / 72)
            let row = Int((y + height * (Self.box.top + Self.box.bottom) / 2).rounded())
            let expected = x + width * Self.box.left
            let edge = (Int(expected) - 12...Int(expected) + 12).first { Self.isDrawnGreen(page, x: $0, y: row) }
            #expect(edge.map { abs(Double($0) - expected) <= 3 } == true,
                    "\(shot.name): the rectangle's left edge is at \(expected) px, found at \(edge.map(String.init) ?? "none")")
        }

        // The OTIO export places each drawn comment's marker on the same frame, in media time.
        let otio = try await api.send("GET", base + "/exports/timeline.otio")
        #expect(otio.status == 200, "\(String(decoding: otio.body, as: UTF8.self))")
        let read = try JSONSerialization.jsonObject(with: try await InterchangeReader.read(otio.body, as: "session.otio"))
        let tracks = try #require((read as? [String: Any])?["tracks"] as? [[String: Any]])
        let clips = try #require(tracks.first?["clips"] as? [[String: Any]])
        #expect(clips.map { $0["name"] as? String } == Self.shots.map(\.name))
        for (clip, shot) in zip(clips, Self.shots) {
            let available = try #require(clip["available_range"] as? [String: Any])
            #expect(abs((available["rate"] as? Double ?? 0) - shot.rate) < 1e-9)
            #expect(available["start"] as? Double == Double(shot.mediaStart), "\(shot.name): \(available)")
            let markers = clip["markers"] as? [[String: Any]] ?? []
            let marker = try #require(markers.first { ($0["comment"] as? String)?.hasPrefix("Warmer") == true })
            let marked = try #require(marker["marked_range"] as? [String: Any])
            #expect(marked["start"] as? Double == Double(shot.mediaStart + shot.frame), "\(shot.name): \(marker)")
            #expect(!markers.contains { ($0["comment"] as? String)?.hasPrefix("Internal") == true }, "internal left out by default")
        }

        // The CSV makes the client's formula inert; one EDL has one rate.
        let csv = try await api.send("GET", base + "/exports/comments.csv")
        let csvText = String(decoding: csv.body, as: UTF8.self)
        #expect(csv.status == 200 && csvText.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "\(csvText.prefix(600))")
        let edl = try await api.send("GET", base + "/exports/timeline.edl")
        #expect(edl.status == 422 && String(decoding: edl.body, as: UTF8.self).contains("sh020"))
        let single = try await api.send("GET", base + "/exports/timeline.edl?items=\(items[1]["id"] as? String ?? "")")
        #expect(single.status == 200 && String(decoding: single.body, as: UTF8.self).contains("* LOC: 01:00:00;00"),
                "\(String(decoding: single.body, as: UTF8.self))")

        // The collaborator: refused until the session allows exports; never internal comments.
        #expect(try await reviewer.send("POST", base + "/reports", json: [:]).status == 403)
        #expect(try await reviewer.send("GET", base + "/exports/comments.csv").status == 403)
        #expect(try await api.send("PATCH", "/api/v1/sessions/\(session)", json: ["settings": ["allow_exports": true]]).status == 200)
        #expect(try await reviewer.send("POST", base + "/reports", json: ["internal": true]).status == 403)
        let theirs = try await reviewer.send("POST", base + "/reports", json: [:])
        #expect(theirs.status == 202)
        let made = try await Self.ready(reviewer, path: base + "/reports/\(try #require(theirs.json["id"] as? String))")
        let theirPDF = directory.path("collaborator.pdf")
        try await reviewer.send("GET", try #require(made["pdf_url"] as? String)).body.write(to: URL(fileURLWithPath: theirPDF))
        let theirText = try PDFPages.text(theirPDF)
        #expect(theirText.contains("Warmer here on sh010") && !theirText.contains("Internal only"))
        let reports = try await reviewer.send("GET", base + "/reports").json["data"] as? [[String: Any]] ?? []
        #expect(reports.count == 1, "a collaborator sees the reports made for them")
        let theirCSV = String(decoding: try await reviewer.send("GET", base + "/exports/comments.csv?internal=true").body, as: UTF8.self)
        #expect(theirCSV.contains("forbidden"), "internal comments are for staff only")

        // The same report from the command line, with the server running.
        let output = directory.path("cli.pdf")
        let cli = try dailies(["report", "--data-dir", data, session, "--internal", "--output", output])
        #expect(cli.status == 0, "\(cli.standardErrorText)")
        #expect(cli.standardErrorText.contains("report:") && cli.standardOutputText.contains("pages"))
        #expect(try PDFPages.text(output).contains("Internal only: rerender sh030"))
        let cliEDL = try dailies(["report", "--data-dir", data, session, "--format", "edl"])
        #expect(cliEDL.status == 65 && cliEDL.standardErrorText.contains("sh030"), "\(cliEDL.standardErrorText)")

        // Deleting the session deletes its reports, files and all.
        let folder = (data as NSString).appendingPathComponent("reports/\(session.lowercased())")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 3, "two by staff, one by the collaborator")
        #expect(try await api.send("DELETE", "/api/v1/sessions/\(session)?force=true").status == 204)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    /// Polls a report until it is ready (failing the test if it fails).
    static func ready(_ client: some ReportPoller, path: String) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            let report = try await client.json(path)
            switch report["state"] as? String {
            case "ready": return report
            case "failed": throw TestFailure("the report failed: \(report)")
            default: try await Task.sleep(for: .milliseconds(250))
            }
        }
        throw TestFailure("the report at \(path) was not made in 180 s")
    }

    /// The drawing's green, as painted (anti-aliased edges excepted).
    static func isDrawnGreen(_ picture: Picture, x: Int, y: Int) -> Bool {
        let offset = y * picture.bytesPerRow + x * 3
        return picture.pixels[offset] < 90 && picture.pixels[offset + 1] > 180 && picture.pixels[offset + 2] < 90
    }
}

/// A client that can read a report's state.
protocol ReportPoller: Sendable {
    func json(_ path: String) async throws -> [String: Any]
}

extension StaffAPI: ReportPoller {
    func json(_ path: String) async throws -> [String: Any] { try await send("GET", path).json }
}

extension ReviewClient: ReportPoller {
    func json(_ path: String) async throws -> [String: Any] { try await send("GET", path).json }
}
