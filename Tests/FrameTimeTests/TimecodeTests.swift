import CFFmpeg
import Testing

@testable import FrameTime

/// Every standard rate, with drop-frame where the rate has it.
let timecodeKinds: [(rate: FrameRate, dropFrame: Bool)] =
    FrameRate.standard.map { ($0, false) } + FrameRate.standard.filter(\.supportsDropFrame).map { ($0, true) }

@Suite("Timecode")
struct TimecodeTests {
    @Test("29.97 drop-frame known values")
    func dropFrameKnownValues() throws {
        let rate = FrameRate.fps29_97
        #expect(try Timecode(frameNumber: 1800, rate: rate, dropFrame: true).description == "00:01:00;02")
        #expect(try Timecode(frameNumber: 17982, rate: rate, dropFrame: true).description == "00:10:00;00")
        #expect(try Timecode("00:01:00;02", rate: rate).frameNumber == 1800)
        #expect(try Timecode("00:10:00;00", rate: rate).frameNumber == 17982)
        #expect(try Timecode(frameNumber: 1799, rate: rate, dropFrame: true).description == "00:00:59;29")
        // One hour of drop-frame is 107892 frames: the label keeps pace with the clock.
        #expect(try Timecode("01:00:00;00", rate: rate).frameNumber == 107_892)
        #expect(try Timecode("00:59:59;28", rate: rate).adding(2).description == "01:00:00;00")
        let day = try Timecode(frameNumber: 0, rate: rate, dropFrame: true).framesPerDay
        #expect(day == 2_589_408)
    }

    @Test("59.94 drop-frame skips four labels a minute")
    func dropFrame5994() throws {
        let rate = FrameRate.fps59_94
        #expect(try Timecode(frameNumber: 3600, rate: rate, dropFrame: true).description == "00:01:00;04")
        #expect(try Timecode(frameNumber: 35964, rate: rate, dropFrame: true).description == "00:10:00;00")
    }

    @Test("non-drop known values")
    func nonDrop() throws {
        #expect(try Timecode("01:00:00:00", rate: .fps24).frameNumber == 86_400)
        #expect(try Timecode(frameNumber: 86_400 + 23, rate: .fps23_976).description == "01:00:00:23")
        #expect(try Timecode("10:00:00:00", rate: .fps25).adding(25 * 60).description == "10:01:00:00")
        #expect(try Timecode("00:00:00:00", rate: .fps30).framesPerDay == 2_592_000)
    }

    @Test("wraps at 24 hours in both directions")
    func wraps() throws {
        let last = try Timecode("23:59:59:23", rate: .fps24)
        #expect(last.adding(1).description == "00:00:00:00")
        #expect(last.adding(2).description == "00:00:00:01")
        #expect(try Timecode("00:00:00:00", rate: .fps24).adding(-1).description == "23:59:59:23")
        #expect(try Timecode("23:59:59;29", rate: .fps29_97).adding(1).description == "00:00:00;00")
        #expect(try Timecode(frameNumber: -1, rate: .fps25).description == "23:59:59:24")
        let start = try Timecode("23:59:59:00", rate: .fps24)
        #expect(try Timecode("00:00:01:00", rate: .fps24).frames(since: start) == 48)
    }

    @Test("rejects malformed and impossible labels with typed errors")
    func errors() {
        func code(_ body: () throws -> Timecode) -> TimecodeError.Code? {
            do { _ = try body(); return nil } catch { return (error as? TimecodeError)?.code }
        }
        #expect(code { try Timecode("1:00:00", rate: .fps24) } == .malformed)
        #expect(code { try Timecode("aa:bb:cc:dd", rate: .fps24) } == .malformed)
        #expect(code { try Timecode("01:00:00:00:00", rate: .fps24) } == .malformed)
        #expect(code { try Timecode("", rate: .fps24) } == .malformed)
        #expect(code { try Timecode("01:00:00:24", rate: .fps24) } == .outOfRange)
        #expect(code { try Timecode("24:00:00:00", rate: .fps24) } == .outOfRange)
        #expect(code { try Timecode("00:60:00:00", rate: .fps24) } == .outOfRange)
        #expect(code { try Timecode("00:01:00;00", rate: .fps29_97) } == .skippedDropFrameLabel)
        #expect(code { try Timecode("00:01:00;03", rate: .fps59_94) } == .skippedDropFrameLabel)
        #expect(code { try Timecode("00:01:00;00", rate: .fps25) } == .dropFrameNotSupported)
        #expect(code { try Timecode(frameNumber: 0, rate: .fps24, dropFrame: true) } == .dropFrameNotSupported)
        // The tenth minute keeps its first labels.
        #expect(code { try Timecode("00:10:00;00", rate: .fps29_97) } == nil)
        #expect(code { try Timecode("00:01:00:00", rate: .fps29_97) } == nil)  // non-drop 29.97
    }

    @Test("every frame of 24 hours round-trips through its fields", arguments: timecodeKinds.indices)
    func fieldRoundTrip(kind: Int) throws {
        let (rate, dropFrame) = timecodeKinds[kind]
        let day = try Timecode(frameNumber: 0, rate: rate, dropFrame: dropFrame).framesPerDay
        var previous = (hours: 0, minutes: 0, seconds: 0, frames: -1)
        for frame in 0..<day {
            let timecode = try Timecode(frameNumber: frame, rate: rate, dropFrame: dropFrame)
            let c = timecode.components
            let back = try Timecode(
                hours: c.hours, minutes: c.minutes, seconds: c.seconds, frames: c.frames, rate: rate,
                dropFrame: dropFrame)
            if back.frameNumber != frame {
                Issue.record("\(rate) df=\(dropFrame): frame \(frame) -> \(timecode) -> \(back.frameNumber)")
                return
            }
            // Labels strictly increase, so no two frames share one.
            if (c.hours, c.minutes, c.seconds, c.frames) <= (previous.hours, previous.minutes, previous.seconds, previous.frames) {
                Issue.record("\(rate) df=\(dropFrame): label \(timecode) at frame \(frame) does not increase")
                return
            }
            previous = c
        }
        #expect(previous == (23, 59, 59, rate.timecodeBase - 1))
    }

    @Test("text round-trips across 24 hours", arguments: timecodeKinds.indices)
    func textRoundTrip(kind: Int) throws {
        let (rate, dropFrame) = timecodeKinds[kind]
        let day = try Timecode(frameNumber: 0, rate: rate, dropFrame: dropFrame).framesPerDay
        for frame in stride(from: 0, to: day, by: 97) + [day - 1] {
            let text = try Timecode(frameNumber: frame, rate: rate, dropFrame: dropFrame).description
            #expect(try Timecode(text, rate: rate).frameNumber == frame, "\(text)")
        }
    }

    @Test("matches libavutil's av_timecode_make_string", arguments: timecodeKinds.indices)
    func matchesLibavutil(kind: Int) throws {
        let (rate, dropFrame) = timecodeKinds[kind]
        var libav = AVTimecode()
        let flags = Int32(AV_TIMECODE_FLAG_24HOURSMAX.rawValue | (dropFrame ? AV_TIMECODE_FLAG_DROPFRAME.rawValue : 0))
        let rational = AVRational(num: Int32(rate.framesPerSecond.numerator), den: Int32(rate.framesPerSecond.denominator))
        #expect(av_timecode_init(&libav, rational, flags, 0, nil) == 0)
        let day = try Timecode(frameNumber: 0, rate: rate, dropFrame: dropFrame).framesPerDay
        let base = rate.timecodeBase
        // Each side of every minute boundary, where drop-frame does its work, and a random sample.
        var frames = (0..<(24 * 60)).flatMap { minute -> [Int] in
            let approximate = minute * 60 * base - (dropFrame ? minute * rate.droppedLabelsPerMinute : 0)
            return (-3...3).map { approximate + $0 }.filter { (0..<day).contains($0) }
        }
        var generator = SystemRandomNumberGenerator()
        frames += (0..<2000).map { _ in Int.random(in: 0..<day, using: &generator) }
        for frame in frames {
            let ours = try Timecode(frameNumber: frame, rate: rate, dropFrame: dropFrame).description
            let theirs = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(AV_TIMECODE_STR_SIZE)) { buffer in
                String(cString: av_timecode_make_string(&libav, buffer.baseAddress, Int32(frame)))
            }
            #expect(ours == theirs, "\(rate) frame \(frame)")
        }
    }
}
