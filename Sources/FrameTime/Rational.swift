/// An exact fraction of two 64-bit integers, always in lowest terms with a positive denominator.
///
/// Frame rates, time bases and times are rationals in Dailies: 24000/1001 frames per second,
/// never 23.976. Arithmetic is exact. Intermediate products are computed in 128 bits and
/// reduced, and a result that does not fit back into 64 bits traps, like integer overflow.
public struct Rational: Sendable, Hashable {
    /// The numerator, carrying the sign.
    public let numerator: Int64
    /// The denominator, always positive.
    public let denominator: Int64

    /// A rational `numerator/denominator`, reduced to lowest terms.
    ///
    /// - Precondition: `denominator != 0`. Use ``init(exactly:_:)`` for untrusted input.
    public init(_ numerator: Int64, _ denominator: Int64 = 1) {
        precondition(denominator != 0, "Rational with a zero denominator")
        self.init(reducing: Int128(numerator), Int128(denominator))
    }

    /// A rational `numerator/denominator`, or `nil` when the denominator is zero
    /// (libav's way of saying "unknown", as in `0/0`).
    public init?(exactly numerator: Int64, _ denominator: Int64) {
        guard denominator != 0 else { return nil }
        self.init(numerator, denominator)
    }

    /// A whole number as a rational.
    public init(_ value: Int) {
        self.init(Int64(value), 1)
    }

    init(reducing numerator: Int128, _ denominator: Int128) {
        var n = numerator
        var d = denominator
        if d < 0 {
            n = -n
            d = -d
        }
        let divisor = Rational.gcd(n.magnitude, d.magnitude)
        if divisor > 1 {
            n /= Int128(divisor)
            d /= Int128(divisor)
        }
        guard let n64 = Int64(exactly: n), let d64 = Int64(exactly: d) else {
            preconditionFailure("Rational overflow: \(n)/\(d) does not fit in 64 bits")
        }
        self.numerator = n64
        self.denominator = d64
    }

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    public static let zero = Rational(0, 1)
    public static let one = Rational(1, 1)

    /// Whether the value is a whole number.
    public var isInteger: Bool { denominator == 1 }

    /// The reciprocal. - Precondition: the value is not zero.
    public var reciprocal: Rational {
        precondition(numerator != 0, "reciprocal of zero")
        return Rational(reducing: Int128(denominator), Int128(numerator))
    }

    /// The greatest integer less than or equal to the value.
    public var floor: Int64 { Rational.floorDivide(Int128(numerator), Int128(denominator)).int64 }

    /// The least integer greater than or equal to the value.
    public var ceiling: Int64 { (-Rational.floorDivide(-Int128(numerator), Int128(denominator))).int64 }

    /// The nearest integer, halves rounding up (towards positive infinity).
    public var rounded: Int64 {
        Rational.floorDivide(2 * Int128(numerator) + Int128(denominator), 2 * Int128(denominator)).int64
    }

    static func floorDivide(_ a: Int128, _ b: Int128) -> Int128 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}

extension Int128 {
    fileprivate var int64: Int64 {
        guard let value = Int64(exactly: self) else { preconditionFailure("Rational result \(self) does not fit in 64 bits") }
        return value
    }
}

// MARK: - Arithmetic

extension Rational: AdditiveArithmetic, Comparable {
    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        Rational(
            reducing: Int128(lhs.numerator) * Int128(rhs.denominator) + Int128(rhs.numerator) * Int128(lhs.denominator),
            Int128(lhs.denominator) * Int128(rhs.denominator))
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        lhs + (-rhs)
    }

    public static prefix func - (value: Rational) -> Rational {
        Rational(reducing: -Int128(value.numerator), Int128(value.denominator))
    }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        Rational(
            reducing: Int128(lhs.numerator) * Int128(rhs.numerator),
            Int128(lhs.denominator) * Int128(rhs.denominator))
    }

    /// - Precondition: `rhs` is not zero.
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        precondition(rhs.numerator != 0, "division by a zero Rational")
        return Rational(
            reducing: Int128(lhs.numerator) * Int128(rhs.denominator),
            Int128(lhs.denominator) * Int128(rhs.numerator))
    }

    public static func * (lhs: Rational, rhs: Int) -> Rational { lhs * Rational(rhs) }
    public static func * (lhs: Int, rhs: Rational) -> Rational { Rational(lhs) * rhs }
    public static func / (lhs: Rational, rhs: Int) -> Rational { lhs / Rational(rhs) }
    public static func / (lhs: Int, rhs: Rational) -> Rational { Rational(lhs) / rhs }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        Int128(lhs.numerator) * Int128(rhs.denominator) < Int128(rhs.numerator) * Int128(lhs.denominator)
    }
}

// MARK: - Text

extension Rational: CustomStringConvertible, LosslessStringConvertible {
    /// `numerator/denominator`, as ffprobe writes rates and time bases: `24000/1001`, `24/1`.
    public var description: String { "\(numerator)/\(denominator)" }

    /// Parses `n/d`, `n:d` or a whole number `n`. Returns `nil` for anything else or a zero
    /// denominator.
    public init?(_ description: String) {
        let parts = description.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == ":" })
        switch parts.count {
        case 1:
            guard let n = Int64(parts[0]) else { return nil }
            self.init(n, 1)
        case 2:
            guard let n = Int64(parts[0]), let d = Int64(parts[1]) else { return nil }
            self.init(exactly: n, d)
        default:
            return nil
        }
    }

    /// The value in decimal with at most `places` digits after the point, rounded half up and
    /// without trailing zeros: `24000/1001` gives `23.976`. For display only; never parse it back.
    public func decimalString(places: Int = 3) -> String {
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (self * Rational(scale, 1)).rounded
        let sign = scaled < 0 ? "-" : ""
        let whole = scaled.magnitude / UInt64(scale)
        var fraction = String(scaled.magnitude % UInt64(scale))
        guard places > 0 else { return "\(sign)\(whole)" }
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}

extension Rational: Codable {
    /// Encodes as the string `numerator/denominator`, so JSON never carries a float.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Rational(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a rational like 24000/1001")
        }
        self = value
    }
}
