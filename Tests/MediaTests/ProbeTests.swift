import Foundation
import FrameTime
import Media
import MediaTestSupport
import Testing

@Suite("Probe")
struct ProbeTests {
    init() { Libav.setLogLevel(.quiet) }

    @Test("knows every fixture for what it is", arguments: Fixture.media)
    func knownFacts(fixture: Fixture) throws {
        let info = try MediaProbe.probe(fixture.path)
        #expect(info.kind == fixture.kind)
        #expect(info.video.frameCount == fixture.frameCount)
        #expect(info.frameMap.frameCount == fixture.frameCount)
        #expect(info.video.frameRate == fixture.rate)
        #expect(info.video.isVariableFrameRate == fixture.isVariableFrameRate)
        #expect(info.video.width == fixture.width && info.video.height == fixture.height)
        #expect(info.startTimecode?.description == fixture.startTimecode)
        #expect(info.firstFrameNumber == fixture.firstFrameNumber)
        #expect(info.video.rotation == fixture.rotation)
        #expect(info.audio.count == fixture.audioStreams)
        #expect(info.warnings.isEmpty, "\(info.warnings)")
    }

    @Test("agrees with ffprobe: frame count, rate, size, timecode, audio", arguments: Fixture.media)
    func agreesWithFFprobe(fixture: Fixture) throws {
        let info = try MediaProbe.probe(fixture.path)
        // ffprobe reads sequences and stills at image2's default 25 fps unless told ours.
        let inputOptions = fixture.kind == .movie ? [] : ["-framerate", "24", "-f", "image2"]
            + (fixture.kind == .imageSequence ? ["-start_number", "\(info.sequence!.firstNumber)"] : [])
        let target = info.sequence?.patternPath ?? fixture.path
        let probe = try FFprobe.json(target, inputOptions: inputOptions)
        let streams = try #require(probe["streams"] as? [[String: Any]])
        let video = try #require(streams.first { $0["index"] as? Int == info.video.streamIndex })

        #expect(Int(video["nb_read_frames"] as? String ?? "") == info.video.frameCount, "decoded frame count")
        #expect(video["width"] as? Int == info.video.width)
        #expect(video["height"] as? Int == info.video.height)
        #expect(video["codec_name"] as? String == info.video.codec)
        #expect(video["pix_fmt"] as? String == info.video.pixelFormat)
        let rateKey = info.video.isVariableFrameRate ? "avg_frame_rate" : "r_frame_rate"
        #expect(FrameRate(video[rateKey] as? String ?? "") == info.video.frameRate, "\(rateKey)")
        if let sar = video["sample_aspect_ratio"] as? String {
            #expect(Rational(sar) == info.video.sampleAspectRatio)
        }

        // ffprobe shows the display matrix's counterclockwise angle.
        let sideData = video["side_data_list"] as? [[String: Any]] ?? []
        let counterclockwise = sideData.compactMap { $0["rotation"] as? Int }.first ?? 0
        #expect(((-counterclockwise % 360) + 360) % 360 == info.video.rotation)

        let format = probe["format"] as? [String: Any] ?? [:]
        let tags = streams.compactMap { ($0["tags"] as? [String: Any])?["timecode"] as? String }
            + [(format["tags"] as? [String: Any])?["timecode"] as? String].compactMap { $0 }
        #expect(tags.first == info.startTimecode?.description)

        let audio = streams.filter { $0["codec_type"] as? String == "audio" }
        #expect(audio.count == info.audio.count)
        for (theirs, ours) in zip(audio, info.audio) {
            #expect(theirs["codec_name"] as? String == ours.codec)
            #expect(Int(theirs["sample_rate"] as? String ?? "") == ours.sampleRate)
            #expect(theirs["channels"] as? Int == ours.channels)
        }
    }

    @Test("an edit list's hidden frames are not counted, and the header's count is not trusted")
    func editList() throws {
        let info = try MediaProbe.probe(Fixture.path("h264-bframes-23976-editlist.mp4"))
        let probe = try FFprobe.json(Fixture.path("h264-bframes-23976-editlist.mp4"))
        let video = try #require((probe["streams"] as? [[String: Any]])?.first { $0["codec_type"] as? String == "video" })
        #expect(video["nb_frames"] as? String == "96", "the header counts every coded sample")
        #expect(info.video.frameCount == 84)
        #expect(info.video.frameCountMethod == .containerIndex)
    }

    @Test("variable frame rate keeps every frame's timestamp")
    func variableFrameRate() throws {
        let info = try MediaProbe.probe(Fixture.path("h264-vfr.mp4"))
        guard case .variable(let timeBase, let timestamps, _) = info.frameMap.timing else {
            Issue.record("expected a variable-rate map")
            return
        }
        // Every 4th frame of a 30 fps capture was dropped, so gaps of 2/30 s appear.
        let gaps = Set(zip(timestamps, timestamps.dropFirst()).map { Rational($1 - $0) * timeBase })
        #expect(gaps.contains(Rational(1, 30)))
        #expect(gaps.contains(Rational(2, 30)))
        #expect(info.video.frameCountMethod == .packets)
    }

    @Test("reports colour, bit depth, aspect and rotation")
    func pictureDetails() throws {
        let prores = try MediaProbe.probe(Fixture.path("prores422-1080p24-pcm-tc01.mov"))
        #expect(prores.video.codec == "prores" && prores.video.profile == "Standard")
        #expect(prores.video.bitDepth == 10 && prores.video.chromaSubsampling == "4:2:2")
        #expect(prores.video.colorPrimaries == "bt709" && prores.video.colorTransfer == "bt709")
        #expect(prores.video.colorSpace == "bt709" && prores.video.colorRange == "tv")
        #expect(prores.audio.first?.bitsPerSample == 24 && prores.audio.first?.sampleRate == 48000)

        let hdr = try MediaProbe.probe(Fixture.path("hevc-10bit-pq.mkv"))
        #expect(hdr.video.bitDepth == 10)
        #expect(hdr.video.colorPrimaries == "bt2020" && hdr.video.colorTransfer == "smpte2084")
        #expect(hdr.video.frameCountMethod == .packets)

        let anamorphic = try MediaProbe.probe(Fixture.path("h264-odd-1001x563-anamorphic.mov"))
        #expect(anamorphic.video.sampleAspectRatio == Rational(4, 3))
        #expect(anamorphic.video.displayAspectRatio == Rational(4004, 1689))
        #expect(anamorphic.video.displayWidth == 1335 && anamorphic.video.displayHeight == 563)

        let phone = try MediaProbe.probe(Fixture.path("h264-phone-rotated90.mp4"))
        #expect(phone.video.rotation == 90)
        #expect(phone.video.displayWidth == 360 && phone.video.displayHeight == 640)
    }

    @Test("timecodes label every frame, drop-frame across the hour")
    func timecodes() throws {
        let dropFrame = try MediaProbe.probe(Fixture.path("h264-2997df-tc005959.mov"))
        #expect(dropFrame.startTimecode?.isDropFrame == true)
        #expect(dropFrame.frameMap.timecode(ofFrame: 2)?.description == "01:00:00;00")
        #expect(dropFrame.frameMap.timecode(ofFrame: 89)?.description == "01:00:02;27")
        let mxf = try MediaProbe.probe(Fixture.path("dnxhr-25-tc10.mxf"))
        #expect(mxf.frameMap.timecode(ofFrame: 24)?.description == "10:00:00:24")
    }

    @Test("JSON round-trips with exact rationals, and a sequence's gaps")
    func json() throws {
        /// The probe's JSON, after checking it decodes to the same description.
        func roundTrip(_ path: String) throws -> [String: Any] {
            let info = try MediaProbe.probe(path)
            let data = try JSONEncoder().encode(info)
            #expect(try JSONDecoder().decode(MediaInfo.self, from: data) == info, "\(path)")
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        for fixture in Fixture.media {
            let video = try #require(try roundTrip(fixture.path)["video"] as? [String: Any])
            #expect(video["frame_rate"] as? String == fixture.rate.description)
        }
        for fixture in Fixture.gapped {
            let object = try roundTrip(fixture.path)
            let sequence = try #require(object["sequence"] as? [String: Any])
            #expect(sequence["gaps"] as? [[Int]] == fixture.gaps.map { [$0.lowerBound, $0.upperBound] })
            #expect(sequence["count"] as? Int == fixture.frameCount && sequence["gap_fill"] as? String == "hold")
            #expect((object["frame_map"] as? [String: Any])?["missing"] as? [[Int]]
                    == fixture.missingFrames.map { [$0.lowerBound, $0.upperBound] })
        }
    }
}
