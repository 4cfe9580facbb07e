import Catalog
import Foundation

/// A value that does not match its schema: where, and why.
struct SchemaViolation: Error, Sendable, Equatable {
    /// The field's path (`defaults.share_days`, `version_ids[2]`), empty for the whole value.
    let path: String
    let message: String

    var apiError: APIError {
        APIError(status: .badRequest, code: "invalid_field", message: path.isEmpty ? message : "\(path): \(message)",
                 field: path.isEmpty ? nil : path)
    }
}

extension Schema {
    /// Checks `value` against the schema, as the document states it.
    ///
    /// - Returns: the value with whole numbers written as integers (`1.0` as `1`), ready to
    ///   decode into the handler's type.
    @discardableResult
    func check(_ value: JSONValue, at path: String = "") throws(SchemaViolation) -> JSONValue {
        func fail(_ message: String) -> SchemaViolation { SchemaViolation(path: path, message: message) }
        if value == .null {
            guard nullable else { throw fail("must not be null") }
            return value
        }
        switch shape {
        case .any:
            return value
        case .reference(let name):
            guard let schema = ResponseSchemas.named[name] else { throw fail("has no schema named \(name)") }
            return try schema.check(value, at: path)
        case .boolean:
            guard case .bool = value else { throw fail("must be true or false") }
            return value
        case .integer(let range):
            let number: Int
            switch value {
            case .integer(let whole): number = whole
            case .number(let real) where real.rounded() == real && abs(real) < 9.2e18: number = Int(real)
            default: throw fail("must be a whole number")
            }
            guard range.contains(number) else { throw fail(Self.describe(range)) }
            return .integer(number)
        case .number(let range, let aboveMinimum):
            let number: Double
            switch value {
            case .integer(let whole): number = Double(whole)
            case .number(let real): number = real
            default: throw fail("must be a number")
            }
            guard number.isFinite, range.contains(number), !(aboveMinimum && number == range.lowerBound) else {
                throw fail("must be \(aboveMinimum ? "above" : "at least") \(range.lowerBound) and at most \(range.upperBound)")
            }
            return value
        case .oneOf(let forms):
            var failures: [SchemaViolation] = []
            var matches: [JSONValue] = []
            for form in forms {
                do { matches.append(try form.check(value, at: path)) } catch { failures.append(error) }
            }
            guard matches.count == 1 else {
                if matches.isEmpty {
                    // The form the value says it is (its `type`, say) tells why better than the others.
                    let claimed = zip(forms, failures).filter { $0.0.isClaimed(by: value) }
                    throw claimed.count == 1 ? claimed[0].1 : fail("matches none of its forms")
                }
                throw fail("matches more than one of its forms")
            }
            return matches[0]
        case .string(let string):
            guard case .string(let text) = value else { throw fail("must be a string") }
            if let allowed = string.allowed, !allowed.contains(text) {
                throw fail("must be one of \(allowed.joined(separator: ", "))")
            }
            if let rule = string.rule, let problem = rule.problem(with: text) { throw fail(problem) }
            if let format = string.format, !format.accepts(text) { throw fail(format.failure) }
            return value
        case .array(let items, let count, let unique):
            guard case .array(let elements) = value else { throw fail("must be a list") }
            if let count, !count.contains(elements.count) {
                throw fail(count.upperBound == Int.max ? "must list at least \(count.lowerBound)"
                           : "must list \(count.lowerBound) to \(count.upperBound)")
            }
            var checked: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                checked.append(try items.check(element, at: "\(path)[\(index)]"))
            }
            if unique, Set(checked.map(\.canonicalText)).count != checked.count { throw fail("must not list a value twice") }
            return .array(checked)
        case .object(let properties):
            guard case .object(let members) = value else { throw fail("must be an object") }
            var checked: [String: JSONValue] = [:]
            for property in properties {
                let inner = path.isEmpty ? property.name : "\(path).\(property.name)"
                if let member = members[property.name] {
                    checked[property.name] = try property.schema.check(member, at: inner)
                } else if property.required {
                    throw SchemaViolation(path: inner, message: "is required")
                }
            }
            if let unknown = members.keys.sorted().first(where: { checked[$0] == nil }) {
                let inner = path.isEmpty ? unknown : "\(path).\(unknown)"
                throw SchemaViolation(path: inner, message: "is not a field of this request (see the API's document)")
            }
            return .object(checked)
        case .map(let values):
            guard case .object(let members) = value else { throw fail("must be an object") }
            var checked: [String: JSONValue] = [:]
            for (key, member) in members { checked[key] = try values.check(member, at: "\(path).\(key)") }
            return .object(checked)
        }
    }

    /// Whether `value`, an object, has every property this object form fixes to one value
    /// (a `type` of `"line"`): the form the value means to be.
    func isClaimed(by value: JSONValue) -> Bool {
        guard case .object(let properties) = shape, case .object(let members) = value else { return false }
        let fixed = properties.compactMap { property -> (String, String)? in
            guard case .string(let string) = property.schema.shape, let allowed = string.allowed, allowed.count == 1 else { return nil }
            return (property.name, allowed[0])
        }
        return !fixed.isEmpty && fixed.allSatisfy { members[$0.0] == .string($0.1) }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, let high): "must be at most \(high)"
        case (let low, Int.max): "must be at least \(low)"
        case (let low, let high): "must be \(low) to \(high)"
        }
    }
}

extension Schema.StringFormat {
    var failure: String {
        switch self {
        case .uuid: "must be an id (a UUID)"
        case .dateTime: "must be an RFC 3339 time such as 2026-11-23T09:00:00Z"
        case .email: "must be an email address"
        case .sha256: "must be 64 hexadecimal digits"
        case .httpURL: "must be an http or https address"
        case .cidr: "must be a network in CIDR form"
        case .rational: "must be a ratio of whole numbers such as 24000/1001"
        case .ratio: "must be a ratio of whole numbers above 0, such as 4/3"
        case .color: "must be a colour as #RRGGBBAA"
        case .colour: "must be a colour as #RRGGBB"
        }
    }
}

extension JSONValue {
    /// The value as sorted-key JSON text, to compare values.
    var canonicalText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
