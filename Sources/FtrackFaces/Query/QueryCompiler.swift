import Foundation
import SQLKit

/// Turns a query's `where` clause into SQL over the schema's sources, with every value bound.
///
/// A path through a reference is an `EXISTS` over the target's rows (`x.y is none` also holds
/// when `x` is null: a path through a null reference yields null); a path through a
/// collection is an `EXISTS` over the children, so it holds when any child does.
struct QueryCompiler {
    /// The query's clock, in milliseconds: what `is_open` compares against.
    let now: Int
    private var aliases = 0

    init(now: Int) {
        self.now = now
    }

    /// A fresh alias for a type's rows.
    mutating func newAlias() -> String {
        defer { aliases += 1 }
        return "t\(aliases)"
    }

    /// `template` over the rows named `alias`.
    func sql(_ template: String, _ alias: String) -> String {
        template.replacingOccurrences(of: "{now}", with: String(now)).replacingOccurrences(of: "$", with: alias)
    }

    /// The condition that the rows of `type` a query lists meet, if any.
    func listed(_ type: EntityType, _ alias: String) -> SQLFragment? {
        type.listed.map { SQLFragment(sql($0, alias)) }
    }

    mutating func condition(_ expression: QueryExpression, on type: EntityType, alias: String) throws(FtrackError) -> SQLFragment {
        switch expression {
        case .and(let parts):
            var compiled: [SQLFragment] = []
            for part in parts { compiled.append(try condition(part, on: type, alias: alias)) }
            return .joined(compiled, by: " AND ")
        case .or(let parts):
            var compiled: [SQLFragment] = []
            for part in parts { compiled.append(try condition(part, on: type, alias: alias)) }
            return .joined(compiled, by: " OR ")
        case .not(let inner):
            return "NOT (" + (try condition(inner, on: type, alias: alias)) + ")"
        case .comparison(let path, let op, let value):
            let matchesNull = op == .equal && value == .null
            return try follow(path.names[...], on: type, alias: alias, matchesNull: matchesNull) { scalar, column throws(FtrackError) in
                try Self.compare(column, scalar, op, value, path: path)
            }
        case .membership(let path, let negated, let values):
            return try follow(path.names[...], on: type, alias: alias, matchesNull: false) { scalar, column throws(FtrackError) in
                guard !values.isEmpty else { return SQLFragment(negated ? "1 = 1" : "1 = 0") }
                var list = SQLFragment(column + " IN (")
                for (index, value) in values.enumerated() {
                    if index > 0 { list = list + ", " }
                    list = list + .bound(try Self.bindable(value, as: scalar, path: path))
                }
                list = list + ")"
                return negated ? "NOT (" + list + ")" : list
            }
        case .exists(let path, let inner):
            return try related(path.names[...], on: type, alias: alias, path: path, inner)
        }
    }

    /// Follows `names` from `type` to a scalar and tests it with `leaf`.
    private mutating func follow(_ names: ArraySlice<String>, on type: EntityType, alias: String, matchesNull: Bool,
                                 leaf: (ScalarType, String) throws(FtrackError) -> SQLFragment) throws(FtrackError) -> SQLFragment {
        let name = names.first!
        let rest = names.dropFirst()
        let attribute = try Self.attribute(name, of: type)
        switch attribute.kind {
        case .scalar(let scalar, let template):
            guard rest.isEmpty else {
                throw FtrackError(.parse, "\(type.name).\(name) is a value, not a reference: '\(names.joined(separator: "."))' leads nowhere")
            }
            guard !attribute.isWriteOnly else { throw FtrackError(.permissionDenied, "\(type.name).\(name) is write-only") }
            guard attribute.isQueryable else {
                throw FtrackError(.parse, "\(type.name).\(name) is computed after the query: it cannot be used in a where clause")
            }
            return try leaf(scalar, sql(template, alias))
        case .reference(let targets):
            // The reference itself, or its id: its key, with no look at the target.
            if rest.isEmpty || rest.elementsEqual(["id"]) {
                let keys = targets.map { sql($0.sql, alias) }
                let key = keys.count == 1 ? keys[0] : "COALESCE(" + keys.joined(separator: ", ") + ")"
                return try leaf(.id, key)
            }
            var options: [SQLFragment] = []
            for target in targets {
                let targetType = FtrackSchema.type(target.type)!
                // A polymorphic reference (an author): the path may exist on one type only.
                if targets.count > 1, targetType.attribute(rest.first!) == nil { continue }
                let inner = newAlias()
                let key = sql(target.sql, alias)
                let id = sql(try Self.idTemplate(of: targetType), inner)
                let test = try follow(rest, on: targetType, alias: inner, matchesNull: matchesNull, leaf: leaf)
                options.append("EXISTS (SELECT 1 FROM \(targetType.source) \(inner) WHERE \(id) = \(key) AND (" + test + "))")
            }
            guard !options.isEmpty else { throw FtrackError(.parse, "no type \(type.name).\(name) leads to has '\(rest.first!)'") }
            if matchesNull {
                options.append(SQLFragment(targets.map { sql($0.sql, alias) + " IS NULL" }.joined(separator: " AND ")))
            }
            return .joined(options, by: " OR ")
        case .collection(let childName, let key, let extra):
            guard !rest.isEmpty else {
                throw FtrackError(.parse, "\(type.name).\(name) is a collection: test its members with 'has' or 'any', or a path into them")
            }
            let child = FtrackSchema.type(childName)!
            let inner = newAlias()
            let test = try follow(rest, on: child, alias: inner, matchesNull: matchesNull, leaf: leaf)
            return try childrenExist(child, key: key, extra: extra, of: type, alias: alias, inner: inner, test)
        }
    }

    /// `has`/`any`: some entity `names` reaches from `type` meets `inner`.
    private mutating func related(_ names: ArraySlice<String>, on type: EntityType, alias: String, path: AttributePath,
                                  _ expression: QueryExpression) throws(FtrackError) -> SQLFragment {
        let name = names.first!
        let rest = names.dropFirst()
        let attribute = try Self.attribute(name, of: type)
        switch attribute.kind {
        case .scalar:
            throw FtrackError(.parse, "'\(path)': \(type.name).\(name) is a value; has and any test a reference or a collection")
        case .reference(let targets):
            var options: [SQLFragment] = []
            for target in targets {
                let targetType = FtrackSchema.type(target.type)!
                let inner = newAlias()
                let key = sql(target.sql, alias)
                let id = sql(try Self.idTemplate(of: targetType), inner)
                let test = rest.isEmpty ? try condition(expression, on: targetType, alias: inner)
                    : try related(rest, on: targetType, alias: inner, path: path, expression)
                options.append("EXISTS (SELECT 1 FROM \(targetType.source) \(inner) WHERE \(id) = \(key) AND (" + test + "))")
            }
            return .joined(options, by: " OR ")
        case .collection(let childName, let key, let extra):
            let child = FtrackSchema.type(childName)!
            let inner = newAlias()
            let test = rest.isEmpty ? try condition(expression, on: child, alias: inner)
                : try related(rest, on: child, alias: inner, path: path, expression)
            return try childrenExist(child, key: key, extra: extra, of: type, alias: alias, inner: inner, test)
        }
    }

    /// Some listed child of the row `alias` of `type` (by the child's `key`) meets `test`.
    private func childrenExist(_ child: EntityType, key: String, extra: String?, of type: EntityType, alias: String,
                               inner: String, _ test: SQLFragment) throws(FtrackError) -> SQLFragment {
        guard case .scalar(_, let keyTemplate) = child.attribute(key)?.kind else {
            throw FtrackError(.server, "the schema's \(child.name) has no key \(key)")
        }
        var conditions = ["\(sql(keyTemplate, inner)) = \(sql(try Self.idTemplate(of: type), alias))"]
        if let listed = child.listed { conditions.append(sql(listed, inner)) }
        if let extra { conditions.append(sql(extra, inner)) }
        return "EXISTS (SELECT 1 FROM \(child.source) \(inner) WHERE \(conditions.joined(separator: " AND ")) AND (" + test + "))"
    }

    static func attribute(_ name: String, of type: EntityType) throws(FtrackError) -> Attribute {
        guard let attribute = type.attribute(name) else {
            throw FtrackError(.parse, "\(type.name) has no attribute '\(name)'")
        }
        return attribute
    }

    static func idTemplate(of type: EntityType) throws(FtrackError) -> String {
        guard case .scalar(_, let template) = type.attribute("id")?.kind else {
            throw FtrackError(.server, "the schema's \(type.name) has no id")
        }
        return template
    }

    /// `column OP value`, the value bound as the attribute's type.
    private static func compare(_ column: String, _ scalar: ScalarType, _ op: ComparisonOperator, _ value: QueryValue,
                         path: AttributePath) throws(FtrackError) -> SQLFragment {
        if value == .null {
            switch op {
            case .equal: return SQLFragment(column + " IS NULL")
            case .notEqual: return SQLFragment(column + " IS NOT NULL")
            default: throw FtrackError(.parse, "'\(path) \(op.rawValue) none': none compares only with is and is_not")
            }
        }
        switch op {
        case .like, .notLike:
            guard scalar == .string || scalar == .id else {
                throw FtrackError(.parse, "'\(path)' is not text: like compares text")
            }
            let pattern = try likePattern(value, path: path)
            // Lower case on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not;
            // this way both ignore it alike.
            let like = "LOWER(" + SQLFragment(column) + ") LIKE LOWER(" + .bound(pattern) + ") ESCAPE '\\'"
            return op == .like ? like : "NOT (" + like + ")"
        case .equal:
            return SQLFragment(column + " = ") + .bound(try bindable(value, as: scalar, path: path))
        case .notEqual:
            return "(" + SQLFragment(column + " <> ") + .bound(try bindable(value, as: scalar, path: path)) + " OR \(column) IS NULL)"
        case .greater, .less, .greaterOrEqual, .lessOrEqual:
            guard scalar != .boolean, scalar != .id else {
                throw FtrackError(.parse, "'\(path)' has no order: \(op.rawValue) compares numbers, times and text")
            }
            return SQLFragment(column + " \(op.rawValue) ") + .bound(try bindable(value, as: scalar, path: path))
        }
    }

    /// A `like` pattern: `%` matches any run and `_` any one character, and a backslash makes
    /// either (or itself) plain, as in ftrack's grammar and SQL's `ESCAPE '\'`.
    private static func likePattern(_ value: QueryValue, path: AttributePath) throws(FtrackError) -> String {
        switch value {
        case .string(let text), .bare(let text): return text
        case .integer(let number): return String(number)
        default: throw FtrackError(.parse, "'\(path) like …' needs a text pattern")
        }
    }

    /// `value` as the attribute's type binds it; a value it cannot be is refused.
    static func bindable(_ value: QueryValue, as scalar: ScalarType, path: AttributePath) throws(FtrackError) -> any Encodable & Sendable {
        func refuse(_ what: String) -> FtrackError {
            FtrackError(.parse, "'\(path)' is \(what): \(Self.describe(value)) is not one")
        }
        switch scalar {
        case .string:
            switch value {
            case .string(let text), .bare(let text): return text
            case .integer(let number): return String(number)
            case .number(let number): return String(number)
            case .boolean(let flag): return flag ? "true" : "false"
            case .null: throw refuse("text")
            }
        case .integer:
            switch value {
            case .integer(let number): return number
            case .number(let number) where number.rounded() == number && abs(number) < 9e15: return Int(number)
            case .string(let text), .bare(let text): if let number = Int(text) { return number }
            default: break
            }
            throw refuse("a whole number")
        case .number:
            switch value {
            case .integer(let number): return Double(number)
            case .number(let number): return number
            case .string(let text), .bare(let text): if let number = Double(text), number.isFinite { return number }
            default: break
            }
            throw refuse("a number")
        case .boolean:
            switch value {
            case .boolean(let flag): return flag
            case .integer(0): return false
            case .integer(1): return true
            case .string(let text), .bare(let text):
                if ["true", "1"].contains(text.lowercased()) { return true }
                if ["false", "0"].contains(text.lowercased()) { return false }
            default: break
            }
            throw refuse("true or false")
        case .datetime:
            switch value {
            case .string(let text), .bare(let text): if let milliseconds = WireTime.milliseconds(text) { return milliseconds }
            default: break
            }
            throw refuse("a time (ISO 8601)")
        case .id:
            switch value {
            case .string(let text), .bare(let text): if let id = UUID(uuidString: text) { return id.uuidString }
            default: break
            }
            throw refuse("an id")
        }
    }

    static func describe(_ value: QueryValue) -> String {
        switch value {
        case .string(let text): "\"\(text.prefix(80))\""
        case .bare(let text): String(text.prefix(80))
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .null: "none"
        }
    }
}

extension Attribute {
    /// Whether a `where` may test it: `frame_number` is worked out after the query.
    var isQueryable: Bool { name != "frame_number" }
}
