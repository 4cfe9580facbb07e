import Foundation
import SQLKit

/// Reading catalog rows: UUIDs are stored as text, times as milliseconds, flags as booleans.
extension SQLRow {
    /// The error for a stored row the catalog cannot read: the catalog's fault (500), with
    /// the row's id so that someone can find and mend it.
    func damaged(_ what: String) -> CatalogError {
        let id = (try? decode(column: "id", as: String.self)) ?? "without an id"
        return CatalogError(.damaged, "the catalog's row \(id) is damaged: \(what)")
    }

    func uuid(_ column: String) throws -> UUID {
        let text = try decode(column: column, as: String.self)
        guard let id = UUID(uuidString: text) else {
            throw damaged("a malformed id '\(text)' in \(column)")
        }
        return id
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        try decode(column: column, as: String?.self).flatMap(UUID.init(uuidString:))
    }

    func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        try decode(column: column, as: String?.self)
    }

    func int(_ column: String) throws -> Int {
        try decode(column: column, as: Int.self)
    }

    func optionalInt(_ column: String) throws -> Int? {
        try decode(column: column, as: Int?.self)
    }

    func bool(_ column: String) throws -> Bool {
        try decode(column: column, as: Bool.self)
    }

    func optionalBool(_ column: String) throws -> Bool? {
        try decode(column: column, as: Bool?.self)
    }

    func timestamp(_ column: String) throws -> Timestamp {
        Timestamp(storedMilliseconds: try decode(column: column, as: Int64.self))
    }

    func optionalTimestamp(_ column: String) throws -> Timestamp? {
        try decode(column: column, as: Int64?.self).map(Timestamp.init(storedMilliseconds:))
    }
}

/// Binding catalog values in the stored forms.
extension UUID {
    var bind: SQLBind { SQLBind(uuidString) }
}

extension Optional where Wrapped == UUID {
    var bind: SQLBind { SQLBind(self?.uuidString) }
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

    /// How many rows of `table` match `column = value`.
    func count(_ table: String, where column: String, equals value: SQLBind) async throws -> Int {
        let row = try await select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where(SQLColumn(column), .equal, value).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}
