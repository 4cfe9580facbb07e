import Foundation
import Media
import MediaTestSupport
import Testing

@Suite("dailies transcode, thumbnail, bench-grab")
struct TranscodeCommandTests {
    @Test("transcode prints the manifest and writes the outputs")
    func transcode() throws {
        let directory = try TemporaryDirectory()
        let result = try dailies("transcode", Fixture.path("dnxhr-25-tc10.mxf"), "--out", directory.path("out"),
                                 "--profile", "review-720")
        #expect(result.status == 0, "\(result.standardErrorText)")
        let manifest = try JSONDecoder().decode(TranscodeManifest.self, from: result.standardOutput)
        #expect(manifest.profile == "review-720" && manifest.frameCount == 25)
        #expect(manifest.proxy?.startTimecode == "10:00:00:00")
        let written = try JSONDecoder().decode(
            TranscodeManifest.self, from: Data(contentsOf: URL(fileURLWithPath: directory.path("out/manifest.json"))))
        #expect(written == manifest)
        for file in manifest.files {
            let size = try FileManager.default.attributesOfItem(atPath: directory.path("out/\(file.name)"))[.size] as? Int
            #expect(size.map(Int64.init) == file.bytes, "\(file.name)")
        }
        #expect(result.standardErrorText.isEmpty, "no progress bar when standard error is not a terminal")
    }

    @Test("transcode refuses an unknown profile and bad media, leaving nothing behind")
    func transcodeErrors() throws {
        let directory = try TemporaryDirectory()
        let unknown = try dailies("transcode", Fixture.path("still.jpg"), "--out", directory.path("a"), "--profile", "huge")
        #expect(unknown.status == 64 && unknown.standardErrorText.contains("review-1080"))
        let broken = try dailies("transcode", Fixture.path("broken-truncated.mov"), "--out", directory.path("b"))
        #expect(broken.status == 65 && broken.standardErrorText.contains("truncated"))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory.path("b"))) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("thumbnail writes the frame asked for, by index, frame number or timecode")
    func thumbnail() throws {
        let directory = try TemporaryDirectory()
        let cases: [(String, [String], Int)] = [
            ("h264-2997df-tc005959.mov", ["--frame", "45"], 45),
            ("h264-2997df-tc005959.mov", ["--timecode", "01:00:00;00"], 2),
            ("png-sequence/shot_010.1001.png", ["--frame-number", "1042"], 41),
            ("h264-phone-rotated90.mp4", ["--frame", "12"], 12),
        ]
        for (number, (name, selection, expected)) in cases.enumerated() {
            for format in ["jpg", "png"] {
                // No trailing digits: numbered siblings would read as an image sequence.
                let out = directory.path("grab-\(["a", "b", "c", "d"][number]).\(format)")
                let result = try dailies(["thumbnail", Fixture.path(name), "--width", "320", "-o", out] + selection)
                #expect(result.status == 0, "\(result.standardErrorText)")
                let picture = try #require(try VideoFrameReader(out).next(.gray8)).picture
                #expect(picture.width == 320)
                #expect(FrameBarcode.read(picture)?.index == expected, "\(name) \(selection)")
            }
        }
        let raw = try dailies("thumbnail", Fixture.path("vp9-noaudio.webm"), "--frame", "5", "--width", "64",
                              "-o", directory.path("grab.rgb"))
        #expect(raw.status == 0 && raw.standardErrorText.contains("64×36 rgb24"))
        #expect((try Data(contentsOf: URL(fileURLWithPath: directory.path("grab.rgb")))).count == 64 * 36 * 3)
    }

    @Test("thumbnail refuses frames outside the media")
    func thumbnailErrors() throws {
        let directory = try TemporaryDirectory()
        let beyond = try dailies("thumbnail", Fixture.path("vp9-noaudio.webm"), "--frame", "48", "-o", directory.path("x.jpg"))
        #expect(beyond.status == 65 && beyond.standardErrorText.contains("invalidFrame"))
        let number = try dailies("thumbnail", Fixture.path("png-sequence/shot_010.1001.png"), "--frame-number", "7",
                                 "-o", directory.path("x.jpg"))
        #expect(number.status == 65 && number.standardErrorText.contains("1001–1048"))
        let both = try dailies("thumbnail", Fixture.path("still.jpg"), "--frame", "0", "--timecode", "00:00:00:00",
                               "-o", directory.path("x.jpg"))
        #expect(both.status == 64)
        #expect(!FileManager.default.fileExists(atPath: directory.path("x.jpg")))
    }

    @Test("a thousand grabs in one process keep resident memory flat")
    func grabsKeepMemoryFlat() throws {
        let proxy = try TranscodedFixtures.output(Fixture.named("h264-2997df-tc005959.mov"))
            .path(TranscodeManifest.FileName.proxy)
        let result = try dailies("bench-grab", proxy, "--count", "1000", "--warmup", "100", "--width", "480")
        #expect(result.status == 0, "\(result.standardErrorText)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any])
        let before = try #require(report["rss_kb_after_warmup"] as? Int)
        let after = try #require(report["rss_kb_end"] as? Int)
        #expect(before > 0)
        #expect(after - before < 4096, "resident memory grew from \(before) KiB to \(after) KiB over 1000 grabs")
        #expect((report["frames"] as? [Int])?.count == 1000)
    }
}

@Suite("dailies transcode on a terminal")
struct TranscodeTerminalTests {
    @Test("draws a progress bar on a terminal, then prints the manifest")
    func progressBar() throws {
        let directory = try TemporaryDirectory()
        // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
        let command = "\(dailiesExecutable) transcode \(Fixture.path("h264-2997df-tc005959.mov")) --out \(directory.path("out"))"
        let result = try Subprocess.run("script", ["-q", "-e", "-c", command, "/dev/null"], check: false)
        #expect(result.status == 0, "\(result.standardOutputText)")
        let screen = result.standardOutputText
        #expect(screen.contains("100% 90/90 frames"), "\(screen.prefix(400))")
        #expect(screen.contains("\r") && screen.contains("fps, ETA"))
        #expect(screen.contains("\"frame_count\" : 90"))
    }

    @Test("an interrupt stops the transcode and keeps nothing")
    func interrupt() throws {
        let directory = try TemporaryDirectory()
        // A source long enough to be interrupted halfway: five minutes at 24 fps.
        let long = directory.path("long.mkv")
        try Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24,trim=end_frame=7200",
                                      "-c:v", "libx264", "-preset", "ultrafast", long])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dailiesExecutable)
        process.arguments = ["transcode", long, "--out", directory.path("out")]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the transcode has started writing into its staging folder.
        let out = directory.path("out")
        for _ in 0..<600 where ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.3)
        process.interrupt()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(message)")
        #expect(message.contains("cancelled"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty)
    }
}
