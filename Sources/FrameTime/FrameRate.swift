/// Frames per second as an exact rational: NTSC 23.976 is 24000/1001.
public struct FrameRate: Sendable, Hashable {
    /// Frames per second, always positive.
    public let framesPerSecond: Rational
    /// The whole number of frames a timecode counts per second: the rate rounded to the
    /// nearest integer (30 for 29.97), as SMPTE 12M and libavutil's `av_timecode_init` do.
    /// Stored because every timecode conversion asks for it.
    public let timecodeBase: Int

    /// A rate of `numerator/denominator` frames per second.
    /// - Precondition: the rate is positive. Use ``init(exactly:)`` for untrusted input.
    public init(_ numerator: Int64, _ denominator: Int64 = 1) {
        let rate = Rational(numerator, denominator)
        precondition(rate > .zero, "frame rate \(rate) is not positive")
        self.init(positive: rate)
    }

    /// A rate of `framesPerSecond`, or `nil` unless it is positive.
    public init?(exactly framesPerSecond: Rational) {
        guard framesPerSecond > .zero else { return nil }
        self.init(positive: framesPerSecond)
    }

    private init(positive framesPerSecond: Rational) {
        self.framesPerSecond = framesPerSecond
        self.timecodeBase = max(1, Int(framesPerSecond.rounded))
    }

    public static let fps23_976 = FrameRate(24000, 1001)
    public static let fps24 = FrameRate(24)
    public static let fps25 = FrameRate(25)
    public static let fps29_97 = FrameRate(30000, 1001)
    public static let fps30 = FrameRate(30)
    public static let fps47_952 = FrameRate(48000, 1001)
    public static let fps48 = FrameRate(48)
    public static let fps50 = FrameRate(50)
    public static let fps59_94 = FrameRate(60000, 1001)
    public static let fps60 = FrameRate(60)

    /// The rates film, broadcast and phones use.
    public static let standard: [FrameRate] = [
        .fps23_976, .fps24, .fps25, .fps29_97, .fps30, .fps47_952, .fps48, .fps50, .fps59_94, .fps60,
    ]

    /// How long one frame lasts, in seconds.
    public var frameDuration: Rational { framesPerSecond.reciprocal }

    /// Whether drop-frame timecode applies: NTSC rates whose base is a multiple of 30
    /// (29.97, 59.94, 119.88).
    public var supportsDropFrame: Bool {
        framesPerSecond.denominator == 1001 && framesPerSecond.numerator % 30000 == 0
    }

    /// Timecode labels skipped at the start of every minute but each tenth in drop-frame:
    /// 2 at 29.97, 4 at 59.94.
    public var droppedLabelsPerMinute: Int { supportsDropFrame ? timecodeBase / 15 : 0 }
}

extension FrameRate: CustomStringConvertible, LosslessStringConvertible {
    /// The exact rate, `24000/1001`.
    public var description: String { framesPerSecond.description }

    /// Parses an exact rate (`24000/1001`, `25`) or one of the usual decimal names of the
    /// standard rates (`23.976`, `29.97`, `59.94`, `47.952`). Any other decimal is rejected:
    /// a rate must never be a rounded float.
    public init?(_ description: String) {
        if let named = FrameRate.decimalNames[description] {
            self = named
        } else if let rational = Rational(description), let rate = FrameRate(exactly: rational) {
            self = rate
        } else {
            return nil
        }
    }

    /// The rate for people: `23.976`, `24`, `29.97`.
    public var displayName: String { framesPerSecond.decimalString(places: 3) }

    private static let decimalNames: [String: FrameRate] = [
        "23.976": .fps23_976, "23.98": .fps23_976, "29.97": .fps29_97, "47.952": .fps47_952,
        "47.95": .fps47_952, "59.94": .fps59_94, "119.88": FrameRate(120000, 1001),
    ]
}

extension FrameRate: Codable {
    /// Encodes as the exact rational string, `24000/1001`.
    public func encode(to encoder: any Encoder) throws {
        try framesPerSecond.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let rational = try Rational(from: decoder)
        guard let rate = FrameRate(exactly: rational) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "frame rate \(rational) is not positive"))
        }
        self = rate
    }
}
