import Foundation
import FrameTime
@testable import Media
import MediaTestSupport
import Testing

@Suite("Frame grabber")
struct FrameGrabberTests {
    init() { Libav.setLogLevel(.quiet) }

    /// First, last, and random frames in random order, so grabs go forwards and backwards.
    private func frames(count: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed)
        return ([0, count - 1] + (0..<12).map { _ in Int.random(in: 0..<count, using: &random) }).shuffled(using: &random)
    }

    private func checkGrabs(_ path: String, frameCount: Int, rotation: Int, label: String) throws {
        let grabber = try FrameGrabber(path)
        let seed = UInt64(label.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })
        for frame in frames(count: frameCount, seed: seed) {
            let picture = try grabber.picture(frame: frame, width: 240, layout: .gray8)
            #expect(picture.width == 240)
            let reading = FrameBarcode.read(picture)
            #expect(reading == .init(index: frame, rotation: rotation), "\(label) frame \(frame) (seed \(seed))")
        }
    }

    @Test("random frames of every source are exact", arguments: Fixture.media)
    func sourceFrames(fixture: Fixture) throws {
        try checkGrabs(fixture.path, frameCount: fixture.frameCount, rotation: fixture.rotation, label: fixture.name)
    }

    @Test("random frames of every proxy are exact", arguments: Fixture.media.filter { $0.kind != .still })
    func proxyFrames(fixture: Fixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        // The proxy is stored upright, so its pictures match the source's as shown.
        try checkGrabs(output.path(TranscodeManifest.FileName.proxy), frameCount: fixture.frameCount,
                       rotation: fixture.rotation,
                       label: "proxy of \(fixture.name)")
    }

    @Test("every frame in order, then every frame backwards, of the edit-listed B-frame movie")
    func sweep() throws {
        let fixture = Fixture.named("h264-bframes-23976-editlist.mp4")
        let grabber = try FrameGrabber(fixture.path)
        for frame in Array(0..<fixture.frameCount) + (0..<fixture.frameCount).reversed() {
            let picture = try grabber.picture(frame: frame, width: 160, layout: .gray8)
            #expect(FrameBarcode.read(picture)?.index == frame, "frame \(frame)")
        }
    }

    @Test("JPEG and PNG grabs decode to the right frame, shown upright and de-squeezed")
    func encoded() throws {
        let directory = try TemporaryDirectory()
        for (name, frame, format) in [("h264-phone-rotated90.mp4", 33, ImageFormat.jpeg(quality: 2)),
                                       ("h264-odd-1001x563-anamorphic.mov", 7, .png),
                                       ("png-sequence/shot_010.1001.png", 40, .jpeg(quality: 5))] {
            let grabber = try FrameGrabber(Fixture.path(name))
            let path = directory.path("grab.\(format.fileExtension)")
            try Data(try grabber.image(frame: frame, format: format)).write(to: URL(fileURLWithPath: path))
            let decoded = try #require(try VideoFrameReader(path).next(.gray8)).picture
            #expect(FrameBarcode.read(decoded)?.index == frame, "\(name)")
            let shown = DisplayGeometry(grabber.info.video).displaySize
            #expect(decoded.width == shown.width && decoded.height == shown.height)
        }
    }

    @Test("frames and sizes outside the media are refused")
    func outOfRange() throws {
        let grabber = try FrameGrabber(Fixture.path("vp9-noaudio.webm"))
        for (frame, width) in [(48, 100), (-1, 100), (0, 0), (0, 100_000)] {
            #expect(throws: MediaError.self) { _ = try grabber.picture(frame: frame, width: width) }
            do { _ = try grabber.picture(frame: frame, width: width) } catch { #expect(error.code == .invalidFrame) }
        }
        #expect(FrameBarcode.read(try grabber.picture(frame: 47, width: 100, layout: .gray8))?.index == 47)
    }

    @Test("a pool lends warm grabbers: its grabs are exact from many tasks at once, and a frame out of range keeps the grabber")
    func pool() async throws {
        let pool = FrameGrabberPool(capacity: 2)
        let path = Fixture.path("vp9-noaudio.webm")
        let directory = try TemporaryDirectory()
        // Eight grabs at once on two files' worth of capacity: each takes a grabber of its own.
        let frames = [3, 47, 0, 21, 8, 33, 12, 40]
        let jpegs = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for frame in frames { group.addTask { (frame, try pool.jpeg(path: path, frame: frame, width: 320)) } }
            return try await group.reduce(into: [(Int, [UInt8])]()) { $0.append($1) }
        }
        for (frame, jpeg) in jpegs {
            let file = directory.path("frame-\(frame)-grab.jpg")
            try Data(jpeg).write(to: URL(fileURLWithPath: file))
            #expect(FrameBarcode.read(try #require(try VideoFrameReader(file).next(.gray8)).picture)?.index == frame)
        }
        // A client stepping through: each grab gives its grabber back, which reads the next
        // frame ahead while it waits for the next step.
        for frame in 10..<22 {
            let file = directory.path("step-\(frame)-grab.jpg")  // no number last: it would read as a sequence
            try Data(try pool.jpeg(path: path, frame: frame, width: 320)).write(to: URL(fileURLWithPath: file))
            let read = FrameBarcode.read(try #require(try VideoFrameReader(file).next(.gray8)).picture)?.index
            #expect(read == frame, "a step to frame \(frame) showed \(read.map(String.init) ?? "no barcode")")
        }
        #expect(throws: MediaError.self) { _ = try pool.jpeg(path: path, frame: 48, width: nil) }
        #expect(throws: MediaError.self) { _ = try pool.jpeg(path: directory.path("missing.mp4"), frame: 0, width: nil) }
        // The grabber that refused frame 48 is still good.
        #expect(try pool.withGrabber(for: path) { grabber throws(MediaError) in grabber.info.video.frameCount } == 48)
    }

    @Test("viewers stepping through one movie at once each keep the grabber reading ahead for them")
    func poolKeepsSteppers() throws {
        let pool = FrameGrabberPool(capacity: 2)
        let path = Fixture.path("h264-bframes-23976-editlist.mp4")
        // Two grabbers open and idle.
        try pool.withGrabber(for: path) { _ throws(MediaError) in try pool.withGrabber(for: path) { _ throws(MediaError) in } }
        var grabbers: [Int: Set<ObjectIdentifier>] = [:]
        var next = [0: 5, 1: 40]
        // Unevenly, so that neither the grabber given back last nor the one given back first is
        // always the right one: viewer 0 steps twice for each step of viewer 1.
        for _ in 0..<6 {
            for viewer in [0, 0, 1] {
                let frame = next[viewer]!
                next[viewer] = frame + 1
                let (grabber, picture) = try pool.withGrabber(for: path, frame: frame) { grabber throws(MediaError) in
                    (ObjectIdentifier(grabber), try grabber.picture(frame: frame, width: 160, layout: .gray8))
                }
                #expect(FrameBarcode.read(picture)?.index == frame, "viewer \(viewer), frame \(frame)")
                grabbers[viewer, default: []].insert(grabber)
            }
        }
        #expect(grabbers[0]?.count == 1 && grabbers[1]?.count == 1 && grabbers[0] != grabbers[1],
                "each viewer's steps went to one grabber of its own: \(grabbers)")
    }

    @Test("broken input fails with its error", arguments: Fixture.broken.map(\.name))
    func broken(name: String) {
        do {
            let grabber = try FrameGrabber(Fixture.path(name))
            _ = try grabber.picture(frame: 0)
            Issue.record("\(name) opened")
        } catch {
            #expect(error.code == Fixture.broken.first { $0.name == name }!.code)
        }
    }
}

@Suite("Frame grabber: skipping is exact")
struct FrameGrabberExactnessTests {
    init() { Libav.setLogLevel(.quiet) }

    /// Every frame decoded in order, as stored, full size.
    private func sequential(_ path: String) throws -> [Picture] {
        let reader = try VideoFrameReader(path)
        var pictures: [Picture] = []
        while let frame = try reader.next(.gray8) { pictures.append(frame.picture) }
        return pictures
    }

    /// A fixture's path, or with `proxy:` before its name, the path of its transcoded proxy.
    private func path(_ name: String) throws -> String {
        name.hasPrefix("proxy:")
            ? try TranscodedFixtures.output(Fixture.named(String(name.dropFirst(6)))).path(TranscodeManifest.FileName.proxy)
            : Fixture.path(name)
    }

    @Test("grabbed pixels equal the pixels of a decode from the start",
          arguments: ["h264-bframes-23976-editlist.mp4", "h264-vfr.mp4", "proxy:prores422-1080p24-pcm-tc01.mov",
                      "proxy:h264-2997df-tc005959.mov"])
    func bitExact(name: String) throws {
        let path = try path(name)
        let expected = try sequential(path)
        let grabber = try FrameGrabber(path)
        var random = SeededRandom(seed: 7)
        for frame in (0..<expected.count).shuffled(using: &random).prefix(20) {
            let grabbed = try grabber.picture(frame: frame, layout: .gray8)
            #expect(grabbed == expected[frame], "\(name) frame \(frame) differs from a full decode")
        }
        // Steps forward read on from what the decoder holds, through B-frames and across keyframes.
        for start in (0..<expected.count).shuffled(using: &random).prefix(4) {
            for frame in start..<min(start + 12, expected.count) {
                let grabbed = try grabber.picture(frame: frame, layout: .gray8)
                #expect(grabbed == expected[frame], "\(name) frame \(frame), a step from \(start), differs from a full decode")
            }
        }
    }

    @Test("reading ahead while a client steps gives the same pixels, and a step that waited decodes nothing more",
          arguments: ["h264-bframes-23976-editlist.mp4", "proxy:prores422-1080p24-pcm-tc01.mov"])
    func readAhead(name: String) throws {
        let path = try path(name)
        let expected = try sequential(path)
        let grabber = try FrameGrabber(path)
        var random = SeededRandom(seed: 11)
        var packetsAfterWaiting = 0
        var stepsAfterWaiting = 0
        for start in (0..<expected.count - 1).shuffled(using: &random).prefix(6) {
            let end = min(start + 10, expected.count)
            for frame in start..<end {
                // From the second step on, the grab before was a step, so the grabber read ahead;
                // a client slower than a decode finds the frame decoded.
                let waited = frame >= start + 2
                if waited { grabber.waitForReadAhead() }
                let packets = grabber.packetsDecoded
                let grabbed = try grabber.picture(frame: frame, layout: .gray8)
                if waited {
                    packetsAfterWaiting += grabber.packetsDecoded - packets
                    stepsAfterWaiting += 1
                }
                #expect(grabbed == expected[frame], "\(name) frame \(frame), a step from \(start), differs from a full decode")
                grabber.readAhead()
            }
            // Asked again at once, the last frame stops the read-ahead of the frame after it,
            // wherever that stopped, and is still the right picture.
            #expect(try grabber.picture(frame: end - 1, layout: .gray8) == expected[end - 1],
                    "\(name) frame \(end - 1) again, after reading ahead was stopped")
            grabber.readAhead()
        }
        #expect(stepsAfterWaiting > 20)
        #expect(packetsAfterWaiting == 0, "\(name): steps that waited for the read-ahead still decoded")
    }

    @Test("x264's settings tell whether P-frames may refer to B-frames")
    func x264Settings() throws {
        func parse(_ text: String) -> X264Settings? {
            let bytes = Array("\u{5}\u{0}garbage".utf8) + Array(text.utf8) + [0, 1, 2]
            return bytes.withUnsafeBytes { X264Settings(scanning: $0) }
        }
        let strict = try #require(parse("x264 - core 164 - H.264/MPEG-4 AVC codec - options: cabac=1 bframes=3 b_pyramid=1 keyint=12"))
        #expect(strict.bFrames == 3 && strict.pFramesIgnoreBFrames)
        let normal = try #require(parse("x264 - core 164 - options: bframes=3 b_pyramid=2"))
        #expect(!normal.pFramesIgnoreBFrames)
        #expect(parse("x264 - core 164 - options: bframes=0")?.pFramesIgnoreBFrames == false)
        #expect(parse("Lavc59.37.100 libx265") == nil)
    }
}
