import SQLKit

/// SQL made of our own text and bound values: the text comes from the schema's templates
/// and the compiler, never from a caller, whose values are only ever bound.
struct SQLFragment: SQLExpression {
    enum Part: Sendable {
        case text(String)
        case bind(any Encodable & Sendable)
    }

    private(set) var parts: [Part] = []

    init(_ text: String = "") {
        if !text.isEmpty { parts = [.text(text)] }
    }

    static func bound(_ value: any Encodable & Sendable) -> SQLFragment {
        var fragment = SQLFragment()
        fragment.parts = [.bind(value)]
        return fragment
    }

    static func + (lhs: SQLFragment, rhs: SQLFragment) -> SQLFragment {
        var joined = lhs
        joined.parts += rhs.parts
        return joined
    }

    static func + (lhs: SQLFragment, rhs: String) -> SQLFragment { lhs + SQLFragment(rhs) }
    static func + (lhs: String, rhs: SQLFragment) -> SQLFragment { SQLFragment(lhs) + rhs }

    /// `fragments` joined by `separator` (`" AND "`), each in parentheses.
    static func joined(_ fragments: [SQLFragment], by separator: String) -> SQLFragment {
        var result = SQLFragment()
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { result = result + separator }
            result = result + "(" + fragment + ")"
        }
        return result
    }

    var bindCount: Int {
        parts.reduce(0) { count, part in
            if case .bind = part { return count + 1 }
            return count
        }
    }

    func serialize(to serializer: inout SQLSerializer) {
        for part in parts {
            switch part {
            case .text(let text): serializer.write(text)
            case .bind(let value): serializer.write(bind: value)
            }
        }
    }
}
