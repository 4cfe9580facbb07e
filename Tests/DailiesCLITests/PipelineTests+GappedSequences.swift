import Foundation
import Media
import MediaTestSupport
import Testing

extension PipelineTests {
    @Test("gapped sequences from dailies ingest: the project's gap fill or the ingest's, gaps in the API, the frame map and grabs; a mostly invented one is refused")
    func gappedSequences() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        let server = try ServeProcess(dataDirectory: data)
        defer { _ = server.stop() }
        let api = server.api

        // The project fills gaps with a slate; one ingest says hold instead.
        let added = try dailies("project", "add", "Gaps", "--data-dir", data, "--gap-fill", "black")
        #expect(added.status == 0, "\(added.standardErrorText)")
        let projects = try await api.send("GET", "/api/v1/projects").json["data"] as? [[String: Any]] ?? []
        let project = try #require(projects.first { $0["name"] as? String == "Gaps" })
        let projectID = try #require(project["id"] as? String)
        #expect((project["defaults"] as? [String: Any])?["gap_fill"] as? String == "black")
        let changed = try await api.send("PATCH", "/api/v1/projects/\(projectID)", json: ["defaults": ["gap_fill": "slate"]])
        #expect((changed.json["defaults"] as? [String: Any])?["gap_fill"] as? String == "slate", "\(changed.json)")
        let wrong = try await api.send("PATCH", "/api/v1/projects/\(projectID)", json: ["defaults": ["gap_fill": "grey"]])
        #expect(wrong.status == 400)

        let slated = Fixture.gapped[1]
        let held = Fixture.gapped[2]
        for (name, fixture, flags) in [("slated", slated, [String]()), ("held", held, ["--gap-fill", "hold"])] {
            let ingested = try dailies(["ingest", "--data-dir", data, "--project", "Gaps", "--name", name] + flags + [fixture.path])
            #expect(ingested.status == 0, "\(ingested.standardErrorText)")
        }
        // Two files 4998 numbers apart: refused before anything is stored, naming the gaps.
        try FileManager.default.createDirectory(atPath: directory.path("stray"), withIntermediateDirectories: false)
        let stray = try GappedFixture.mostlyMissing(in: directory.path("stray"))
        let refused = try dailies("ingest", "--data-dir", data, "--project", "Gaps", "--name", "stray", stray)
        #expect(refused.status == 65 && refused.standardErrorText.contains("mostlyMissing"), "\(refused.standardErrorText)")
        #expect(refused.standardErrorText.contains("(2–4999)"))

        let versions = try await api.send("GET", "/api/v1/projects/\(projectID)/versions").json["data"] as? [[String: Any]] ?? []
        #expect(Set(versions.compactMap { $0["name"] as? String }) == ["slated", "held"], "the refused sequence made no version")
        for (name, fixture, fill) in [("slated", slated, "slate"), ("held", held, "hold")] {
            let version = try #require(versions.first { $0["name"] as? String == name }?["id"] as? String)
            #expect(try await api.waitForMedia(version)["media_state"] as? String == "ready", "\(name)")
            let missing = fixture.missingFrames.map { [$0.lowerBound, $0.upperBound] }

            // The original says how it was read (file numbers); the proxy what the player needs (indices).
            let components = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]] ?? []
            let original = try #require(components.first { $0["kind"] as? String == "original" }?["media_info"] as? [String: Any])
            let sequence = try #require(original["sequence"] as? [String: Any])
            #expect(sequence["gaps"] as? [[Int]] == fixture.gaps.map { [$0.lowerBound, $0.upperBound] })
            #expect(sequence["first_number"] as? Int == fixture.firstNumber && sequence["allow_gaps"] as? Bool == false)
            #expect(sequence["gap_fill"] as? String == (name == "held" ? "hold" : nil), "only what the ingest chose")
            let playback = try #require(components.first { $0["kind"] as? String == "proxy" }?["media_info"] as? [String: Any])
            #expect(playback["missing"] as? [[Int]] == missing && playback["gap_fill"] as? String == fill, "\(playback)")
            #expect(playback["frame_count"] as? Int == fixture.frameCount && playback["first_frame_number"] as? Int == fixture.firstNumber)

            let frameMap = try await api.send("GET", "/api/v1/versions/\(version)/download/framemap")
            #expect((try JSONSerialization.jsonObject(with: frameMap.body) as? [String: Any])?["missing"] as? [[Int]] == missing)

            for frame in 0..<fixture.frameCount {
                let grab = try await api.send("GET", "/api/v1/versions/\(version)/frames/\(frame)?width=128")
                let path = directory.path("\(name)-frame-\(frame)-grab.jpg")
                try grab.body.write(to: URL(fileURLWithPath: path))
                let barcode = FrameBarcode.read(try #require(try VideoFrameReader(path).next(.gray8)).picture)?.index
                let expected = fill == "hold" || !fixture.isMissing(frame) ? fixture.heldBarcode(frame) : nil
                #expect(barcode == expected, "\(name) frame \(frame)")
            }
        }

        // The player's view of an item: the same ranges.
        let slatedID = try #require(versions.first { $0["name"] as? String == "slated" }?["id"] as? String)
        let session = try #require(try await api.send("POST", "/api/v1/projects/\(projectID)/sessions", json: [
            "title": "Gaps", "version_ids": [slatedID]]).json["id"] as? String)
        let items = try await api.send("GET", "/api/v1/review/sessions/\(session)/items").json["data"] as? [[String: Any]] ?? []
        let media = try #require(items.first?["media"] as? [String: Any])
        #expect(media["missing"] as? [[Int]] == slated.missingFrames.map { [$0.lowerBound, $0.upperBound] })
        #expect(media["gap_fill"] as? String == "slate" && media["frame_map_url"] is String)
    }
}
