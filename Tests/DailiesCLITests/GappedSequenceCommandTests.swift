import Foundation
import FrameTime
import Media
import MediaTestSupport
import Testing

/// Image sequences with files missing, from the command line: `dailies probe`, `transcode`
/// and `thumbnail` agree with the library, and with each other, on the frame count, the
/// numbering and which frames are missing.
@Suite("dailies on gapped sequences")
struct GappedSequenceCommandTests {
    init() { Libav.setLogLevel(.quiet) }

    @Test("probe, transcode and thumbnail agree with the library: frame count, numbering, missing frames, held pictures",
          arguments: Fixture.gapped)
    func parity(fixture: GappedFixture) throws {
        let library = try MediaProbe.probe(fixture.path)
        let probe = try dailies("probe", fixture.path, "--json")
        #expect(probe.status == 0, "\(probe.standardErrorText)")
        #expect(try JSONDecoder().decode(MediaInfo.self, from: probe.standardOutput) == library)

        let directory = try TemporaryDirectory()
        let transcode = try dailies("transcode", fixture.path, "--out", directory.path("out"), "--profile", "draft-540")
        #expect(transcode.status == 0, "\(transcode.standardErrorText)")
        let manifest = try JSONDecoder().decode(TranscodeManifest.self, from: transcode.standardOutput)
        #expect(manifest.frameCount == fixture.frameCount && manifest.proxy?.frameCount == fixture.frameCount)
        #expect(manifest.missing == fixture.missingFrames && manifest.gapFill == .hold)
        let frameMap = try JSONDecoder().decode(
            FrameMap.self, from: Data(contentsOf: URL(fileURLWithPath: directory.path("out/framemap.json"))))
        #expect(frameMap == library.frameMap)

        // Every frame by the number people know: its file's picture, or the one held.
        let last = fixture.firstNumber + fixture.frameCount - 1
        for number in fixture.firstNumber...last {
            let out = directory.path("grab-of-\(number - fixture.firstNumber)-th.png")
            let grab = try dailies("thumbnail", fixture.path, "--frame-number", String(number), "--width", "96", "-o", out)
            #expect(grab.status == 0, "\(grab.standardErrorText)")
            let picture = try #require(try VideoFrameReader(out).next(.gray8)).picture
            #expect(FrameBarcode.read(picture)?.index == fixture.heldBarcode(number - fixture.firstNumber), "frame number \(number)")
        }
        let beyond = try dailies("thumbnail", fixture.path, "--frame-number", String(last + 1), "-o", directory.path("x.png"))
        #expect(beyond.status == 65 && beyond.standardErrorText.contains("\(fixture.firstNumber)–\(last)"))
    }

    @Test("the summary lists the gaps and how they are filled; --gap-fill, --range and --allow-gaps")
    func flags() throws {
        let fixture = Fixture.gapped[1]
        let summary = try dailies("probe", fixture.path).standardOutputText
        #expect(summary.contains("plate.%04d.exr, 1001–1012, 8 of 12 files"), "\(summary)")
        #expect(summary.contains("1003, 1006–1007, 1010: 4 frames filled by holding the picture before"), "\(summary)")
        let slate = try dailies("probe", fixture.path, "--gap-fill", "slate").standardOutputText
        #expect(slate.contains("4 frames filled with a slate"))

        let ranged = try dailies("probe", Fixture.path("dpx-gap/plate.%04d.dpx"), "--range", "999-1006", "--json")
        #expect(ranged.status == 0, "\(ranged.standardErrorText)")
        let info = try JSONDecoder().decode(MediaInfo.self, from: ranged.standardOutput)
        #expect(info.frameMap.frameCount == 8 && info.frameMap.missing == [0...1, 6...6] && info.firstFrameNumber == 999)
        #expect(info.warnings == ["6 files outside the range 999–1006 are left out (1007–1012)"])
        let directory = try TemporaryDirectory()
        let black = try dailies("thumbnail", Fixture.path("dpx-gap/plate.%04d.dpx"), "--range", "999-1006", "--frame", "0",
                                "-o", directory.path("black.rgb"))
        #expect(black.status == 0 && black.standardErrorText.contains("128×72 rgb24"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path("black.rgb"))).allSatisfy { $0 == 0 },
                "nothing before the first file to hold: black")

        for bad in [["--gap-fill", "grey"], ["--range", "1010-1001"], ["--range", "1001"]] {
            let refused = try dailies(["probe", fixture.path] + bad)
            #expect(refused.status == 64, "\(bad): \(refused.standardErrorText)")
        }
    }

    @Test("a sequence that would be mostly invented exits 65 naming its gaps, from every command; --allow-gaps reads it")
    func mostlyInvented() throws {
        let directory = try TemporaryDirectory()
        let path = try GappedFixture.mostlyMissing(in: directory.url.path)
        for command in [["probe", path], ["transcode", path, "--out", directory.path("out")],
                        ["thumbnail", path, "--frame", "0", "-o", directory.path("x.png")]] {
            let refused = try dailies(command)
            #expect(refused.status == 65, "\(command[0])")
            #expect(refused.standardErrorText.contains("dailies: mostlyMissing: "), "\(refused.standardErrorText)")
            #expect(refused.standardErrorText.contains("only 2 of the 5000 frames 1–5000 have a file; filling the gaps (2–4999)"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")) && !FileManager.default.fileExists(atPath: directory.path("x.png")))
        let allowed = try dailies("probe", path, "--allow-gaps")
        #expect(allowed.status == 0 && allowed.standardOutputText.contains("2–4999: 4998 frames filled"))
    }
}
