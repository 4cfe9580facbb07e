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

    private func sequence(_ path: String) throws -> ImageSequence? {
        if case .imageSequence(let sequence) = try MediaSource.resolve(path) { return sequence }
        return nil
    }

    @Test("a member, a printf pattern and a hash pattern name the same sequence")
    func spellings() throws {
        let member = try #require(try sequence(Fixture.path("png-sequence/shot_010.1030.png")))
        let printf = try #require(try sequence(Fixture.path("png-sequence/shot_010.%04d.png")))
        let hashes = try #require(try sequence(Fixture.path("png-sequence/shot_010.####.png")))
        #expect(member == printf && printf == hashes)
        #expect(member.pattern == "shot_010.%04d.png")
        #expect(member.firstNumber == 1001 && member.count == 48 && member.lastNumber == 1048)
        #expect(member.strayNumbers.isEmpty)
    }

    @Test("a gap ends the sequence and is reported")
    func gap() throws {
        let directory = try folder((1...5).map { "plate.\($0 + 1000).png" } + ["plate.1008.png", "plate.1009.png"])
        let info = try MediaProbe.probe(directory.path("plate.1002.png"))
        #expect(info.video.frameCount == 5)
        #expect(info.sequence?.strayNumbers == [1008, 1009])
        #expect(info.warnings.count == 1 && info.warnings[0].contains("gap"))
        // A member beyond the gap is its own run.
        let later = try #require(try sequence(directory.path("plate.1009.png")))
        #expect(later.firstNumber == 1008 && later.count == 2)
    }

    @Test("unpadded numbers and padded numbers that outgrow their width")
    func padding() throws {
        let unpadded = try folder(["f.8.png", "f.9.png", "f.10.png", "f.11.png"])
        let run = try #require(try sequence(unpadded.path("f.9.png")))
        #expect(run.pattern == "f.%d.png" && run.firstNumber == 8 && run.count == 4)
        #expect(try MediaProbe.probe(unpadded.path("f.%d.png")).video.frameCount == 4)

        let padded = try folder(["g.0998.png", "g.0999.png", "g.1000.png", "g.10000.png"])
        let paddedRun = try #require(try sequence(padded.path("g.0999.png")))
        #expect(paddedRun.pattern == "g.%04d.png" && paddedRun.firstNumber == 998 && paddedRun.count == 3)
        #expect(paddedRun.strayNumbers == [10000])
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
