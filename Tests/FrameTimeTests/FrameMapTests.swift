import Foundation
import Testing

@testable import FrameTime

@Suite("FrameMap")
struct FrameMapTests {
    /// Time bases media really uses: QuickTime 24000 and 30000, MPEG 90 kHz, Matroska's
    /// millisecond, FFmpeg's microsecond, and a stream's own 1/rate.
    static let timeBases = [Rational(1, 24000), Rational(1, 30000), Rational(1, 90000), Rational(1, 1000),
                            Rational(1, 1_000_000), Rational(1, 15360), Rational(1001, 24000)]

    @Test("constant rate: timestamps round-trip through every common time base", arguments: FrameRate.standard)
    func constantRoundTrip(rate: FrameRate) {
        let map = FrameMap(rate: rate, frameCount: 5000, start: Rational(1001, 24000))
        for timeBase in Self.timeBases where timeBase < rate.frameDuration {
            for frame in map.indices {
                let timestamp = map.timestamp(ofFrame: frame, timeBase: timeBase)
                guard map.frame(atTimestamp: timestamp, timeBase: timeBase) == frame else {
                    Issue.record("\(rate) in \(timeBase): frame \(frame) -> \(timestamp) -> \(String(describing: map.frame(atTimestamp: timestamp, timeBase: timeBase)))")
                    return
                }
                // The tick before a frame's start still shows the previous frame.
                if frame > 0 && map.frame(atTimestamp: timestamp - 1, timeBase: timeBase) != frame - 1 {
                    Issue.record("\(rate) in \(timeBase): tick before frame \(frame) is not frame \(frame - 1)")
                    return
                }
            }
        }
    }

    @Test("23.976 in milliseconds matches Matroska's rounded timestamps")
    func matroskaMilliseconds() {
        let map = FrameMap(rate: .fps23_976, frameCount: 100)
        // Matroska stores 1001/24 ms rounded: 0, 42, 83, 125, 167, ...
        #expect((0..<5).map { map.timestamp(ofFrame: $0, timeBase: Rational(1, 1000)) } == [0, 42, 83, 125, 167])
        #expect(map.frame(atTimestamp: 83, timeBase: Rational(1, 1000)) == 2)
        #expect(map.frame(atTimestamp: 82, timeBase: Rational(1, 1000)) == 1)
        #expect(map.timestamp(ofFrame: 1, timeBase: Rational(1, 24000)) == 1001)
        #expect(map.time(ofFrame: 24) == Rational(1001, 1000))
        #expect(map.duration == Rational(100 * 1001, 24000))
    }

    @Test("outside the media there is no frame")
    func outside() {
        let map = FrameMap(rate: .fps24, frameCount: 24, start: Rational(-2, 24))
        let timeBase = Rational(1, 24)
        #expect(map.frame(atTimestamp: -3, timeBase: timeBase) == nil)
        #expect(map.frame(atTimestamp: -2, timeBase: timeBase) == 0)
        #expect(map.frame(atTimestamp: 21, timeBase: timeBase) == 23)
        #expect(map.frame(atTimestamp: 22, timeBase: timeBase) == nil)
        #expect(FrameMap(rate: .fps24, frameCount: 0).frame(atTimestamp: 0, timeBase: timeBase) == nil)
    }

    @Test("variable rate keeps each frame's own timestamp")
    func variable() throws {
        let timeBase = Rational(1, 15360)
        let timestamps: [Int64] = [0, 512, 1536, 2048, 2560, 4096]
        let map = try #require(FrameMap(timeBase: timeBase, timestamps: timestamps, end: 4608))
        #expect(!map.isConstantRate)
        #expect(map.frameCount == 6)
        #expect(map.rate == FrameRate(20))  // 6 frames in 0.3 s
        #expect(map.time(ofFrame: 2) == Rational(1536, 15360))
        #expect(map.duration == Rational(4608, 15360))
        for (frame, timestamp) in timestamps.enumerated() {
            #expect(map.timestamp(ofFrame: frame, timeBase: timeBase) == timestamp)
            #expect(map.frame(atTimestamp: timestamp, timeBase: timeBase) == frame)
            #expect(map.frame(atTimestamp: timestamp + 1, timeBase: timeBase) == frame)
        }
        #expect(map.frame(atTimestamp: 1535, timeBase: timeBase) == 1)
        #expect(map.frame(atTimestamp: 4608, timeBase: timeBase) == nil)
        #expect(map.frame(atTimestamp: -1, timeBase: timeBase) == nil)
        // In milliseconds: 1536/15360 s = 100 ms is frame 2.
        #expect(map.frame(atTimestamp: 100, timeBase: Rational(1, 1000)) == 2)
        #expect(map.frame(atTimestamp: 99, timeBase: Rational(1, 1000)) == 1)

        #expect(FrameMap(timeBase: timeBase, timestamps: [0, 10, 10], end: 20) == nil)
        #expect(FrameMap(timeBase: timeBase, timestamps: [0, 10], end: 10) == nil)
        #expect(FrameMap(timeBase: timeBase, timestamps: [], end: 10) == nil)
    }

    @Test("timecode and frame number labels")
    func labels() throws {
        let map = FrameMap(rate: .fps24, frameCount: 48, startTimecode: try Timecode("01:00:00:00", rate: .fps24),
                           firstFrameNumber: 1001)
        #expect(map.timecode(ofFrame: 41)?.description == "01:00:01:17")
        #expect(map.frameNumber(ofFrame: 41) == 1042)
        #expect(map.frame(forFrameNumber: 1042) == 41)
        #expect(map.frame(forFrameNumber: 1000) == nil)
        #expect(map.frame(forFrameNumber: 1049) == nil)
        let dropFrame = FrameMap(rate: .fps29_97, frameCount: 90,
                                 startTimecode: try Timecode("00:59:59;28", rate: .fps29_97))
        #expect(dropFrame.timecode(ofFrame: 2)?.description == "01:00:00;00")
        #expect(FrameMap(rate: .fps25, frameCount: 1).timecode(ofFrame: 0) == nil)
    }

    @Test("JSON round-trips without floats")
    func json() throws {
        let constant = FrameMap(rate: .fps23_976, frameCount: 84, start: Rational(-1001, 24000),
                                startTimecode: try Timecode("00:59:59;28", rate: .fps29_97), firstFrameNumber: 0)
        let variable = try #require(FrameMap(timeBase: Rational(1, 15360), timestamps: [0, 512, 1536], end: 2048,
                                             firstFrameNumber: 1001))
        for map in [variable] {
            let data = try JSONEncoder().encode(map)
            #expect(try JSONDecoder().decode(FrameMap.self, from: data) == map)
            #expect(!String(decoding: data, as: UTF8.self).contains("."))
        }
        // A drop-frame start timecode keeps its own rate only through the map's rate.
        let ntsc = FrameMap(rate: .fps29_97, frameCount: 90, startTimecode: try Timecode("00:59:59;28", rate: .fps29_97))
        #expect(try JSONDecoder().decode(FrameMap.self, from: JSONEncoder().encode(ntsc)) == ntsc)
        _ = constant
        let text = #"{"rate":"24/1","frame_count":2,"start_timecode":"01:00:00:24"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FrameMap.self, from: Data(text.utf8)) }
        let unordered = #"{"rate":"24/1","frame_count":2,"time_base":"1/24","timestamps":[1,0],"end":3}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FrameMap.self, from: Data(unordered.utf8)) }
    }

    @Test("missing frames: [[first, last], …] of frame indices, absent when none; bad ranges are refused")
    func missing() throws {
        let map = FrameMap(rate: .fps24, frameCount: 12, firstFrameNumber: 1001, missing: [2...2, 5...6])
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(map)) as? [String: Any])
        #expect(object["missing"] as? [[Int]] == [[2, 2], [5, 6]])
        #expect(try JSONDecoder().decode(FrameMap.self, from: JSONEncoder().encode(map)) == map)
        #expect((0..<12).filter(map.isMissing) == [2, 5, 6] && map.missingCount == 3)
        let whole = try JSONSerialization.jsonObject(with: JSONEncoder().encode(FrameMap(rate: .fps24, frameCount: 3)))
        #expect((whole as? [String: Any])?["missing"] == nil)
        for bad in ["[[5,6],[2,2]]", "[[2,3],[4,5]]", "[[3,2]]", "[[10,12]]", "[[-1,0]]", "[[1]]"] {
            let text = #"{"rate":"24/1","frame_count":12,"start":"0/1","missing":"# + bad + "}"
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(FrameMap.self, from: Data(text.utf8)) }
        }
    }
}
