import Foundation
import FrameTime
import Media
import MediaTestSupport
import Testing

@Suite("Transcode")
struct TranscodeTests {
    init() { Libav.setLogLevel(.quiet) }

    static let moving = Fixture.media.filter { $0.kind != .still }

    @Test("the proxy has every source frame, in order: barcode k on proxy frame k", arguments: moving)
    func proxyFrames(fixture: Fixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        let proxy = try #require(output.manifest.proxy)
        #expect(proxy.frameCount == fixture.frameCount)
        let reader = try VideoFrameReader(output.path(proxy.name))
        var index = 0
        while let frame = try reader.next(.gray8) {
            let reading = FrameBarcode.read(frame.picture)
            #expect(reading?.index == index, "\(fixture) proxy frame \(index)")
            #expect(reading?.rotation == fixture.rotation, "the proxy is turned upright")
            index += 1
        }
        #expect(index == fixture.frameCount)
        #expect(output.manifest.repeatedFrames.isEmpty && output.manifest.corruptPackets == 0)
    }

    @Test("ffprobe counts the proxy's frames and finds H.264 High 4:2:0, square pixels, even size", arguments: moving)
    func proxyFormat(fixture: Fixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        let proxy = try #require(output.manifest.proxy)
        let probe = try FFprobe.json(output.path(proxy.name))
        let streams = try #require(probe["streams"] as? [[String: Any]])
        let video = try #require(streams.first { $0["codec_type"] as? String == "video" })
        #expect(Int(video["nb_read_frames"] as? String ?? "") == fixture.frameCount)
        #expect(video["codec_name"] as? String == "h264" && video["profile"] as? String == "High")
        #expect(video["pix_fmt"] as? String == "yuv420p")
        let width = try #require(video["width"] as? Int)
        let height = try #require(video["height"] as? Int)
        #expect(width % 2 == 0 && height % 2 == 0 && max(width, height) <= 1920)
        #expect((video["sample_aspect_ratio"] as? String ?? "1:1") == "1:1")
        #expect(FrameRate(video["r_frame_rate"] as? String ?? "") == fixture.rate, "constant, at the source's (average) rate")

        // Shown the same shape as the source: de-squeezed and turned.
        let source = try MediaProbe.probe(fixture.path)
        let shown = DisplayGeometry(source.video).displaySize
        let expected = DisplayGeometry(source.video).size(longEdge: 1920, even: true)
        #expect(PictureSize(width: width, height: height) == expected)
        #expect(abs(width * shown.height - height * shown.width) <= max(shown.width, shown.height) * 2)

        let audio = streams.filter { $0["codec_type"] as? String == "audio" }
        #expect(audio.count == min(1, fixture.audioStreams))
        if let aac = audio.first {
            #expect(aac["codec_name"] as? String == "aac" && aac["profile"] as? String == "LC")
            #expect(aac["sample_rate"] as? String == "48000" && aac["channels"] as? Int == 2)
        }
        let timecode = streams.compactMap { ($0["tags"] as? [String: Any])?["timecode"] as? String }.first
        #expect(timecode == fixture.startTimecode, "the start timecode is carried in a tmcd track")
    }

    @Test("keyframes fall at the profile's interval (a second or less) and only there; the index comes first", arguments: moving)
    func seekability(fixture: Fixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        let path = output.path(TranscodeManifest.FileName.proxy)
        let csv = String(decoding: try FFprobe.run(["-v", "error", "-select_streams", "v", "-show_entries",
                                                    "frame=key_frame,pict_type", "-of", "csv=p=0", path]), as: UTF8.self)
        let keyframes = csv.split(separator: "\n").enumerated().filter { $0.element.hasPrefix("1") }.map(\.offset)
        let gop = ProxyProfile.review1080.keyframeDistance(at: fixture.rate)
        #expect(Rational(gop) / fixture.rate.framesPerSecond <= .one, "at most a second apart")
        #expect(keyframes == Array(stride(from: 0, to: fixture.frameCount, by: gop)), "\(fixture)")
        // Closed GOPs: no frame before a keyframe in display order depends on it.
        let trace = String(decoding: try Subprocess.run("ffprobe", ["-v", "trace", path]).standardError, as: UTF8.self)
        let moov = try #require(trace.range(of: "type:'moov'"))
        let mdat = try #require(trace.range(of: "type:'mdat'"))
        #expect(moov.lowerBound < mdat.lowerBound, "+faststart puts the index before the media")
    }

    @Test("the proxy's sound lasts as long as the source's", arguments: moving.filter { $0.audioStreams > 0 })
    func audioDuration(fixture: Fixture) throws {
        /// From the first audio packet's start to the last one's end (Matroska has no stream
        /// duration), counting only sound from the first video frame on (every fixture's video
        /// starts at 0): the edit-listed movie carries half a second of sound before its cut,
        /// which the proxy rightly leaves out.
        func audioSeconds(_ path: String) throws -> Double {
            let text = String(decoding: try FFprobe.run(["-v", "error", "-select_streams", "a:0", "-show_entries",
                                                         "packet=pts_time,duration_time", "-of", "csv=p=0", path]), as: UTF8.self)
            let packets = text.split(separator: "\n").map { $0.split(separator: ",").compactMap { Double($0) } }
                .filter { $0.count == 2 }
            let start = max(0, try #require(packets.map { $0[0] }.min()))
            let end = try #require(packets.map { $0[0] + $0[1] }.max())
            return end - start
        }
        let output = try TranscodedFixtures.output(fixture)
        let source = try audioSeconds(fixture.path)
        let proxy = try audioSeconds(output.path(TranscodeManifest.FileName.proxy))
        // Within one AAC frame (1024 samples at 48 kHz), plus what the source's own start offset moves.
        #expect(abs(source - proxy) < 0.05, "\(fixture): source audio \(source) s, proxy audio \(proxy) s")
    }

    @Test("colour tags pass through; an HDR source's proxy is tagged with what its tone mapping made")
    func colour() throws {
        for (name, primaries, transfer, space) in [
            ("prores422-1080p24-pcm-tc01.mov", "bt709", "bt709", "bt709"),
            // Tone-mapped to Rec. 709 in RGB; at 640×360 the YUV matrix is SD's, as for any RGB source.
            ("hevc-10bit-pq.mkv", "bt709", "bt709", "bt470bg"),
        ] {
            let output = try TranscodedFixtures.output(Fixture.named(name))
            let proxy = try MediaProbe.probe(output.path(TranscodeManifest.FileName.proxy))
            #expect(proxy.video.colorPrimaries == primaries)
            #expect(proxy.video.colorTransfer == transfer)
            #expect(proxy.video.colorSpace == space)
            #expect(proxy.video.colorRange == "tv")
        }
    }

    @Test("poster and every filmstrip tile show the frames the manifest says", arguments: Fixture.media)
    func posterAndFilmstrip(fixture: Fixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        let manifest = output.manifest
        let poster = try #require(try VideoFrameReader(output.path(manifest.poster.name)).next(.gray8))
        #expect(FrameBarcode.read(poster.picture)?.index == manifest.poster.frame)
        #expect(manifest.poster.frame == (fixture.kind == .still ? 0 : fixture.frameCount / 2))

        let index = try JSONDecoder().decode(
            FilmstripIndex.self, from: Data(contentsOf: URL(fileURLWithPath: output.path(TranscodeManifest.FileName.filmstripIndex))))
        #expect(index == manifest.filmstrip)
        #expect(index.tiles.count == min(100, fixture.frameCount))
        let sheet = try #require(try VideoFrameReader(output.path(index.image)).next(.gray8)).picture
        #expect(sheet.width == index.columns * index.tileWidth && sheet.height == index.rows * index.tileHeight)
        for tile in index.tiles {
            let picture = sheet.cropped(x: tile.x, y: tile.y, width: index.tileWidth, height: index.tileHeight)
            #expect(FrameBarcode.read(picture)?.index == tile.frame, "\(fixture) tile of frame \(tile.frame)")
        }
    }

    @Test("the frame map JSON is the source's, timestamps and all", arguments: Fixture.media)
    func frameMap(fixture: Fixture) throws {
        let output = try TranscodedFixtures.output(fixture)
        let data = try Data(contentsOf: URL(fileURLWithPath: output.path(TranscodeManifest.FileName.frameMap)))
        let map = try JSONDecoder().decode(FrameMap.self, from: data)
        #expect(map == (try MediaProbe.probe(fixture.path)).frameMap)
        #expect(map.isConstantRate == !fixture.isVariableFrameRate)
    }

    @Test("a still gets a review-size image and a poster, no movie")
    func still() throws {
        let output = try TranscodedFixtures.output(Fixture.named("still.jpg"))
        #expect(output.manifest.proxy == nil)
        let review = try #require(output.manifest.reviewImage)
        #expect(review.width == 1280 && review.height == 720)
        let picture = try #require(try VideoFrameReader(output.path(review.name)).next(.gray8)).picture
        #expect(FrameBarcode.read(picture)?.index == 0)
        #expect(!FileManager.default.fileExists(atPath: output.path(TranscodeManifest.FileName.proxy)))
    }

    @Test("progress counts every frame; cancelling leaves nothing behind")
    func progressAndCancellation() throws {
        let directory = try TemporaryDirectory()
        var seen: [Int] = []
        _ = try Transcoder.transcode(Fixture.path("h264-2997df-tc005959.mov"), to: directory.path("done")) { seen.append($0.framesDone) }
        #expect(seen == Array(1...90))

        let cancellation = CancellationFlag()
        let target = directory.path("cancelled")
        do {
            _ = try Transcoder.transcode(Fixture.path("h264-2997df-tc005959.mov"), to: target, cancellation: cancellation) {
                if $0.framesDone == 30 { cancellation.cancel() }
            }
            Issue.record("the transcode finished despite being cancelled")
        } catch {
            #expect(error.code == .cancelled)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == [], "no output, no staging folder")
    }

    @Test("a rerun replaces the outputs whole")
    func rerun() throws {
        let directory = try TemporaryDirectory()
        let first = try Transcoder.transcode(Fixture.path("vp9-noaudio.webm"), to: directory.url.path)
        let second = try Transcoder.transcode(Fixture.path("vp9-noaudio.webm"), to: directory.url.path,
                                              options: TranscodeOptions(profile: .draft540))
        #expect(first.profile == "review-1080" && second.profile == "draft-540")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory.url.path))
        #expect(names == Set(second.files.map(\.name) + [TranscodeManifest.FileName.manifest]))
    }

    @Test("a damaged frame in the middle is counted and the frame before stands in for it")
    func corruptPacket() throws {
        let directory = try TemporaryDirectory()
        let damaged = directory.path("damaged.mov")
        try FileManager.default.copyItem(atPath: Fixture.path("prores422-1080p24-pcm-tc01.mov"), toPath: damaged)
        // Overwrite the ProRes frame header of frame 10 with garbage.
        let packets = String(decoding: try FFprobe.run(["-v", "error", "-select_streams", "v", "-show_entries",
                                                        "packet=pos", "-of", "csv=p=0", damaged]), as: UTF8.self)
            .split(separator: "\n").compactMap { Int($0) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: damaged))
        try handle.seek(toOffset: UInt64(packets[10]))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        try handle.close()

        let manifest = try Transcoder.transcode(damaged, to: directory.path("out"))
        #expect(manifest.corruptPackets == 1)
        #expect(manifest.repeatedFrames == [10])
        let reader = try VideoFrameReader(directory.path("out/proxy.mp4"))
        var barcodes: [Int?] = []
        while let frame = try reader.next(.gray8) { barcodes.append(FrameBarcode.read(frame.picture)?.index) }
        #expect(barcodes == (0..<24).map { $0 == 10 ? 9 : $0 })
    }

    @Test("broken input fails with its error and writes nothing", arguments: Fixture.broken.map(\.name))
    func brokenInput(name: String) throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try Transcoder.transcode(Fixture.path(name), to: directory.path("out"))
            Issue.record("\(name) transcoded")
        } catch {
            #expect(error.code == Fixture.broken.first { $0.name == name }!.code)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("out/proxy.mp4")))
    }
}
