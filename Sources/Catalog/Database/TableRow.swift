import Foundation
import SQLKit

/// A row of one of the catalog's tables, as a value: its stored properties are the table's
/// columns, named as snake case spells them (`projectId` is `project_id`, so `versionIds`,
/// never `versionIDs`), and written and read by sql-kit's Codable support.
///
/// A property holds what its column holds: ids are TEXT (a `UUID` is written as its string),
/// times are BIGINT milliseconds (``StoredTime``, never a `Date`, which SQLite would keep as a
/// REAL), flags are BOOLEAN, enums their raw strings. Each row converts to and from its
/// domain type in one place, beside it.
protocol TableRow: Codable, Hashable, Sendable {
    /// The table the row belongs to.
    static var table: String { get }
    /// The column that names a row: `id`, unless the table keys its rows otherwise.
    static var idColumn: String { get }
}

extension TableRow {
    static var idColumn: String { "id" }
}

/// How rows are written and read: columns in snake case, and `nil` written as `NULL`, so that
/// an update clears a column the row no longer fills.
enum RowCoding {
    static let encoder = SQLQueryEncoder(keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil)
    static let decoder = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)

    /// `row`'s columns and their values, as stored.
    static func columns(of row: some TableRow) throws -> [(String, any SQLExpression)] {
        try encoder.encode(row).map { column, value in
            // A UUID as its string, as ``UUID/bind`` spells it: PostgreSQL, given the UUID
            // itself, would store its own lower-case spelling in the TEXT column. (sql-kit
            // hands a UUID over in a wrapper of its own, hence the look inside.)
            if let bind = value as? SQLBind,
               let id = (bind.encodable as? UUID) ?? (Mirror(reflecting: bind.encodable).children.first?.value as? UUID) {
                return (column, id.bind)
            }
            return (column, value)
        }
    }
}

/// A moment as the catalog stores it: whole milliseconds since 1970, which a BIGINT holds
/// exactly on SQLite and PostgreSQL alike.
struct StoredTime: Codable, Hashable, Sendable {
    var milliseconds: Int64

    init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    init(_ date: Date) {
        milliseconds = date.storedMilliseconds
    }

    var date: Date { Date(storedMilliseconds: milliseconds) }

    init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}

extension SQLDatabase {
    /// Inserts `row`, and `more` columns stored beside it (a session's settings).
    func insert<Row: TableRow>(_ row: Row, _ more: [(String, any SQLExpression)] = []) async throws {
        let columns = try RowCoding.columns(of: row) + more
        try await insert(into: Row.table).columns(columns.map(\.0)).values(columns.map(\.1)).run()
    }

    /// Writes `row`, and `more` columns stored beside it, over the stored row with its id:
    /// every column, so one the row leaves `nil` is cleared.
    func update<Row: TableRow>(_ row: Row, _ more: [(String, any SQLExpression)] = []) async throws {
        let columns = try RowCoding.columns(of: row) + more
        guard let id = columns.first(where: { $0.0 == Row.idColumn })?.1 else {
            preconditionFailure("\(Row.self) has no \(Row.idColumn) column")
        }
        let update = self.update(Row.table)
        for (column, value) in columns where column != Row.idColumn {
            update.set(SQLColumn(column), to: value)
        }
        try await update.where(SQLColumn(Row.idColumn), .equal, id).run()
    }

    /// Every column of `Row`'s table, for a `where` to narrow and ``SQLQueryFetcher/all(_:)``
    /// or ``SQLQueryFetcher/first(_:)`` to read.
    func select<Row: TableRow>(_: Row.Type) -> SQLSelectBuilder {
        select().column("*").from(Row.table)
    }

    /// The row of `Row`'s table with `id`, or `nil`.
    func row<Row: TableRow>(_: Row.Type, id: UUID) async throws -> Row? {
        try await select(Row.self).where(SQLColumn(Row.idColumn), .equal, id.bind).first(Row.self)
    }
}

extension SQLPredicateBuilder {
    /// `column IN (values)`. No values match no row: PostgreSQL has no empty `IN ()`.
    @discardableResult
    func `where`(_ column: String, isIn values: [String]) -> Self {
        values.isEmpty ? self.where(SQLLiteral.boolean(false)) : self.where(SQLColumn(column), .in, SQLBind.group(values))
    }
}

extension SQLQueryFetcher {
    /// The first result, read as a `Row`.
    func first<Row: TableRow>(_: Row.Type) async throws -> Row? {
        try await first()?.decode(Row.self)
    }

    /// Every result, read as `Row`s.
    func all<Row: TableRow>(_: Row.Type) async throws -> [Row] {
        try await all().map { try $0.decode(Row.self) }
    }
}

extension SQLRow {
    /// This result read as a row of `Row`'s table.
    ///
    /// - Throws: ``CatalogError/Code/damaged``, naming the table and the row's id, for a row
    ///   the catalog cannot read (a malformed id, an unknown enum value): the catalog's fault,
    ///   answered with 500 and logged, so that someone can find the row and mend it.
    func decode<Row: TableRow>(_: Row.Type) throws -> Row {
        try reading(Row.self) { try decode(model: Row.self, with: RowCoding.decoder) }
    }

    /// What `read` reads from this row of `Row`'s table (the settings stored beside a row),
    /// with the same error as ``decode(_:)`` for what it cannot.
    func reading<Row: TableRow, Value>(_: Row.Type, _ read: () throws -> Value) throws -> Value {
        do {
            return try read()
        } catch let error as CatalogError {
            throw error
        } catch {
            let id = (try? decode(column: Row.idColumn, as: String.self)) ?? "without an id"
            throw CatalogError.damaged(Row.table, id, error)
        }
    }
}

extension TableRow {
    /// Reads a value stored inside a row (a drawing's JSON), with the same error as
    /// ``SQLRow/decode(_:)`` naming the row for what it cannot.
    static func reading<Value>(_ read: () throws -> Value, id: UUID) throws -> Value {
        do {
            return try read()
        } catch {
            throw CatalogError.damaged(table, id.uuidString, error)
        }
    }
}

extension CatalogError {
    /// A stored row the catalog cannot read, named by its table and id, and why.
    static func damaged(_ table: String, _ id: String, _ error: any Error) -> CatalogError {
        CatalogError(.damaged, "the catalog's \(table) row \(id) is damaged: \(reason(error))")
    }

    /// What could not be read, and in which column.
    private static func reason(_ error: any Error) -> String {
        func column(_ key: any CodingKey) -> String {
            key.stringValue.reduce(into: "") { $0 += $1.isUppercase ? "_" + $1.lowercased() : String($1) }
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, _):
            return "it has no \(column(key)) column"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return (context.codingPath.last.map { column($0) + ": " } ?? "") + context.debugDescription
        default:
            return "\(error)"
        }
    }
}

/// Catalog values bound in their stored forms, for `where` clauses and the narrow updates
/// that move a job or a version's media along.
extension UUID {
    var bind: SQLBind { SQLBind(uuidString) }
}

extension Date {
    var bind: SQLBind { SQLBind(storedMilliseconds) }
}

extension Optional where Wrapped == Date {
    var bind: SQLBind { SQLBind(self?.storedMilliseconds) }
}

extension SQLDatabase {
    /// How many rows of `table` have `column < value`.
    func count(_ table: String, where column: String, lessThan value: SQLBind) async throws -> Int {
        let row = try await select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where(SQLColumn(column), .lessThan, value).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// How many rows of `table` the conditions that `narrow` adds match.
    func count(_ table: String, _ narrow: (SQLSelectBuilder) -> SQLSelectBuilder) async throws -> Int {
        let row = try await narrow(select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// How many rows of `table` match `column = value`.
    func count(_ table: String, where column: String, equals value: SQLBind) async throws -> Int {
        let row = try await select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where(SQLColumn(column), .equal, value).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}
