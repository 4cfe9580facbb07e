import Foundation
import Testing

@testable import FrameTime

@Suite("Rational")
struct RationalTests {
    @Test("reduces to lowest terms with a positive denominator")
    func reduces() {
        #expect(Rational(48000, 2002) == Rational(24000, 1001))
        #expect(Rational(3, -6).numerator == -1)
        #expect(Rational(3, -6).denominator == 2)
        #expect(Rational(0, -5) == .zero)
        #expect(Rational(exactly: 1, 0) == nil)
    }

    @Test("adds, subtracts, multiplies and divides exactly")
    func arithmetic() {
        let ntsc = Rational(24000, 1001)
        #expect(ntsc * Rational(1001, 24000) == .one)
        #expect(Rational(1, 3) + Rational(1, 6) == Rational(1, 2))
        #expect(Rational(1, 3) - Rational(1, 2) == Rational(-1, 6))
        #expect(Rational(3, 4) / Rational(3, 8) == Rational(2))
        #expect(Rational(1, 3) < Rational(1, 2))
        #expect(-Rational(1, 2) < .zero)
        // Products far beyond 64 bits reduce back into range.
        let big = Rational(Int64.max - 1, 3_000_000_007)
        #expect(big * Rational(3_000_000_007, Int64.max - 1) == .one)
    }

    @Test("floor, ceiling and rounding agree on negative values")
    func rounding() {
        #expect(Rational(7, 2).floor == 3)
        #expect(Rational(7, 2).ceiling == 4)
        #expect(Rational(7, 2).rounded == 4)
        #expect(Rational(-7, 2).floor == -4)
        #expect(Rational(-7, 2).ceiling == -3)
        #expect(Rational(-7, 2).rounded == -3)  // halves round up
        #expect(Rational(-8, 3).rounded == -3)
        #expect(Rational(6).floor == 6 && Rational(6).ceiling == 6 && Rational(6).rounded == 6)
    }

    @Test("parses and prints as numerator/denominator")
    func text() throws {
        #expect(Rational("24000/1001") == Rational(24000, 1001))
        #expect(Rational("4:3") == Rational(4, 3))
        #expect(Rational("25") == Rational(25))
        #expect(Rational("1/0") == nil)
        #expect(Rational("23.976") == nil)
        #expect(Rational("") == nil)
        #expect(Rational(24000, 1001).description == "24000/1001")
        #expect(Rational(24000, 1001).decimalString() == "23.976")
        #expect(Rational(30000, 1001).decimalString(places: 2) == "29.97")
        #expect(Rational(-1, 8).decimalString() == "-0.125")
        #expect(Rational(25).decimalString() == "25")
        let json = try JSONEncoder().encode([Rational(24000, 1001)])
        #expect(String(decoding: json, as: UTF8.self) == #"["24000\/1001"]"#)
        #expect(try JSONDecoder().decode([Rational].self, from: json) == [Rational(24000, 1001)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Rational].self, from: Data(#"["2.5"]"#.utf8)) }
    }
}

@Suite("FrameRate")
struct FrameRateTests {
    @Test("23.976 is 24000/1001, never a float")
    func ntsc() {
        #expect(FrameRate("23.976") == FrameRate(24000, 1001))
        #expect(FrameRate("24000/1001") == .fps23_976)
        #expect(FrameRate("29.97") == .fps29_97)
        #expect(FrameRate("59.94") == .fps59_94)
        #expect(FrameRate("25") == .fps25)
        #expect(FrameRate("23.97") == nil)
        #expect(FrameRate("0") == nil)
        #expect(FrameRate("-24") == nil)
        #expect(FrameRate.fps23_976.displayName == "23.976")
    }

    @Test("timecode base and drop-frame capability")
    func timecodeBase() {
        #expect(FrameRate.fps23_976.timecodeBase == 24)
        #expect(FrameRate.fps29_97.timecodeBase == 30)
        #expect(FrameRate.fps59_94.timecodeBase == 60)
        #expect(FrameRate.fps29_97.supportsDropFrame && FrameRate.fps59_94.supportsDropFrame)
        #expect(!FrameRate.fps23_976.supportsDropFrame && !FrameRate.fps30.supportsDropFrame)
        #expect(FrameRate.fps29_97.droppedLabelsPerMinute == 2)
        #expect(FrameRate.fps59_94.droppedLabelsPerMinute == 4)
        #expect(FrameRate.fps24.frameDuration == Rational(1, 24))
    }
}
