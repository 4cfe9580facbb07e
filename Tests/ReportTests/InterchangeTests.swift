import Catalog
import Foundation
import FrameTime
import MediaTestSupport
import Report
import Testing

/// The CSV, OpenTimelineIO and EDL writers, with the OTIO and EDL read back by
/// OpenTimelineIO itself (`Tests/Peers/read_interchange.py` in the project's venv).
///
/// The fixtures: an item at 23.976 from `01:00:00:00`; one at 29.97 drop-frame from
/// `01:00:59;28`, two frames before the label `01:01:00;02` that follows two skipped ones;
/// and a sequence from frame 1001 with no timecode. Expected frame counts of timecodes are
/// written out as OTIO's `from_timecode` counts them, not computed with our own `Timecode`.
@Suite("Editorial interchange")
struct InterchangeTests {
    // MARK: CSV

    @Test("CSV: a BOM, a header row, CRLF rows, and RFC 4180 quoting with doubled quotes")
    func csvQuoting() throws {
        let csv = CommentsCSV.render(Fixtures.session)
        #expect(csv.hasPrefix("\u{FEFF}item,version,author,date (Europe/London),frame,range,timecode,item status,"
                              + "author status,resolved,internal,text,replies,comment id\r\n"))
        let rows = Array(csv.dropFirst().components(separatedBy: "\r\n").dropLast())
        // The header and six comments; no row is broken by the line ends inside quoted cells
        // (split on CRLF, the quoted LF of a reply list stays inside its row).
        #expect(rows.count == 7, "\(rows)")
        #expect(csv.hasSuffix("\r\n"))
        #expect(rows[1] == "sh010 comp,sh010_comp_v003,Dana Client,2026-03-05T14:07:09+00:00,5,,01:00:00:05,"
                + "requires changes,requires changes,no,no,"
                + "\"Matte edge flickers, left of frame: \"\"fix\"\" it\",,\(Fixtures.ids[0])")
        #expect(rows[2].contains(",\"Sam (staff): on it\nDana Client: thanks, \"\"great\"\"\","),
                "replies share a quoted cell, one a line: \(rows[2])")
    }

    @Test("CSV: a comment that starts with =, +, -, @, a tab or a CR comes out inert, read back by Python's csv")
    func csvFormulasAreInert() async throws {
        var timeline = Fixtures.session
        timeline.clips = [Fixtures.comp]
        let starts = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
                      "ok = fine", "'quoted already"]
        timeline.clips[0].markers = starts.enumerated().map { index, text in
            Fixtures.marker(index: index, author: index == 0 ? "=cmd|' /C calc'!A0" : "Dana Client", text: text, first: index,
                            last: index)
        }
        let csv = CommentsCSV.render(timeline)
        let rows = try await Python.csvRows(csv)
        #expect(rows.count == starts.count + 1)
        let texts = rows.dropFirst().map { $0[11] }
        #expect(texts == ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+1", "'-2+3", "'@SUM(A1:A2)", "'\t=1+1",
                          "'\r=1+1", "ok = fine", "'quoted already"])
        #expect(rows[1][2] == "'=cmd|' /C calc'!A0", "names are guarded too")
        #expect(CommentsCSV.inert("") == "")
        #expect(CommentsCSV.inert("-") == "'-")
    }

    @Test("CSV: negative frame numbers stay numbers; a range that starts below zero is guarded text")
    func csvNegativeFrames() async throws {
        var timeline = Fixtures.session
        timeline.clips = [Fixtures.sequence]
        timeline.clips[0].firstFrameNumber = -10
        timeline.clips[0].markers = [
            Fixtures.marker(index: 0, text: "before zero", first: 0, last: 5),
            Fixtures.marker(index: 1, text: "single", first: 3, last: 3),
            Fixtures.marker(index: 2, text: "across zero", first: 8, last: 12),
        ]
        let rows = try await Python.csvRows(CommentsCSV.render(timeline))
        #expect(rows.dropFirst().map { [$0[4], $0[5]] } == [["-10", "'-10--5"], ["-7", ""], ["-2", "'-2-2"]])
        let csv = CommentsCSV.render(timeline)
        #expect(csv.contains(",-10,'-10--5,"), "the frame cell is a bare number")
    }

    @Test("CSV: dates in the timeline's zone with their offset; frame numbers and timecodes as people know them")
    func csvLabels() async throws {
        let rows = try await Python.csvRows(CommentsCSV.render(Fixtures.session))
        #expect(rows[0][3] == "date (Europe/London)")
        // Winter is +00:00 in London, summer +01:00.
        #expect(rows[1][3] == "2026-03-05T14:07:09+00:00")
        #expect(rows[3][3] == "2026-07-01T13:30:00+01:00")
        // item, version, frame, range, timecode, item status, author status, resolved, internal
        #expect(rows.dropFirst().map { [$0[0], $0[1], $0[4], $0[5], $0[6], $0[7], $0[8], $0[9], $0[10]] } == [
            ["sh010 comp", "sh010_comp_v003", "5", "", "01:00:00:05", "requires changes", "requires changes", "no", "no"],
            ["sh010 comp", "sh010_comp_v003", "10", "10-20", "01:00:00:10", "requires changes", "", "yes", "no"],
            ["Chase", "sh020_grade_v012", "2", "", "01:01:00;02", "pending", "approved", "no", "no"],
            ["Chase", "sh020_grade_v012", "100", "100-119", "01:01:03;10", "pending", "", "no", "yes"],
            ["Ærøskøbing plate", "sh030_plate_v001", "1042", "", "00:00:01:17", "approved", "", "no", "no"],
            ["Ærøskøbing plate", "sh030_plate_v001", "1001", "1001-1060", "00:00:00:00", "approved", "", "no", "no"],
        ])
        #expect(rows[2][11] == "'=HYPERLINK(\"http://evil.example\",\"click\")")
        #expect(rows[1][13] == Fixtures.ids[0])
    }

    // MARK: OpenTimelineIO

    @Test("OTIO: the schemas OTIO 0.17 writes, one Clip.2 per item, sorted keys, the same bytes every time")
    func otioStructure() throws {
        let data = try OTIOWriter.render(Fixtures.session)
        #expect(try OTIOWriter.render(Fixtures.session) == data)
        let text = try #require(String(data: data, encoding: .utf8))
        // Sorted keys: the document's own, at the first level of indentation, in order.
        let topKeys = text.components(separatedBy: "\n").filter { $0.hasPrefix("  \"") }
            .map { $0.dropFirst(3).prefix { $0 != "\"" } }
        #expect(topKeys == ["OTIO_SCHEMA", "global_start_time", "metadata", "name", "tracks"])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["OTIO_SCHEMA"] as? String == "Timeline.1")
        #expect(json["name"] as? String == "Grade review — week 12")
        #expect(json["global_start_time"] is NSNull)
        let stack = try #require(json["tracks"] as? [String: Any])
        #expect(stack["OTIO_SCHEMA"] as? String == "Stack.1")
        let tracks = try #require(stack["children"] as? [[String: Any]])
        #expect(tracks.count == 1)
        #expect(tracks[0]["OTIO_SCHEMA"] as? String == "Track.1")
        #expect(tracks[0]["kind"] as? String == "Video")
        let clips = try #require(tracks[0]["children"] as? [[String: Any]])
        #expect(clips.map { $0["OTIO_SCHEMA"] as? String } == ["Clip.2", "Clip.2", "Clip.2"])
        #expect(clips.map { $0["active_media_reference_key"] as? String } == ["DEFAULT_MEDIA", "DEFAULT_MEDIA", "DEFAULT_MEDIA"])
        let references = clips.map { ($0["media_references"] as? [String: Any])?["DEFAULT_MEDIA"] as? [String: Any] }
        #expect(references.map { $0?["OTIO_SCHEMA"] as? String } == ["ExternalReference.1", "ExternalReference.1", "MissingReference.1"])
        let markers = try #require(clips[0]["markers"] as? [[String: Any]])
        #expect(markers.map { $0["OTIO_SCHEMA"] as? String } == ["Marker.2", "Marker.2"])

        // The drawing is the feedback format's JSON, unchanged.
        let dailies = try #require((markers[0]["metadata"] as? [String: Any])?["dailies"] as? [String: Any])
        let drawing = try JSONSerialization.data(withJSONObject: try #require(dailies["drawing"]))
        #expect(try JSONDecoder().decode(Drawing.self, from: drawing) == Fixtures.drawing)
        let catalogForm = try JSONSerialization.jsonObject(with: CatalogJSON.encoder.encode(Fixtures.drawing))
        #expect(try JSONSerialization.data(withJSONObject: catalogForm, options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: try #require(dailies["drawing"]), options: .sortedKeys))
        #expect(((markers[1]["metadata"] as? [String: Any])?["dailies"] as? [String: Any])?["drawing"] == nil,
                "no drawing, no key")
    }

    @Test("OTIO: OpenTimelineIO reads back the clips in order, the rates, and each marker on its frame in media time")
    func otioReadBack() async throws {
        let summary = try await Python.read(try OTIOWriter.render(Fixtures.session), as: "session.otio")
        let clips = try #require(summary.tracks.first?.clips)
        #expect(summary.name == "Grade review — week 12")
        #expect(summary.sameWhenRewritten == true, "OTIO writes back every field as we wrote it")
        #expect(summary.tracks.map(\.kind) == ["Video"])
        #expect(clips.map(\.name) == ["sh010 comp", "Chase", "Ærøskøbing plate"])
        #expect(clips.map(\.reference) == ["ExternalReference", "ExternalReference", "MissingReference"])
        #expect(clips.map(\.targetURL) == ["https://dailies.example/api/v1/versions/sh010/original", "https://dailies.example/api/v1/versions/sh020/proxy", nil])

        // Media time starts at the source timecode in frames (01:00:00:00 at 23.976 is 86400;
        // 01:00:59;28 drop-frame is 109690), or at 0 without one.
        let starts = [86400.0, 109690, 0]
        for (index, (clip, fixture)) in zip(clips, Fixtures.session.clips).enumerated() {
            let available = try #require(clip.availableRange)
            let source = try #require(clip.sourceRange)
            let exact = Double(fixture.rate.framesPerSecond.numerator) / Double(fixture.rate.framesPerSecond.denominator)
            for range in [available, source] {
                #expect(abs(range.rate - exact) < 1e-9, "\(clip.name): \(range.rate) is not \(fixture.rate)")
                #expect(range.start == starts[index] && range.duration == Double(fixture.frameCount), "\(clip.name)")
            }
            #expect(clip.markers.count == fixture.markers.count)
            for (marker, comment) in zip(clip.markers, fixture.markers) {
                #expect(marker.markedRange.start == starts[index] + Double(comment.first), "\(clip.name): \(comment.text)")
                #expect(marker.markedRange.duration == Double(comment.last - comment.first + 1))
                #expect(abs(marker.markedRange.rate - exact) < 1e-9)
                #expect(marker.name == comment.author)
                #expect(marker.comment == comment.text)
                #expect(marker.metadata.dailies?.commentID == comment.commentID.uuidString.lowercased())
                #expect(marker.metadata.dailies?.drawing == comment.drawing)
                #expect(marker.metadata.dailies?.replies == comment.replies)
            }
        }
        #expect(clips.map { $0.markers.first?.color } == ["RED", "YELLOW", "GREEN"])
        // The commented frame 1042 of the sequence is media time 41: the number the CSV and the
        // report print, less the first frame number.
        #expect(clips[2].markers[0].markedRange.start == Double(1042 - 1001))
    }

    // MARK: EDL

    @Test("EDL: items at different rates get an error naming each item and its rate")
    func edlMixedRates() throws {
        let error = try #require(throws: EDLWriterError.self) { try EDLWriter.render(Fixtures.session) }
        #expect(error.code == .mixedFrameRates)
        #expect(error.description.contains("23.976 fps (24000/1001): “sh010 comp”"), "\(error)")
        #expect(error.description.contains("29.97 fps (30000/1001): “Chase”"), "\(error)")
        #expect(error.description.contains("24 fps (24/1): “Ærøskøbing plate”"), "\(error)")
        #expect(throws: EDLWriterError.self) { try EDLWriter.render(Fixtures.session, markers: .resolveMarkers) }
        #expect(try EDLWriter.render(EditorialTimeline(title: "empty", clips: [], timeZone: .gmt))
                == "TITLE: empty\r\nFCM: NON-DROP FRAME\r\n")
    }

    @Test("EDL at 23.976: events, record side from 01:00:00:00, Avid LOC lines at the comments' source timecodes")
    func edlAvidLocators23976() throws {
        let edl = try EDLWriter.render(Fixtures.film)
        #expect(edl == """
            TITLE: Grade review — week 12\r
            FCM: NON-DROP FRAME\r
            \r
            001  AX       V     C        01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00\r
            * FROM CLIP NAME:  sh010 comp\r
            * SOURCE FILE: sh010_comp_v003.mov\r
            * LOC: 01:00:00:05 RED     Dana Client: Matte edge flickers, left of frame: "fix" it\r
            * LOC: 01:00:00:10 RED     Björk Guðmundsdóttir: =HYPERLINK("http://evil.example","click")\r
            \r
            002  AX       V     C        00:00:00:00 00:00:02:12 01:00:02:00 01:00:04:12\r
            * FROM CLIP NAME:  Ærøskøbing plate\r
            * SOURCE FILE: sh030_plate_v001.1001.exr\r
            * LOC: 00:00:01:17 GREEN   Dana Client: the horizon tilts at 1042\r
            * LOC: 00:00:00:00 GREEN   Dana Client: whole shot: warmer\r

            """)
    }

    @Test("EDL at 29.97 drop-frame: DROP FRAME, `;` timecodes, LOC lines at the labels after the skipped ones")
    func edlAvidLocatorsDropFrame() throws {
        let edl = try EDLWriter.render(Fixtures.video)
        let lines = edl.components(separatedBy: "\r\n")
        #expect(lines[1] == "FCM: DROP FRAME")
        #expect(lines[3] == "001  AX       V     C        01:00:59;28 01:01:04;00 01:00:00;00 01:00:04;00")
        #expect(lines[6] == "* LOC: 01:01:00;02 YELLOW  Sam (staff): the flare pops on the cut")
        #expect(lines[7] == "* LOC: 01:01:03;10 YELLOW  Dana Client: hold the grade")
        // No source timecode: 00:00:00;00 plus the index, in drop-frame like the list.
        #expect(lines[9] == "002  AX       V     C        00:00:00;00 00:00:01;00 01:00:04;00 01:00:05;00")
    }

    @Test("EDL at 23.976 read by the CMX 3600 adapter: the clips, their source ranges, the record side and the locators")
    func edlReadBack23976() async throws {
        let summary = try await Python.read(Data(try EDLWriter.render(Fixtures.film).utf8), as: "film.edl", rate: .fps23_976)
        let track = try #require(summary.tracks.first)
        #expect(summary.tracks.count == 1)
        #expect(track.clips.map(\.name) == ["sh010 comp", "Ærøskøbing plate"])
        #expect(track.clips.map { [$0.sourceRange?.start, $0.sourceRange?.duration] } == [[86400, 48], [0, 60]])
        #expect(track.clips.map { [$0.rangeInParent?.start, $0.rangeInParent?.duration] } == [[0, 48], [48, 60]])
        #expect(track.sourceRange?.start == -86400, "the record side starts at 01:00:00:00")
        // The adapter makes each LOC line a marker on its clip, at the source time, named by the text.
        #expect(track.clips[0].markers.map(\.markedRange.start) == [86405, 86410])
        #expect(track.clips[1].markers.map(\.markedRange.start) == [41, 0])
        #expect(track.clips[0].markers.map(\.name) == ["Dana Client: Matte edge flickers, left of frame: \"fix\" it",
                                                       "Björk Guðmundsdóttir: =HYPERLINK(\"http://evil.example\",\"click\")"])
        #expect(track.clips.flatMap { $0.markers.map(\.color) } == ["RED", "RED", "GREEN", "GREEN"])
        #expect(summary.locatorLines?.map(\.value) == [86405, 86410, 41, 0])
    }

    @Test("EDL at 29.97 drop-frame read by the CMX 3600 adapter: source ranges right; the adapter drops `;` locators")
    func edlReadBackDropFrame() async throws {
        let summary = try await Python.read(Data(try EDLWriter.render(Fixtures.video).utf8), as: "video.edl", rate: .fps29_97)
        let track = try #require(summary.tracks.first)
        #expect(track.clips.map(\.name) == ["Chase", "Plate B"])
        #expect(track.clips.map { [$0.sourceRange?.start, $0.sourceRange?.duration] } == [[109690, 120], [0, 30]])
        #expect(track.clips.map { $0.rangeInParent?.start } == [0, 120])
        #expect(track.sourceRange?.start == -107892, "the record side starts at 01:00:00;00")
        // The pinned adapter's locator pattern takes colons only, so it drops these lines; if a
        // newer one reads them, check their frames here.
        #expect(track.clips.allSatisfy { $0.markers.isEmpty })
        // Where the lines point, counted by OTIO's from_timecode: frames 2 and 100 of the item
        // after 01:00:59;28, and frame 0 of the one without timecode.
        let locators = try #require(summary.locatorLines)
        #expect(locators.map(\.event) == [0, 0, 1])
        #expect(locators.map(\.value) == [109692, 109790, 0])
    }

    @Test("EDL, Resolve's marker form: one event per comment at its record timecode, with |C: |M: |D:")
    func edlResolveMarkers() async throws {
        let edl = try EDLWriter.render(Fixtures.film, markers: .resolveMarkers)
        #expect(edl == """
            TITLE: Grade review — week 12\r
            FCM: NON-DROP FRAME\r
            \r
            001  001      V     C        01:00:00:05 01:00:00:06 01:00:00:05 01:00:00:06\r
            Matte edge flickers, left of frame: "fix" it |C:ResolveColorRed |M:Dana Client |D:1\r
            \r
            002  001      V     C        01:00:00:10 01:00:00:11 01:00:00:10 01:00:00:11\r
            =HYPERLINK("http://evil.example","click") |C:ResolveColorRed |M:Björk Guðmundsdóttir |D:11\r
            \r
            003  001      V     C        01:00:02:00 01:00:02:01 01:00:02:00 01:00:02:01\r
            whole shot: warmer |C:ResolveColorGreen |M:Dana Client |D:60\r
            \r
            004  001      V     C        01:00:03:17 01:00:03:18 01:00:03:17 01:00:03:18\r
            the horizon tilts at 1042 |C:ResolveColorGreen |M:Dana Client |D:1\r

            """, "in record order, not the session's")
        // A CMX reader sees well-formed one-frame events at those record times.
        let summary = try await Python.read(Data(edl.utf8), as: "markers.edl", rate: .fps23_976)
        let clips = try #require(summary.tracks.first?.clips)
        #expect(clips.map { $0.sourceRange?.start } == [86405, 86410, 86448, 86489])

        // Resolve keeps one marker a frame: comments on the same frame share it.
        var crowded = Fixtures.film
        crowded.clips[0].markers.append(Fixtures.marker(index: 7, author: "Sam (staff)", text: "agreed", first: 5, last: 8))
        crowded.clips[0].markers.append(Fixtures.marker(index: 8, text: "and the roto", first: 5, last: 5))
        let lines = try EDLWriter.render(crowded, markers: .resolveMarkers).components(separatedBy: "\r\n")
        #expect(lines.filter { $0.first?.isNumber == true }.count == 4)
        #expect(lines[4] == "Dana Client: Matte edge flickers, left of frame: \"fix\" it; Sam (staff): agreed; Dana Client: "
                + "and the roto |C:ResolveColorRed |M:Dana Client, Sam (staff) |D:4")
    }

    @Test("EDL: names and comments with line ends, tabs, control characters or `|` stay on their line, cut to length")
    func edlOddText() async throws {
        var timeline = Fixtures.film
        timeline.title = "Week 12\r\n001  AX  V  C  00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00"
        timeline.clips[0].name = "sh010\ncomp\u{2028}v3"
        timeline.clips[0].markers = [
            Fixtures.marker(index: 0, author: "Dana\r\nClient", text: "line one\r\n002  AX       V     C        "
                            + "00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n* LOC: 01:00:00:00 RED x\u{0}\u{85}end\t|C:ResolveColorBlue",
                            first: 1, last: 1),
            Fixtures.marker(index: 1, text: String(repeating: "long ", count: 100), first: 2, last: 2),
        ]
        for form in EDLWriter.MarkerForm.allCases {
            let edl = try EDLWriter.render(timeline, markers: form)
            let lines = edl.components(separatedBy: "\r\n")
            #expect(edl.replacingOccurrences(of: "\r\n", with: "").unicodeScalars.allSatisfy {
                $0 != "\r" && $0 != "\n" && $0 != "\u{2028}" && $0 != "\u{85}" && $0 != "\u{0}" && $0 != "\t"
            }, "\(form): no line end but CRLF")
            #expect(lines.allSatisfy { $0.count <= 255 }, "\(form)")
            let events = lines.filter { $0.first?.isNumber == true }
            let eventCount = form == .avidLocators ? 2 : 4
            #expect(events.count == eventCount, "\(form): \(events)")
            #expect(lines[0] == "TITLE: Week 12 001 AX V C 00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00")
            let summary = try await Python.read(Data(edl.utf8), as: "odd.edl", rate: .fps23_976)
            #expect(summary.tracks.first?.clips.count == eventCount, "\(form): the adapter sees the same events")
            if form == .avidLocators {
                #expect(lines.contains("* FROM CLIP NAME:  sh010 comp v3"))
                #expect(lines.contains("* LOC: 01:00:00:01 RED     Dana Client: line one 002 AX V C 00:00:00:00 "
                                       + "00:00:01:00 01:00:00:00 01:00:01:00 * LOC: 01:00:00:00 RED x end |C:ResolveColorBlue"))
                let long = try #require(lines.first { $0.hasPrefix("* LOC: 01:00:00:02") })
                #expect(long.hasSuffix("long lo..."))
                #expect(long.count == "* LOC: 01:00:00:02 RED     Dana Client: ".count + 160)
                #expect(summary.tracks.first?.clips.first?.markers.count == 2)
            } else {
                #expect(lines.contains { $0.hasSuffix("01:00:00:00 01:00:01:00 * LOC: 01:00:00:00 RED x end "
                                                      + "/C:ResolveColorBlue |C:ResolveColorRed |M:Dana Client |D:1") })
            }
        }
    }
}

// MARK: - Fixtures

private enum Fixtures {
    static let ids = (0..<12).map { String(format: "00000000-0000-4000-8000-%012d", $0) }

    static let drawing = Drawing(
        display: .init(width: 1920, height: 1080, pixelAspect: Rational(1)), hold: true,
        shapes: [
            Shape(id: UUID(uuidString: "11111111-1111-4111-8111-111111111111")!, color: "#FF3B30FF",
                  .arrow(from: .init(0.25, 0.5), to: .init(0.6, 0.4), width: 0.004)),
            Shape(id: UUID(uuidString: "22222222-2222-4222-8222-222222222222")!, color: "#34C759CC",
                  .stroke(points: [.init(0.1, 0.1, pressure: 0.5), .init(0.125, 0.15), .init(0.2, 0.3333333333333333)],
                          width: 0.01)),
            Shape(id: UUID(uuidString: "33333333-3333-4333-8333-333333333333")!, color: "#FFFFFFFF",
                  .text(at: .init(0.7, 0.1), text: "edge ↗", size: 0.03)),
        ])

    static func marker(index: Int, author: String = "Dana Client", text: String, first: Int, last: Int,
                       at seconds: TimeInterval = 1_772_719_629, resolved: Bool = false, isInternal: Bool = false,
                       authorStatus: ReviewStatus? = nil, drawing: Drawing? = nil, replies: [String] = []) -> EditorialTimeline.Marker {
        EditorialTimeline.Marker(
            commentID: UUID(uuidString: ids[index])!, author: author, text: text, first: first, last: last,
            createdAt: Date(timeIntervalSince1970: seconds), isInternal: isInternal, isResolved: resolved,
            authorStatus: authorStatus, drawing: drawing, replies: replies)
    }

    /// 23.976 from 01:00:00:00, 48 frames, requires changes.
    static let comp = EditorialTimeline.Clip(
        itemID: UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000001")!, name: "sh010 comp", versionName: "sh010_comp_v003",
        rate: .fps23_976, frameCount: 48, firstFrameNumber: 0,
        startTimecode: try! Timecode("01:00:00:00", rate: .fps23_976),
        mediaURL: "https://dailies.example/api/v1/versions/sh010/original", mediaFileName: "sh010_comp_v003.mov",
        status: .requiresChanges,
        markers: [
            marker(index: 0, text: "Matte edge flickers, left of frame: \"fix\" it", first: 5, last: 5,
                   authorStatus: .requiresChanges, drawing: drawing),
            marker(index: 1, author: "Björk Guðmundsdóttir", text: "=HYPERLINK(\"http://evil.example\",\"click\")",
                   first: 10, last: 20, resolved: true, replies: ["Sam (staff): on it", "Dana Client: thanks, \"great\""]),
        ])

    /// 29.97 drop-frame from 01:00:59;28, 120 frames, pending.
    static let chase = EditorialTimeline.Clip(
        itemID: UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000002")!, name: "Chase", versionName: "sh020_grade_v012",
        rate: .fps29_97, frameCount: 120, firstFrameNumber: 0,
        startTimecode: try! Timecode("01:00:59;28", rate: .fps29_97),
        mediaURL: "https://dailies.example/api/v1/versions/sh020/proxy", mediaFileName: "sh020_grade_v012.mov",
        status: .pending,
        markers: [
            marker(index: 2, author: "Sam (staff)", text: "the flare pops on the cut", first: 2, last: 2,
                   at: 1_782_909_000, authorStatus: .approved),
            marker(index: 3, text: "hold the grade", first: 100, last: 119, isInternal: true),
        ])

    /// A sequence from 1001 at 24 with no timecode, 60 frames, approved, no media URL.
    static let sequence = EditorialTimeline.Clip(
        itemID: UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000003")!, name: "Ærøskøbing plate",
        versionName: "sh030_plate_v001", rate: .fps24, frameCount: 60, firstFrameNumber: 1001, startTimecode: nil,
        mediaURL: nil, mediaFileName: "sh030_plate_v001.1001.exr", status: .approved,
        markers: [
            marker(index: 4, text: "the horizon tilts at 1042", first: 41, last: 41),
            marker(index: 5, text: "whole shot: warmer", first: 0, last: 59),
        ])

    /// The three rates together: fine for the CSV and the OTIO, too many for an EDL.
    static let session = EditorialTimeline(title: "Grade review — week 12", clips: [comp, chase, sequence],
                                           timeZone: TimeZone(identifier: "Europe/London")!)

    /// One rate, 23.976: the comp, and the sequence as if it were at 23.976 too.
    static var film: EditorialTimeline {
        var sequence = sequence
        sequence.rate = .fps23_976
        return EditorialTimeline(title: session.title, clips: [comp, sequence], timeZone: session.timeZone)
    }

    /// One rate, 29.97 drop-frame: the chase, and a plate without timecode.
    static var video: EditorialTimeline {
        let plate = EditorialTimeline.Clip(
            itemID: UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000004")!, name: "Plate B", versionName: "sh040_plate_v002",
            rate: .fps29_97, frameCount: 30, firstFrameNumber: 0, startTimecode: nil, mediaURL: nil, mediaFileName: nil,
            status: .approved, markers: [marker(index: 6, text: "ok", first: 0, last: 0)])
        return EditorialTimeline(title: "Chase review", clips: [chase, plate], timeZone: session.timeZone)
    }
}

// MARK: - The Python reader

/// What `Tests/Peers/read_interchange.py` reports.
private struct InterchangeSummary: Decodable {
    struct Range: Decodable {
        let start: Double
        let duration: Double
        let rate: Double
    }

    struct Track: Decodable {
        let name: String
        let kind: String
        let sourceRange: Range?
        let clips: [Clip]

        enum CodingKeys: String, CodingKey { case name, kind, sourceRange = "source_range", clips }
    }

    struct Clip: Decodable {
        let name: String
        let sourceRange: Range?
        let availableRange: Range?
        let rangeInParent: Range?
        let reference: String?
        let targetURL: String?
        let markers: [Marker]

        enum CodingKeys: String, CodingKey {
            case name, sourceRange = "source_range", availableRange = "available_range", rangeInParent = "range_in_parent"
            case reference, targetURL = "target_url", markers
        }
    }

    struct Marker: Decodable {
        let name: String
        let comment: String
        let color: String
        let markedRange: Range
        let metadata: Metadata

        enum CodingKeys: String, CodingKey { case name, comment, color, markedRange = "marked_range", metadata }
    }

    struct Metadata: Decodable {
        let dailies: Dailies?
    }

    /// Our keys, as written; the drawing through the feedback format's own decoder.
    struct Dailies: Decodable {
        let commentID: String
        let drawing: Drawing?
        let replies: [String]

        enum CodingKeys: String, CodingKey { case commentID = "comment_id", drawing, replies }
    }

    struct LocatorLine: Decodable {
        let event: Int
        let line: String
        let timecode: String
        let value: Double
    }

    let name: String
    let tracks: [Track]
    let locatorLines: [LocatorLine]?
    let sameWhenRewritten: Bool?

    enum CodingKeys: String, CodingKey {
        case name, tracks, locatorLines = "locator_lines", sameWhenRewritten = "same_when_rewritten"
    }
}

private enum Python {
    /// `contents`, in a file called `name` (`.otio` or `.edl`), as OpenTimelineIO reads it
    /// (an EDL at `rate`).
    static func read(_ contents: Data, as name: String, rate: FrameRate? = nil) async throws -> InterchangeSummary {
        try JSONDecoder().decode(InterchangeSummary.self,
                                 from: try await InterchangeReader.read(contents, as: name, rate: rate?.description))
    }

    static func csvRows(_ csv: String) async throws -> [[String]] {
        try await InterchangeReader.csvRows(csv)
    }
}
