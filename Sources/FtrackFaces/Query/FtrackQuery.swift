/// A query in ftrack's language, parsed: `select a, b.c from T where … order by … offset N limit M`.
///
/// The parser (``FtrackQuery/parse(_:limits:)``) checks only the grammar and its limits; whether
/// `T` and each path exist, and what they mean, is the schema's business when the query runs.
public struct FtrackQuery: Sendable, Hashable {
    /// The attributes asked for, in order; empty when the query has no `select`.
    public var projections: [AttributePath]
    /// The type after `from` (or the whole query's first word when there is no `select`), as written.
    public var entityType: String
    /// The `where` clause; `nil` when there is none.
    public var filter: QueryExpression?
    /// The `order by` clause, in order; empty when there is none.
    public var ordering: [QueryOrdering]
    public var offset: Int?
    public var limit: Int?

    public init(projections: [AttributePath] = [], entityType: String, filter: QueryExpression? = nil,
                ordering: [QueryOrdering] = [], offset: Int? = nil, limit: Int? = nil) {
        self.projections = projections
        self.entityType = entityType
        self.filter = filter
        self.ordering = ordering
        self.offset = offset
        self.limit = limit
    }
}

/// A dotted path of attribute names: `review_session.project.name`.
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    public var names: [String]

    public init(_ names: [String]) { self.names = names }

    public var description: String { names.joined(separator: ".") }
}

/// A condition of a `where` clause.
public indirect enum QueryExpression: Sendable, Hashable {
    /// Every one holds (two or more).
    case and([QueryExpression])
    /// At least one holds (two or more).
    case or([QueryExpression])
    case not(QueryExpression)
    /// `path OP value`.
    case comparison(AttributePath, ComparisonOperator, QueryValue)
    /// `path in (v, …)`, or `path not_in (v, …)` when `negated`. The list may be empty.
    case membership(AttributePath, negated: Bool, [QueryValue])
    /// `path has (…)` or `path any (…)`: some entity the path reaches satisfies the condition,
    /// whose paths start from that entity. ftrack spells it `has` for one reference and `any`
    /// for a collection; both mean "at least one".
    case exists(AttributePath, QueryExpression)
}

/// The comparisons of the language, with its synonyms folded: `=` is `is`, `!=` is `is_not`,
/// `after` is `>`, `before` is `<`.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "is"
    case notEqual = "is_not"
    case like
    case notLike = "not_like"
    case greater = ">"
    case less = "<"
    case greaterOrEqual = ">="
    case lessOrEqual = "<="
}

/// A literal on the right of a comparison or in an `in` list.
public enum QueryValue: Sendable, Hashable {
    /// A quoted string, its escapes undone.
    case string(String)
    /// An unquoted token that is not a number or a keyword, as written: an id such as
    /// `410d0a26-7293-4ffa-b84a-7460322f4d67` (the client sends ids unquoted).
    case bare(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    /// `none` or `null`.
    case null
}

/// One key of `order by`.
public struct QueryOrdering: Sendable, Hashable {
    public var path: AttributePath
    public var descending: Bool

    public init(path: AttributePath, descending: Bool = false) {
        self.path = path
        self.descending = descending
    }
}

/// What a query may ask, at most: a recursive parser must stop long before the stack does,
/// and a list or a page must stay within what a database binds and a client pages through.
public struct QueryLimits: Sendable, Hashable {
    /// Characters in the whole expression.
    public var length: Int
    /// Nested parentheses, `not`s and `has`/`any` conditions.
    public var depth: Int
    /// Names in one dotted path.
    public var pathLength: Int
    /// Values in one `in (…)` list.
    public var inList: Int
    /// Conditions in a whole `where` clause (comparisons, memberships, exists).
    public var conditions: Int
    /// Attributes after `select`.
    public var projections: Int
    /// The largest `limit`; a larger one is lowered to it (clients page on, by
    /// `metadata.next.offset`).
    public var limit: Int

    public init(length: Int = 16_384, depth: Int = 32, pathLength: Int = 8, inList: Int = 1_000, conditions: Int = 200,
                projections: Int = 100, limit: Int = 1_000) {
        self.length = length
        self.depth = depth
        self.pathLength = pathLength
        self.inList = inList
        self.conditions = conditions
        self.projections = projections
        self.limit = limit
    }

    public static let standard = QueryLimits()
}

/// Why a query was refused: what, and where in the text (a character offset from 0).
public struct FtrackQueryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var position: Int

    public init(_ message: String, at position: Int) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(message) (at character \(position + 1))" }
}
