import Foundation

/// A JSON value of the modern protocol, as the client sends and reads it.
public enum WireValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([WireValue])
    case object([String: WireValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([WireValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: WireValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    subscript(key: String) -> WireValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var object: [String: WireValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

/// Times as the ftrack clients write and read them.
enum WireTime {
    /// `{"__type__": "datetime", "value": "2026-11-23T12:32:17"}`: UTC, to the second, no zone
    /// (the client reads a naive time as UTC; real servers drop the fraction and the zone).
    static func encode(milliseconds: Int) -> WireValue {
        .object(["__type__": .string("datetime"), "value": .string(text(milliseconds: milliseconds))])
    }

    static func text(milliseconds: Int) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(milliseconds.floorDivided(by: 1000)))
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Milliseconds since 1970 of an ISO 8601 time or date as clients send them: with or
    /// without a fraction, with an offset or `Z`, or none (UTC); a date alone is its midnight
    /// UTC; `str(datetime)`'s space instead of `T` too (the legacy client).
    static func milliseconds(_ text: String) -> Int? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces).unicodeScalars)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= scalars.count else { return nil }
            var value = 0
            for scalar in scalars[index..<index + digits] {
                guard let digit = Int(String(scalar)), scalar.isASCII else { return nil }
                value = value * 10 + digit
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < scalars.count, characters.unicodeScalars.contains(scalars[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        var components = DateComponents(calendar: .utc, timeZone: TimeZone(identifier: "UTC"), year: year, month: month, day: day)
        var milliseconds = 0
        var offsetSeconds = 0
        if index < scalars.count {
            guard expect("T "), let hour = number(2), expect(":"), let minute = number(2) else { return nil }
            components.hour = hour
            components.minute = minute
            if expect(":") {
                guard let second = number(2) else { return nil }
                components.second = second
                if expect(".") {
                    var digits = 0
                    var fraction = 0
                    while index < scalars.count, let digit = Int(String(scalars[index])), scalars[index].isASCII {
                        if digits < 3 { fraction = fraction * 10 + digit }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<3 where digits < 3 { fraction *= 10 }
                    milliseconds = fraction
                }
            }
            if index < scalars.count {
                if expect("Zz") {
                    // UTC
                } else if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" {
                    let sign = scalars[index] == "-" ? -1 : 1
                    index += 1
                    guard let hours = number(2) else { return nil }
                    _ = expect(":")
                    guard let minutes = number(2) else { return nil }
                    offsetSeconds = sign * (hours * 3600 + minutes * 60)
                } else {
                    return nil
                }
            }
        }
        guard index == scalars.count, components.isValidDate, let date = components.date else { return nil }
        return Int((date.timeIntervalSince1970 - TimeInterval(offsetSeconds)) * 1000) + milliseconds
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension Int {
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
