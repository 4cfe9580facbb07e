import Foundation
import FrameTime
@testable import Media
import MediaTestSupport
import Testing

/// Linear, log and HDR sources look as they should on a review screen: each is detected from
/// what it says of itself, and its proxy, poster and grabs match an oracle made outside
/// Dailies (see ``ColourFixtures``), while every frame's barcode still reads.
@Suite("Display transforms")
struct DisplayTransformTests {
    init() { Libav.setLogLevel(.quiet) }

    static let transforms: [DisplayTransform] = [.srgb, .cineon, .pq, .hlg]

    @Test("the transform is found from the source, used by the poster, every grab and every proxy frame, and recorded",
          arguments: transforms)
    func matchesOracle(transform: DisplayTransform) async throws {
        let source = try await ColourFixtures.source(transform)
        let info = try MediaProbe.probe(source.path)
        #expect(info.video.displayTransform == transform)

        let output = try TemporaryDirectory()
        let manifest = try Transcoder.transcode(source.path, to: output.path("out"))
        #expect(manifest.displayTransform == transform && manifest.pipelineVersion == Transcoder.pipelineVersion)
        let poster = try ColourFixtures.picture(decoding: output.path("out/\(manifest.poster.name)"))
        let posterPSNR = ColourFixtures.psnr(poster, source.oracles[manifest.poster.frame])
        #expect(posterPSNR >= 38, "poster: \(posterPSNR) dB")

        let grabber = try FrameGrabber(source.path)
        for frame in 0..<ColourFixtures.frameCount {
            let grab = try grabber.picture(frame: frame)
            let grabPSNR = ColourFixtures.psnr(grab, source.oracles[frame])
            #expect(grabPSNR >= 38, "grab of frame \(frame): \(grabPSNR) dB")
        }

        let proxy = try #require(manifest.proxy)
        let reader = try VideoFrameReader(output.path("out/\(proxy.name)"))
        var frame = 0
        while let decoded = try reader.next(.rgb24) {
            let proxyPSNR = ColourFixtures.psnr(decoded.picture, source.oracles[frame])
            #expect(proxyPSNR >= 33, "proxy frame \(frame): \(proxyPSNR) dB")
            #expect(FrameBarcode.read(decoded.picture)?.index == frame)
            frame += 1
        }
        #expect(frame == ColourFixtures.frameCount)
        // The proxy says what it now is: Rec. 709 primaries, the sRGB or Rec. 709 curve.
        let stream = try #require((try FFprobe.json(output.path("out/\(proxy.name)"))["streams"] as? [[String: Any]])?.first)
        #expect(stream["color_primaries"] as? String == "bt709")
        #expect(stream["color_transfer"] as? String == (transform == .pq || transform == .hlg ? "bt709" : "iec61966-2-1"))
    }

    @Test("an override wins over what the source says: none shows a linear plate as stored, cineon reads a DPX as log")
    func override() async throws {
        let linear = try await ColourFixtures.source(.srgb)
        let untransformed = try FrameGrabber(linear.path, options: ProbeOptions(displayTransform: DisplayTransform.none))
        #expect(untransformed.info.video.displayTransform == DisplayTransform.none)
        let dark = ColourFixtures.psnr(try untransformed.picture(frame: 0), linear.oracles[0])
        #expect(dark < 30, "a linear plate shown as stored is far from its display picture: \(dark) dB")

        // The log DPX with its transfer byte put back to linear (2) is display-referred to the
        // probe, and Cineon only by the override.
        let log = try await ColourFixtures.source(.cineon)
        let folder = try TemporaryDirectory()
        for number in 1001..<(1001 + ColourFixtures.frameCount) {
            let copy = folder.path(String(format: "plain.%04d.dpx", number))
            try FileManager.default.copyItem(atPath: String(format: log.path, number), toPath: copy)
            try ColourFixtures.patchTransferByte(copy, to: 2)
        }
        let plain = folder.path("plain.%04d.dpx")
        #expect(try MediaProbe.probe(plain).video.displayTransform == DisplayTransform.none)
        let overridden = try FrameGrabber(plain, options: ProbeOptions(displayTransform: .cineon))
        let psnr = ColourFixtures.psnr(try overridden.picture(frame: 1), log.oracles[1])
        #expect(psnr >= 38, "\(psnr) dB")
    }

    @Test("display-referred sources go through untouched", arguments: ["prores422-1080p24-pcm-tc01.mov", "png-sequence/shot_010.1001.png"])
    func untouched(name: String) throws {
        #expect(try MediaProbe.probe(Fixture.named(name).path).video.displayTransform == DisplayTransform.none)
    }

    @Test("a linear EXR's alpha (premultiplied, float) is composited too: opaque stays as it is, transparent shows grey")
    func floatAlpha() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("alpha.exr")
        try Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=black:s=128x64,format=gbrapf32le",
                                      "-vf", "geq=r='lt(X,64)':g=0:b=0:a='lt(X,64)'", "-frames:v", "1",
                                      "-c:v", "exr", "-compression", "0", path])
        let grabber = try FrameGrabber(path)
        #expect(grabber.info.video.displayTransform == .srgb && grabber.info.video.alphaBackground == .grey)
        let picture = try grabber.picture(frame: 0)
        func pixel(_ x: Int, _ y: Int) -> [Int] { picture.pixels[(y * picture.bytesPerRow + 3 * x)...].prefix(3).map(Int.init) }
        #expect(pixel(10, 10).enumerated().allSatisfy { abs($1 - [255, 0, 0][$0]) <= 1 }, "\(pixel(10, 10))")
        #expect(pixel(100, 10).allSatisfy { (127...129).contains($0) }, "\(pixel(100, 10))")
    }

    @Test("alpha is composited over grey, or over a checkerboard, not dropped", arguments: AlphaBackground.allCases)
    func alpha(background: AlphaBackground) throws {
        // Left half opaque red, right half fully transparent (its colour, blue, must not show).
        let folder = try TemporaryDirectory()
        let path = folder.path("alpha.png")
        try Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=black:s=128x64,format=rgba",
                                      "-vf", "geq=r='255*lt(X,64)':g=0:b='255*gte(X,64)':a='255*lt(X,64)'",
                                      "-frames:v", "1", path])
        let grabber = try FrameGrabber(path, options: ProbeOptions(alphaBackground: background))
        #expect(grabber.info.video.alphaBackground == background)
        let picture = try grabber.picture(frame: 0)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(picture.pixels[(y * picture.bytesPerRow + 3 * x)...].prefix(3)) }
        #expect(pixel(10, 10) == [255, 0, 0])
        switch background {
        case .grey:
            for (x, y) in [(70, 2), (100, 30), (127, 63)] {
                #expect(pixel(x, y).allSatisfy { (127...129).contains($0) }, "\(pixel(x, y)) at \(x),\(y)")
            }
        case .checkerboard:
            // Squares of 8 pixels (128 / 32 is less than the smallest, 8): 60 % and 40 % grey.
            #expect(pixel(68, 2).allSatisfy { (152...154).contains($0) }, "\(pixel(68, 2))")
            #expect(pixel(76, 2).allSatisfy { (101...103).contains($0) }, "\(pixel(76, 2))")
            #expect(pixel(76, 10) == pixel(68, 2))
        }
    }
}
