import Catalog
import Foundation

/// A JSON Schema in OpenAPI 3.0's dialect, which the API both states and enforces: a route
/// declares its body, parameters and answers with these, the OpenAPI document is written
/// from them, and the same values check each request before its handler sees it (see
/// ``Schema/check(_:at:)``). One declaration, so the document cannot drift from the server.
struct Schema: Sendable {
    indirect enum Shape: Sendable {
        /// Any JSON value.
        case any
        case string(StringShape)
        case integer(ClosedRange<Int>)
        /// A finite number in the range; above its lower bound only, when `aboveMinimum`.
        case number(ClosedRange<Double>, aboveMinimum: Bool)
        case boolean
        case array(Schema, count: ClosedRange<Int>?, unique: Bool)
        /// An object with exactly these properties (no others).
        case object([Property])
        /// An object whose every value has one schema (a map).
        case map(Schema)
        /// A named schema in the document's `components` (see ``ResponseSchemas``).
        case reference(String)
        /// Exactly one of these forms.
        case oneOf([Schema])
    }

    var shape: Shape
    /// `null` is accepted too; ``description`` says what it means.
    var nullable = false
    var description: String?

    init(_ shape: Shape, nullable: Bool = false, description: String? = nil) {
        self.shape = shape
        self.nullable = nullable
        self.description = description
    }

    /// A property of an object.
    struct Property: Sendable {
        let name: String
        let schema: Schema
        let required: Bool
    }

    /// What a string may be.
    struct StringShape: Sendable {
        var format: StringFormat?
        var allowed: [String]?
        var rule: TextRule?
    }

    /// Strings with a structure the server checks, and the document states as `format` and
    /// `pattern`.
    enum StringFormat: String, Sendable {
        case uuid
        /// RFC 3339, as ``RFC3339`` reads it.
        case dateTime = "date-time"
        /// See `Validate.email` in the catalog.
        case email
        /// 64 hexadecimal digits.
        case sha256
        /// An `http` or `https` address.
        case httpURL = "uri"
        /// A network in CIDR form.
        case cidr
        /// A ratio of whole numbers, as the API writes rates: `24000/1001`.
        case rational
        /// A ratio of two whole numbers above 0 of at most 9 digits, as a request gives one: `4/3`.
        case ratio
        /// A colour with its opacity: `#RRGGBBAA`.
        case color
        /// An opaque colour: `#RRGGBB` (a status's).
        case colour = "opaque-colour"
    }

    // MARK: Building

    static let any = Schema(.any)
    static let boolean = Schema(.boolean)
    static let uuid = Schema(.string(StringShape(format: .uuid)))
    static let dateTime = Schema(.string(StringShape(format: .dateTime)))
    static let email = Schema(.string(StringShape(format: .email, rule: TextRule.email)))
    static let sha256 = Schema(.string(StringShape(format: .sha256)))
    static let httpURL = Schema(.string(StringShape(format: .httpURL, rule: TextRule(minimum: 1, maximum: 2048))))
    static let cidr = Schema(.string(StringShape(format: .cidr, rule: TextRule(minimum: 1, maximum: 64))))
    /// A string the server writes, with no rule on it.
    static let string = Schema(.string(StringShape()))

    static func string(_ rule: TextRule) -> Schema { Schema(.string(StringShape(rule: rule))) }
    static func integer(_ range: ClosedRange<Int> = Int.min...Int.max) -> Schema { Schema(.integer(range)) }
    static func oneOf(_ values: [String]) -> Schema { Schema(.string(StringShape(allowed: values))) }
    /// Exactly one of `forms`: objects told apart by their properties (a `type` of one value each, say).
    static func oneOf(_ forms: [Schema]) -> Schema { Schema(.oneOf(forms)) }
    static func number(_ range: ClosedRange<Double>, aboveMinimum: Bool = false) -> Schema {
        Schema(.number(range, aboveMinimum: aboveMinimum))
    }
    static func oneOf<E: RawRepresentable & CaseIterable>(_: E.Type) -> Schema where E.RawValue == String {
        oneOf(E.allCases.map(\.rawValue))
    }
    static func array(_ items: Schema, count: ClosedRange<Int>? = nil, unique: Bool = false) -> Schema {
        Schema(.array(items, count: count, unique: unique))
    }
    static func object(_ properties: [Property]) -> Schema { Schema(.object(properties)) }
    static func map(_ values: Schema) -> Schema { Schema(.map(values)) }
    static func ref(_ name: String) -> Schema { Schema(.reference(name)) }

    /// The same schema, accepting `null` too, which means `meaning`.
    func orNull(_ meaning: String) -> Schema {
        var schema = self
        schema.nullable = true
        schema.description = [description, "null: \(meaning)"].compactMap { $0 }.joined(separator: "; ")
        return schema
    }

    /// The same schema, described (`nil` leaves it as it is).
    func described(_ text: String?) -> Schema {
        guard let text else { return self }
        var schema = self
        schema.description = text
        return schema
    }

    /// A required property.
    func required(_ name: String) -> Property { Property(name: name, schema: self, required: true) }
    /// An optional property: absent means the default or "leave as is".
    func optional(_ name: String) -> Property { Property(name: name, schema: self, required: false) }
}

extension Schema.StringFormat {
    /// The pattern the document states for the format, when it has one.
    var pattern: String? {
        switch self {
        case .uuid: "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
        case .sha256: "^[0-9A-Fa-f]{64}$"
        case .email: Self.emailPattern
        case .httpURL: "^[Hh][Tt][Tt][Pp][Ss]?://[^\\u0000-\\u0020\\u007F-\\u009F/?#@]+([/?#][^\\u0000-\\u0020\\u007F-\\u009F]*)?$"
        case .rational: "^-?[0-9]+/[0-9]+$"
        case .ratio: "^[1-9][0-9]{0,8}/[1-9][0-9]{0,8}$"
        case .color: "^#[0-9A-Fa-f]{8}$"
        case .colour: "^#[0-9A-Fa-f]{6}$"
        case .dateTime, .cidr: nil
        }
    }

    /// One `@`, something before it, a domain with a dot that neither starts nor ends it, and
    /// none of the characters ``TextRule/email`` forbids: what `Validate.email` checks.
    private static let emailPattern: String = {
        let allowed = "[^@\(TextRule.email.forbidden.regexClassBody)]"
        let allowedButDot = "[^@.\(TextRule.email.forbidden.regexClassBody)]"
        return "^\(allowed)+@\(allowedButDot)\(allowed)*\\.\(allowed)*\(allowedButDot)$"
    }()

    /// The `format` keyword, when JSON Schema has one for it.
    var keyword: String? {
        switch self {
        case .uuid, .dateTime, .httpURL: rawValue
        case .email, .sha256, .cidr, .rational, .ratio, .color, .colour: nil
        }
    }

    /// Whether `text` has the format.
    func accepts(_ text: String) -> Bool {
        switch self {
        case .uuid: UUID(uuidString: text) != nil
        case .dateTime: RFC3339.date(from: text) != nil
        case .email: Catalog.isEmailAddress(text)
        case .sha256: text.utf8.count == 64 && text.utf8.allSatisfy { $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }
        case .httpURL: Self.acceptsHTTPURL(text)
        case .cidr: true  // checked by the catalog, with a reason (a 422), since no pattern states it
        case .rational:
            text.wholeMatch(of: /-?[0-9]+\/[0-9]+/) != nil
        case .ratio:
            text.wholeMatch(of: /[1-9][0-9]{0,8}\/[1-9][0-9]{0,8}/) != nil
        case .color:
            text.wholeMatch(of: /#[0-9A-Fa-f]{8}/) != nil
        case .colour:
            text.wholeMatch(of: /#[0-9A-Fa-f]{6}/) != nil
        }
    }

    /// The pattern of `.httpURL`, in Swift: a scheme, an authority without controls, spaces,
    /// or `@`, then anything without controls or spaces. The catalog checks the rest (a
    /// host name, the port, the addresses a webhook may reach) and says why it refuses.
    private static func acceptsHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = text.dropFirst(8) } else if lower.hasPrefix("http://") { rest = text.dropFirst(7) } else { return false }
        func plain(_ scalar: Unicode.Scalar) -> Bool { !(scalar.value <= 0x20 || (0x7F...0x9F).contains(scalar.value)) }
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, authority.unicodeScalars.allSatisfy({ plain($0) && $0 != "@" }) else { return false }
        return rest[authorityEnd...].unicodeScalars.allSatisfy(plain)
    }
}

extension CharacterRanges {
    /// The ranges as the inside of a regular expression's character class (`\uXXXX` escapes,
    /// which ECMA-262, Python and ICU all read the same way).
    var regexClassBody: String {
        ranges.map { range in
            let low = String(format: "\\u%04X", range.lowerBound.value)
            let high = String(format: "\\u%04X", range.upperBound.value)
            return range.lowerBound == range.upperBound ? low : "\(low)-\(high)"
        }.joined()
    }
}

extension TextRule {
    /// The pattern stating what ``problem(with:)`` checks besides the length, or `nil`
    /// when there is nothing to state.
    var pattern: String? {
        let forbidden = self.forbidden.regexClassBody
        switch (forbidden.isEmpty, notOnly) {
        case (true, nil): return nil
        case (false, nil): return "^[^\(forbidden)]*$"
        case (_, let notOnly?):
            let other = "[^\(forbidden)\(notOnly.regexClassBody)]"
            return forbidden.isEmpty ? other : "^[^\(forbidden)]*\(other)[^\(forbidden)]*$"
        }
    }
}
