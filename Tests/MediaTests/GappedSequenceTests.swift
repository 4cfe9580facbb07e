import Foundation
import FrameTime
@testable import Media
import MediaTestSupport
import Testing

/// Image sequences with files missing keep their numbering: frame k is file first + k in
/// the probe, the proxy, its poster and filmstrip, the frame map and every grab, and a gap's
/// frames show what the gap fill says.
@Suite("Gapped sequences")
struct GappedSequenceTests {
    init() { Libav.setLogLevel(.quiet) }

    /// The barcodes of every frame of a movie, in order.
    private func barcodes(_ path: String) throws -> [Int?] {
        let reader = try VideoFrameReader(path)
        var barcodes: [Int?] = []
        while let frame = try reader.next(.gray8) { barcodes.append(FrameBarcode.read(frame.picture)?.index) }
        return barcodes
    }

    /// Every frame index, shuffled, then backwards: grabs jump both ways and step back.
    private func order(_ count: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed)
        return (0..<count).shuffled(using: &random) + (0..<count).reversed()
    }

    @Test("probe: first to last file number, gaps listed and marked missing, whichever way the sequence is named",
          arguments: Fixture.gapped)
    func probe(fixture: GappedFixture) throws {
        let info = try MediaProbe.probe(fixture.path)
        #expect(info.kind == .imageSequence && info.video.frameCount == fixture.frameCount)
        #expect(info.firstFrameNumber == fixture.firstNumber && info.video.frameCountMethod == .files)
        #expect(info.sequence?.gaps == fixture.gaps && info.sequence?.gapFill == .hold)
        #expect(info.frameMap.missing == fixture.missingFrames)
        #expect(info.warnings.isEmpty, "\(info.warnings)")
        let last = fixture.firstNumber + fixture.frameCount - 1
        // RV's form gives the range; a lone # is 4 digits, so a 3-digit sequence says %03d.
        let rv = fixture.pattern.replacingOccurrences(of: "%04d", with: "\(fixture.firstNumber)-\(last)#")
            .replacingOccurrences(of: "%03d", with: "\(fixture.firstNumber)-\(last)%03d")
        let lastMember = fixture.pattern.replacingOccurrences(of: "%04d", with: "\(last)")
            .replacingOccurrences(of: "%03d", with: "\(last)")
        for spelling in [fixture.pattern, rv, lastMember] {
            #expect(try MediaProbe.probe(Fixture.path(spelling)) == info, "\(spelling)")
        }
    }

    @Test("every proxy frame shows its file's barcode or, held, the one before; the frame map marks exactly the missing frames",
          arguments: Fixture.gapped)
    func proxy(fixture: GappedFixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        let manifest = output.manifest
        let proxy = try #require(manifest.proxy)
        #expect(manifest.frameCount == fixture.frameCount && proxy.frameCount == fixture.frameCount)
        #expect(manifest.missing == fixture.missingFrames && manifest.gapFill == .hold)
        #expect(manifest.repeatedFrames.isEmpty && manifest.corruptPackets == 0, "a gap is not damage")
        #expect(try barcodes(output.path(proxy.name)) == (0..<fixture.frameCount).map(fixture.heldBarcode))

        // The frame map's JSON, as the review page reads it.
        let data = try Data(contentsOf: URL(fileURLWithPath: output.path(TranscodeManifest.FileName.frameMap)))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["missing"] as? [[Int]] == fixture.missingFrames.map { [$0.lowerBound, $0.upperBound] })
        #expect(object["first_frame_number"] as? Int == fixture.firstNumber)
        #expect(try JSONDecoder().decode(FrameMap.self, from: data) == (try MediaProbe.probe(fixture.path)).frameMap)

        let poster = try #require(try VideoFrameReader(output.path(manifest.poster.name)).next(.gray8)).picture
        #expect(FrameBarcode.read(poster)?.index == fixture.heldBarcode(manifest.poster.frame))
        let sheet = try #require(try VideoFrameReader(output.path(manifest.filmstrip.image)).next(.gray8)).picture
        for tile in manifest.filmstrip.tiles {
            let picture = sheet.cropped(x: tile.x, y: tile.y, width: manifest.filmstrip.tileWidth,
                                        height: manifest.filmstrip.tileHeight)
            #expect(FrameBarcode.read(picture)?.index == fixture.heldBarcode(tile.frame), "tile of frame \(tile.frame)")
        }
    }

    @Test("a grab of index k shows file first + k, or the held picture, from the source and from its proxy",
          arguments: Fixture.gapped)
    func grabs(fixture: GappedFixture) throws {
        let proxy = try TranscodedFixtures.output(fixture).path(TranscodeManifest.FileName.proxy)
        for path in [fixture.path, proxy] {
            let grabber = try FrameGrabber(path)
            #expect(grabber.info.frameMap.frameCount == fixture.frameCount)
            for frame in order(fixture.frameCount, seed: UInt64(fixture.firstNumber)) {
                let picture = try grabber.picture(frame: frame, width: 96, layout: .gray8)
                #expect(FrameBarcode.read(picture)?.index == fixture.heldBarcode(frame), "\(path) frame \(frame)")
            }
        }
        // A held frame is the picture before it, pixel for pixel.
        let grabber = try FrameGrabber(fixture.path)
        for gap in fixture.missingFrames {
            let held = try grabber.picture(frame: gap.lowerBound - 1, layout: .rgb24)
            for frame in gap { #expect(try grabber.picture(frame: frame, layout: .rgb24) == held) }
        }
    }

    @Test("slate and black: a missing frame shows the slate of its number, or black, in the proxy, its filmstrip and grabs",
          arguments: [GapFill.slate, .black])
    func slateAndBlack(fill: GapFill) throws {
        let fixture = Fixture.gapped[1]
        let output = try TranscodedFixtures.output(fixture, gapFill: fill)
        #expect(output.manifest.gapFill == fill && output.manifest.missing == fixture.missingFrames)
        let size = PictureSize(width: 128, height: 72)
        let gapPicture = GapPicture()
        let expected = { (frame: Int) throws -> Picture in
            let number = fixture.firstNumber + frame
            return Picture(copying: try gapPicture.frame(size: size, slateNumber: fill == .slate ? number : nil, path: ""))
        }
        // The proxy: compressed, so compared by what is white and what is black.
        let reader = try VideoFrameReader(output.path(TranscodeManifest.FileName.proxy))
        while let decoded = try reader.next(.gray8) {
            let frame = decoded.index
            guard fixture.isMissing(frame) else {
                #expect(FrameBarcode.read(decoded.picture)?.index == frame)
                continue
            }
            #expect(FrameBarcode.read(decoded.picture) == nil, "frame \(frame) is not a picture of the shot")
            let slate = try expected(frame)
            var lit: [Int] = []
            var dark: [Int] = []
            for y in 0..<size.height {
                for x in 0..<size.width {
                    let value = decoded.picture.luma(x: x, y: y)
                    if slate.luma(x: x, y: y) == 255 { lit.append(value) } else { dark.append(value) }
                }
            }
            #expect(dark.reduce(0, +) / dark.count < 24, "frame \(frame): black around the text")
            #expect(lit.isEmpty == (fill == .black))
            if !lit.isEmpty { #expect(lit.reduce(0, +) / lit.count > 160, "frame \(frame): the slate's text is white") }
        }
        // Grabs: exactly the slate, or black.
        let grabber = try FrameGrabber(fixture.path, options: ProbeOptions(sequence: SequenceOptions(gapFill: fill)))
        for frame in 0..<fixture.frameCount where fixture.isMissing(frame) {
            #expect(try grabber.picture(frame: frame, layout: .gray8) == (try expected(frame)), "frame \(frame)")
        }
        #expect(FrameBarcode.read(try grabber.picture(frame: 3, layout: .gray8))?.index == 3)
    }

    @Test("a file that is there but cannot be read is damage, not a gap: the frame before stands in, listed as repeated")
    func unreadableFile() throws {
        let directory = try TemporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixture.path("dpx-gap")) {
            try FileManager.default.copyItem(atPath: Fixture.path("dpx-gap/\(name)"), toPath: directory.path(name))
        }
        // Still listed, as a file would be, but reading it fails.
        try FileManager.default.removeItem(atPath: directory.path("plate.1003.dpx"))
        try FileManager.default.createDirectory(atPath: directory.path("plate.1003.dpx"), withIntermediateDirectories: false)
        let manifest = try Transcoder.transcode(directory.path("plate.1001.dpx"), to: directory.path("out"))
        #expect(manifest.frameCount == 12 && manifest.missing == [4...4])
        #expect(manifest.repeatedFrames == [2] && manifest.corruptPackets == 1)
        #expect(manifest.warnings.contains { $0.contains("1 file of the sequence could not be read (1003)") }, "\(manifest.warnings)")
        #expect(try barcodes(directory.path("out/proxy.mp4")) == [0, 1, 1, 3, 3, 5, 6, 7, 8, 9, 10, 11])
    }

    @Test("a range that starts before the first file: its first frames have nothing to hold, and are black")
    func leadingGap() throws {
        let fixture = Fixture.gapped[0]
        let options = ProbeOptions(sequence: SequenceOptions(range: 999...1012))
        let directory = try TemporaryDirectory()
        let manifest = try Transcoder.transcode(fixture.path, to: directory.path("out"), options: TranscodeOptions(probe: options))
        #expect(manifest.frameCount == 14 && manifest.missing == [0...1, 6...6])
        // Frame k is file 999 + k, which carries barcode k - 2; frame 6 (file 1005) holds file 1004's.
        #expect(try barcodes(directory.path("out/proxy.mp4")) == [nil, nil, 0, 1, 2, 3, 3, 5, 6, 7, 8, 9, 10, 11])
        let grabber = try FrameGrabber(fixture.path, options: options)
        let black = try grabber.picture(frame: 1, layout: .gray8)
        #expect(black.pixels.allSatisfy { $0 == 0 })
        #expect(FrameBarcode.read(try grabber.picture(frame: 6, layout: .gray8))?.index == 3)
    }

    @Test("a sequence that would be mostly invented is refused by probe, grabber and transcode, naming its gaps; allowed, it reads")
    func mostlyInvented() throws {
        let directory = try TemporaryDirectory()
        let path = try GappedFixture.mostlyMissing(in: directory.url.path)
        let attempts: [(String, () throws(MediaError) -> Void)] = [
            ("probe", { () throws(MediaError) in _ = try MediaProbe.probe(path) }),
            ("grab", { () throws(MediaError) in _ = try FrameGrabber(path) }),
            ("transcode", { () throws(MediaError) in _ = try Transcoder.transcode(path, to: directory.path("out")) }),
        ]
        for (unit, attempt) in attempts {
            do {
                try attempt()
                Issue.record("\(unit) read a sequence of 2 files over 5000 numbers")
            } catch {
                #expect(error.code == .mostlyMissing, "\(unit)")
                #expect(error.reason.contains("only 2 of the 5000 frames 1–5000 have a file"), "\(unit): \(error.reason)")
                #expect(error.reason.contains("(2–4999)"), "\(unit) names the gaps: \(error.reason)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))

        let allowed = ProbeOptions(sequence: SequenceOptions(allowGaps: true))
        let info = try MediaProbe.probe(path, options: allowed)
        #expect(info.video.frameCount == 5000 && info.frameMap.missing == [1...4998])
        let grabber = try FrameGrabber(path, options: allowed)
        #expect(FrameBarcode.read(try grabber.picture(frame: 4999, width: 96, layout: .gray8))?.index == 1)
        #expect(FrameBarcode.read(try grabber.picture(frame: 2500, width: 96, layout: .gray8))?.index == 0)
    }
}
