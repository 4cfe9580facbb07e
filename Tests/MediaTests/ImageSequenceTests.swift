import Foundation
import Media
import MediaTestSupport
import Testing

@Suite("Image sequences")
struct ImageSequenceTests {
    init() { Libav.setLogLevel(.quiet) }

    /// A folder holding copies of fixture frames under `names`.
    private func folder(_ names: [String]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let frame = Fixture.path("png-sequence/shot_010.1001.png")
        for name in names {
            try FileManager.default.copyItem(atPath: frame, toPath: directory.path(name))
        }
        return directory
    }

    private func sequence(_ path: String, _ options: SequenceOptions = SequenceOptions()) throws(MediaError) -> ImageSequence? {
        if case .imageSequence(let sequence) = try MediaSource.resolve(path, sequence: options) { return sequence }
        return nil
    }

    @Test("a member, a printf pattern, a hash pattern and RV's range pattern name the same sequence")
    func spellings() throws {
        let member = try #require(try sequence(Fixture.path("png-sequence/shot_010.1030.png")))
        let printf = try #require(try sequence(Fixture.path("png-sequence/shot_010.%04d.png")))
        let hashes = try #require(try sequence(Fixture.path("png-sequence/shot_010.####.png")))
        let rv = try #require(try sequence(Fixture.path("png-sequence/shot_010.1001-1048#.png")))
        #expect(member == printf && printf == hashes && hashes == rv)
        #expect(member.pattern == "shot_010.%04d.png")
        #expect(member.firstNumber == 1001 && member.count == 48 && member.lastNumber == 1048)
        #expect(member.gaps.isEmpty && member.ignored.isEmpty && member.fileCount == 48)
    }

    @Test("a gap keeps the numbering: the sequence runs from the first file to the last, gaps marked")
    func gap() throws {
        let directory = try folder((1...5).map { "plate.\($0 + 1000).png" } + ["plate.1008.png", "plate.1009.png"])
        let info = try MediaProbe.probe(directory.path("plate.1002.png"))
        #expect(info.video.frameCount == 9 && info.firstFrameNumber == 1001)
        #expect(info.sequence?.gaps == [1006...1007] && info.sequence?.fileCount == 7)
        #expect(info.frameMap.missing == [5...6] && info.frameMap.frameNumber(ofFrame: 8) == 1009)
        #expect(info.warnings.isEmpty, "\(info.warnings)")
        // Any member names the whole sequence.
        #expect(try sequence(directory.path("plate.1009.png")) == info.sequence)
    }

    @Test("an explicit range sets the ends: numbers inside without a file are gaps, files outside are left out")
    func explicitRange() throws {
        let directory = try folder((1001...1006).map { "plate.\($0).png" })
        let options = SequenceOptions(range: 1003...1010, allowGaps: false)
        let ranged = try #require(try sequence(directory.path("plate.1004.png"), options))
        #expect(ranged.firstNumber == 1003 && ranged.lastNumber == 1010 && ranged.count == 8)
        #expect(ranged.gaps == [1007...1010] && ranged.ignored == [1001...1002])
        let info = try MediaProbe.probe(directory.path("plate.%04d.png"), options: ProbeOptions(sequence: options))
        #expect(info.frameMap.missing == [4...7] && info.frameMap.frameCount == 8)
        #expect(info.warnings == ["2 files outside the range 1003–1010 are left out (1001–1002)"])
        // The same range written in the pattern, RV's way; a range before the files starts with a gap.
        #expect(try sequence(directory.path("plate.1003-1010#.png")) == ranged)
        let early = try #require(try sequence(directory.path("plate.999-1006%04d.png")))
        #expect(early.gaps == [999...1000] && early.fileNumber(atOrBefore: 1000) == nil)
        #expect(throws: MediaError.self) { try sequence(directory.path("plate.2000-2010#.png")) }
        do {
            _ = try sequence(directory.path("plate.1010-1003#.png"))
            Issue.record("a range that ends before it starts was read")
        } catch {
            #expect(error.code == .invalidSequence)
        }
        // One file and a range is a sequence too (if gaps are allowed, as here they outnumber it).
        let single = try folder(["one.1001.png"])
        let lone = try #require(try sequence(single.path("one.1001.png"), SequenceOptions(range: 1001...1003, allowGaps: true)))
        #expect(lone.count == 3 && lone.gaps == [1002...1003])
        #expect(SequenceOptions.range("1001-1100") == 1001...1100 && SequenceOptions.range("-20--5") == -20...(-5))
        #expect(SequenceOptions.range("-5-20") == -5...20 && SequenceOptions.range("9-3") == nil && SequenceOptions.range("7") == nil)
    }

    @Test("unpadded numbers; padded numbers that outgrow their width; a stray wide number is refused, naming the gaps")
    func padding() throws {
        let unpadded = try folder(["f.8.png", "f.9.png", "f.10.png", "f.11.png"])
        let run = try #require(try sequence(unpadded.path("f.9.png")))
        #expect(run.pattern == "f.%d.png" && run.firstNumber == 8 && run.count == 4)
        #expect(try MediaProbe.probe(unpadded.path("f.%d.png")).video.frameCount == 4)

        let outgrown = try folder(["h.9998.png", "h.9999.png", "h.10000.png", "h.10001.png"])
        let wide = try #require(try sequence(outgrown.path("h.9999.png")))
        #expect(wide.pattern == "h.%04d.png" && wide.count == 4 && wide.gaps.isEmpty)
        #expect(wide.fileName(number: 10001) == "h.10001.png" && wide.fileName(number: 998) == "h.0998.png")

        // 1001 beside 10010: numbers are values, not text, so 10010 comes after 1003, far after.
        let stray = try folder(["g.1001.png", "g.1002.png", "g.1003.png", "g.10010.png"])
        do {
            _ = try sequence(stray.path("g.1002.png"))
            Issue.record("a sequence of 4 files over 9010 numbers was read")
        } catch {
            #expect(error.code == .mostlyMissing)
            #expect(error.reason.contains("only 4 of the 9010 frames 1001–10010 have a file"), "\(error.reason)")
            #expect(error.reason.contains("(1004–10009)"), "the gaps are named: \(error.reason)")
        }
        let allowed = try #require(try sequence(stray.path("g.%04d.png"), SequenceOptions(allowGaps: true)))
        #expect(allowed.count == 9010 && allowed.gaps == [1004...10009] && allowed.lastNumber == 10010)
    }

    @Test("negative frame numbers, written as printf writes them")
    func negative() throws {
        let directory = try folder(["neg.-002.png", "neg.-001.png", "neg.0000.png", "neg.0001.png", "neg-0002.png"])
        let run = try #require(try sequence(directory.path("neg.-001.png")))
        #expect(run.firstNumber == -2 && run.lastNumber == 1 && run.gaps.isEmpty && run.prefix == "neg.")
        #expect(run.fileName(number: -2) == "neg.-002.png")
        #expect(try sequence(directory.path("neg.%04d.png")) == run)
        #expect(try sequence(directory.path("neg.-2-1#.png")) == run)
        let info = try MediaProbe.probe(directory.path("neg.0000.png"))
        #expect(info.firstFrameNumber == -2 && info.frameMap.frame(forFrameNumber: 0) == 2)
        // A hyphen after a letter separates; it is not a sign.
        #expect(try MediaSource.resolve(directory.path("neg-0002.png")) == .still(path: directory.path("neg-0002.png")))
    }

    @Test("an image without numbered siblings is a still")
    func still() throws {
        let directory = try folder(["poster.1001.png", "other.png"])
        #expect(try MediaSource.resolve(directory.path("poster.1001.png")) == .still(path: directory.path("poster.1001.png")))
        let info = try MediaProbe.probe(directory.path("poster.1001.png"))
        #expect(info.kind == .still && info.video.frameCount == 1)
    }

    @Test("a file name with a colon is read as a file, not a protocol")
    func colon() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("take:2.mov")
        try FileManager.default.copyItem(atPath: Fixture.path("vp9-noaudio.webm"), toPath: path)
        #expect(try MediaProbe.probe(path).video.frameCount == 48)
    }
}
