/// What a text field may hold, said once: the catalog checks values with it, and the API's
/// OpenAPI document states it (as `minLength`, `maxLength` and a `pattern` made from the
/// same character sets), so the two cannot disagree.
///
/// Lengths count Unicode code points, as JSON Schema does, and are checked on the value as
/// sent, before blanks around it are trimmed.
public struct TextRule: Sendable, Hashable {
    /// The fewest code points.
    public var minimum: Int
    /// The most code points.
    public var maximum: Int
    /// Characters that may not appear anywhere.
    public var forbidden: CharacterRanges
    /// When set, the value needs at least one character outside this set (and outside
    /// `forbidden`): a name of blanks is no name.
    public var notOnly: CharacterRanges?

    public init(minimum: Int = 0, maximum: Int, forbidden: CharacterRanges = [], notOnly: CharacterRanges? = nil) {
        self.minimum = minimum
        self.maximum = maximum
        self.forbidden = forbidden
        self.notOnly = notOnly
    }

    /// A required one-line name: something visible, no line breaks, at most `maximum`.
    public static func name(maximum: Int = 200) -> TextRule {
        TextRule(minimum: 1, maximum: maximum, forbidden: .lineBreaks, notOnly: .blanks)
    }

    /// An optional one-line value: blank means none.
    public static func optionalName(maximum: Int = 200) -> TextRule {
        TextRule(maximum: maximum, forbidden: .lineBreaks)
    }

    /// Free text of several lines.
    public static func text(maximum: Int = 10_000) -> TextRule {
        TextRule(maximum: maximum)
    }

    /// A passphrase people can type.
    public static let passphrase = TextRule(minimum: 4, maximum: 200)

    /// A staff member's password: long enough that guessing it online, at the throttle's
    /// pace, is hopeless, and short enough that hashing it costs what it should.
    public static let password = TextRule(minimum: 10, maximum: 200)

    /// An uploaded original's file name: one line, no folders, no control characters, and
    /// more than dots and blanks (so never `.` or `..`).
    public static let fileName = TextRule(minimum: 1, maximum: 255, forbidden: .lineBreaks + .controls + .slashes,
                                          notOnly: .blanks + [".".unicodeScalars.first!...".".unicodeScalars.first!])

    /// An email address as the catalog takes it (see ``Validate/email(_:field:)``): no
    /// blanks, no `<>,`, at most 254 code points. The `@` and the domain's dot are checked
    /// by the pattern the API states.
    public static let email = TextRule(minimum: 3, maximum: 254, forbidden: .blanks + .addressSeparators)

    /// The rule in words: "One line, not blank, 1 to 200 characters (Unicode code points)".
    public var summary: String {
        var parts: [String] = []
        if forbidden.ranges.contains(where: { $0.contains("\n") }) { parts.append("one line") }
        if let notOnly { parts.append(notOnly == .blanks ? "not blank" : "more than blanks and dots") }
        if forbidden.ranges.contains(where: { $0.contains("/") }) { parts.append("no slashes or control characters") }
        parts.append(minimum > 0 ? "\(minimum) to \(maximum) characters" : "at most \(maximum) characters")
        let text = parts.joined(separator: ", ")
        return text.prefix(1).uppercased() + text.dropFirst() + " (Unicode code points)"
    }

    /// Why `value` breaks the rule, or `nil` when it keeps it.
    public func problem(with value: String) -> String? {
        let count = value.unicodeScalars.count
        if count < minimum {
            return minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters"
        }
        if count > maximum { return "is longer than \(maximum) characters" }
        if let scalar = value.unicodeScalars.first(where: forbidden.contains) {
            if CharacterRanges.lineBreaks.contains(scalar) { return "must be one line" }
            return "must not contain U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
        if let notOnly, !value.unicodeScalars.contains(where: { !notOnly.contains($0) }) {
            return notOnly == .blanks ? "must not be blank" : "must have more than blanks and dots"
        }
        return nil
    }
}

/// A set of Unicode scalars as ranges, so the same set can be tested in Swift and written
/// as a regular expression character class.
public struct CharacterRanges: Sendable, Hashable, ExpressibleByArrayLiteral {
    public var ranges: [ClosedRange<Unicode.Scalar>]

    public init(arrayLiteral elements: ClosedRange<Unicode.Scalar>...) { ranges = elements }
    public init(_ ranges: [ClosedRange<Unicode.Scalar>]) { self.ranges = ranges }

    public func contains(_ scalar: Unicode.Scalar) -> Bool { ranges.contains { $0.contains(scalar) } }

    public static func + (lhs: CharacterRanges, rhs: CharacterRanges) -> CharacterRanges {
        CharacterRanges(lhs.ranges + rhs.ranges)
    }

    private static func scalar(_ value: UInt32) -> Unicode.Scalar { Unicode.Scalar(value)! }
    private static func range(_ low: UInt32, _ high: UInt32) -> ClosedRange<Unicode.Scalar> { scalar(low)...scalar(high) }

    /// Line breaks, as Swift's `Character.isNewline` has them: LF, VT, FF, CR, NEL, LS, PS.
    public static let lineBreaks: CharacterRanges = [range(0x0A, 0x0D), range(0x85, 0x85), range(0x2028, 0x2029)]

    /// Blanks: Foundation's `whitespacesAndNewlines` (tab, line breaks and the Unicode
    /// space separators), exactly what trimming removes.
    public static let blanks: CharacterRanges = [
        range(0x09, 0x0D), range(0x20, 0x20), range(0x85, 0x85), range(0xA0, 0xA0), range(0x1680, 0x1680),
        range(0x2000, 0x200A), range(0x2028, 0x2029), range(0x202F, 0x202F), range(0x205F, 0x205F), range(0x3000, 0x3000),
    ]

    /// C0 and C1 control characters and DEL.
    public static let controls: CharacterRanges = [range(0x00, 0x1F), range(0x7F, 0x9F)]

    /// Folder separators.
    public static let slashes: CharacterRanges = [range(0x2F, 0x2F), range(0x5C, 0x5C)]

    /// What separates or wraps addresses in a mail header.
    public static let addressSeparators: CharacterRanges = [range(0x2C, 0x2C), range(0x3C, 0x3C), range(0x3E, 0x3E)]
}
