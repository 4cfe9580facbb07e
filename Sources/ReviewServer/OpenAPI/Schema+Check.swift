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
