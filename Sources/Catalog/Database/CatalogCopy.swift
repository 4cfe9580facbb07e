import Crypto
import Foundation
import Logging
import SQLKit
import Synchronization

/// Moves an embedded catalog (its SQLite file) into a PostgreSQL database, whole: every row of
/// every table, with its ids and times as they were, so servers and workers on many machines
/// can carry on where the one machine left off.
///
/// It is careful in the ways a move must be, since the source stays behind and is easy to keep
/// using by mistake:
/// - Nothing written during the copy may be lost, so it holds the source's write lock from
///   start to end, and refuses while a server or worker on the source said it is alive within
///   ``liveWindow`` (they would write again the moment the copy ends, into the catalog left
///   behind).
/// - Nothing may be mixed with what the target held, so every catalog table there must be
///   empty or absent (``Catalog/open(_:logger:passphraseCost:blocking:readers:)`` writes the
///   studio's row at once, so a database a server has opened is not empty).
/// - A failure must leave the target as it was, so its schema and its rows are made in one
///   transaction, which commits only once every table's row count and checksum matched the
///   source's (see ``verify(source:target:logger:)``, which checks the same afterwards).
public enum CatalogCopy {
    /// How recent a server's or worker's heartbeat must be for it to count as running: they
    /// beat every few seconds, so one silent longer than this has stopped.
    public static let liveWindow: Duration = .seconds(15)

    /// One table's rows on one side, as the verifier read them.
    public struct Tally: Sendable, Hashable {
        public let rows: Int
        /// SHA-256 (hex) over the table's columns and declared types, then its rows ordered by
        /// primary key, each value decoded by its column's declared type and written in one
        /// canonical form: so SQLite's 0 and 1 count the same as PostgreSQL's booleans, and a
        /// value that changed on the way does not.
        public let checksum: String
    }

    /// One table compared between the source and the target.
    public struct TableCheck: Sendable, Hashable {
        public let table: String
        public let source: Tally
        public let target: Tally

        public var matches: Bool { source == target }
    }

    /// What a copy or a verification found.
    public struct Report: Sendable, Hashable {
        /// The migration step both catalogs are at.
        public let schemaVersion: Int
        /// Every table, in the order the copy fills them (each after those it refers to).
        public let tables: [TableCheck]

        public var matches: Bool { tables.allSatisfy(\.matches) }
        public var mismatches: [TableCheck] { tables.filter { !$0.matches } }
        /// The source's rows, in all tables.
        public var rows: Int { tables.reduce(0) { $0 + $1.source.rows } }
    }

    /// Copies the SQLite catalog at `source` into the PostgreSQL database at `target`, and checks
    /// the copy before it commits.
    ///
    /// The target's schema is made by the same migrations as ever, in the transaction that
    /// copies; its `schema_migrations` rows are its own (they say when *it* was migrated), so
    /// that table is neither copied nor checksummed: its versions are compared instead.
    ///
    /// - Parameter progress: told each table's name and row count once its rows are in.
    /// - Returns: every table's row count and checksum, equal on both sides.
    /// - Throws: ``CatalogError`` for each refusal (a source that is not a SQLite file or is
    ///   missing, not at the current schema step, or in use; a target that is not PostgreSQL,
    ///   cannot be reached or is not empty; a copy that does not match), and the engine's error
    ///   for a failure on the way. Whatever it throws, the target is as it was.
    public static func copy(from source: CatalogAddress, to target: CatalogAddress,
                            logger: Logger = Logger(label: "dailies.catalog"),
                            progress: @Sendable (_ table: String, _ rows: Int) -> Void = { _, _ in }) async throws -> Report {
        try await copy(from: source, to: target, logger: logger, rowsPerStatement: nil, progress: progress)
    }

    /// ``copy(from:to:logger:progress:)`` writing at most `rowsPerStatement` rows per INSERT
    /// (tests write one, so that rows and the rows they refer to go in apart).
    static func copy(from source: CatalogAddress, to target: CatalogAddress, logger: Logger, rowsPerStatement: Int?,
                     progress: @Sendable (_ table: String, _ rows: Int) -> Void) async throws -> Report {
        let (path, url) = try endpoints(source, target)
        return try await withDatabases(path: path, url: url, logger: logger) { sourceDatabase, targetDatabase in
            // The source's write lock, held to the end: no other process's write can fall
            // between what was copied and the source being left behind.
            try await sourceDatabase.write { from in
                try await checkSchema(of: from, path: path)
                try await refuseIfLive(from, path: path)
                return try await targetDatabase.write { to in
                    // Between its own statements this transaction waits on the source (a large
                    // table's checksum), which the connection's one-minute limit on idling in a
                    // transaction is not meant for; the copy runs in front of its operator.
                    try await to.raw("SET LOCAL idle_in_transaction_session_timeout = 0").run()
                    try await refuseIfOccupied(to, target: target)
                    try await Migrations.createLedger(on: to)
                    for step in Migrations.steps {
                        try await Migrations.apply(step, on: to)
                    }
                    let tables = try await shapes(of: to)
                    try await checkColumns(of: from, path: path, against: tables)
                    for table in tables {
                        progress(table.name, try await copyRows(of: table, from: from, to: to, rowsPerStatement: rowsPerStatement))
                    }
                    let report = try await compare(tables, source: from, target: to)
                    guard report.matches else {
                        throw CatalogError(.damaged, "the copy does not match its source in "
                            + describe(report.mismatches) + "; nothing was kept in \(target)")
                    }
                    return report
                }
            }
        }
    }

    /// Compares the SQLite catalog at `source` with its copy at `target`, table by table: row
    /// counts and checksums (see ``Tally/checksum``), and the migration steps each is at.
    ///
    /// Right after ``copy(from:to:logger:progress:)`` they match (the copy checked it before
    /// committing); later, they match for as long as neither was changed.
    ///
    /// - Returns: every table's tallies on both sides; ``Report/mismatches`` names those that differ.
    /// - Throws: ``CatalogError`` when either side cannot be read as a catalog at the current
    ///   schema step, or their tables differ in shape.
    public static func verify(source: CatalogAddress, target: CatalogAddress,
                              logger: Logger = Logger(label: "dailies.catalog")) async throws -> Report {
        let (path, url) = try endpoints(source, target)
        return try await withDatabases(path: path, url: url, logger: logger) { sourceDatabase, targetDatabase in
            try await sourceDatabase.read { from in
                try await checkSchema(of: from, path: path)
                return try await targetDatabase.read { to in
                    let versions = try await existingTables(to).contains("schema_migrations") ? appliedVersions(to) : []
                    guard versions == Migrations.steps.map(\.version) else {
                        throw CatalogError(.conflict, "\(target) is not at schema step \(latestVersion) as the source is "
                            + "(its schema_migrations has \(versions.isEmpty ? "no steps" : "steps \(versions.map(String.init).joined(separator: ", "))"))")
                    }
                    let tables = try await shapes(of: to)
                    try await checkColumns(of: from, path: path, against: tables)
                    return try await compare(tables, source: from, target: to)
                }
            }
        }
    }

    // MARK: - Where from, where to

    private static var latestVersion: Int { Migrations.steps.last?.version ?? 0 }

    /// The source's file and the target's URL, refused unless they are what a copy moves
    /// between, and unless the source file exists: opening a missing one would make it.
    private static func endpoints(_ source: CatalogAddress, _ target: CatalogAddress) throws(CatalogError)
        -> (path: String, url: String)
    {
        guard case .sqlite(let path) = source else {
            throw CatalogError.invalid("from", "\(source) is not an embedded catalog: copy from sqlite:PATH (a catalog.sqlite)")
        }
        guard case .postgres(let url) = target else {
            throw CatalogError.invalid("to", "\(target) is not PostgreSQL: copy to a postgres://USER@HOST/DATABASE URL")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CatalogError(.notFound, "from: there is no file \(path) (a catalog is not made to copy from it)", field: "from")
        }
        guard !isFolder.boolValue else {
            let file = (path as NSString).appendingPathComponent(Catalog.fileName)
            throw CatalogError.invalid("from", "\(path) is a folder: name the catalog file in it, as in sqlite:\(file)")
        }
        return (path, url)
    }

    /// Runs `body` with both databases open, and closes them after.
    private static func withDatabases<Result>(path: String, url: String, logger: Logger,
                                              _ body: (CatalogDatabase, CatalogDatabase) async throws -> Result) async throws
        -> Result
    {
        let source: CatalogDatabase
        do {
            source = try await CatalogDatabase.open(.sqlite(path: path), readers: 1, logger: logger)
        } catch {
            throw CatalogError.invalid("from", "\(path) cannot be opened as a SQLite catalog: \(error)")
        }
        let target: CatalogDatabase
        do {
            target = try await CatalogDatabase.open(.postgres(url: url), readers: 1, logger: logger)
        } catch {
            try? await source.close()
            if let refusal = error as? CatalogError { throw refusal }
            throw CatalogError(.unavailable, "\(CatalogAddress.postgres(url: url)) cannot be opened: "
                + "\(CatalogDialect.postgres.explained(error))")
        }
        do {
            let result = try await body(source, target)
            try await target.close()
            try await source.close()
            return result
        } catch {
            try? await target.close()
            try? await source.close()
            throw error
        }
    }

    // MARK: - Refusals

    /// The migration steps a catalog records, in order.
    private static func appliedVersions(_ db: any SQLDatabase) async throws -> [Int] {
        try await db.select().column("version").from("schema_migrations").orderBy("version")
            .all(decodingColumn: "version", as: Int.self)
    }

    /// The tables a PostgreSQL database has (in the schema the catalog uses), whoever made them.
    private static func existingTables(_ db: any SQLDatabase) async throws -> Set<String> {
        Set(try await db.raw("""
            SELECT table_name::text AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            """).all(decodingColumn: "name", as: String.self))
    }

    /// Refuses a source that is not a catalog at this program's last step: a copy must not
    /// change its source (so it does not migrate it), and the target is made at the last step.
    private static func checkSchema(of source: any SQLDatabase, path: String) async throws {
        let ledger = try await source.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        guard ledger > 0 else {
            throw CatalogError.invalid("from", "\(path) is not a Dailies catalog (it has no schema_migrations table)")
        }
        let versions = try await appliedVersions(source)
        guard versions != Migrations.steps.map(\.version) else { return }
        if let newest = versions.last, newest > latestVersion {
            throw CatalogError(.conflict, "\(path) was last opened by a newer Dailies (schema step \(newest); "
                + "this one knows \(latestVersion)): copy it with that version")
        }
        throw CatalogError(.conflict, "\(path) is at schema step \(versions.last ?? 0), not \(latestVersion): "
            + "run any dailies command on it first (dailies user list --database sqlite:\(path)), which brings it "
            + "up to date, then copy it")
    }

    /// Refuses while a server or worker on the source is running: it would go on writing to
    /// the catalog left behind (and, waiting on the write lock the copy holds, fail meanwhile).
    private static func refuseIfLive(_ source: any SQLDatabase, path: String) async throws {
        let since = Timestamp().truncatedToMilliseconds.addingTimeInterval(-liveWindow.seconds).bind
        let servers = try await source.select(ServerRow.self).where("heartbeat_at", .greaterThanOrEqual, since)
            .orderBy("started_at").all(ServerRow.self)
        let workers = try await source.select(WorkerRow.self).where("heartbeat_at", .greaterThanOrEqual, since)
            .orderBy("started_at").all(WorkerRow.self)
        guard servers.isEmpty && workers.isEmpty else {
            let running = servers.map { "a server on \($0.host) (pid \($0.pid), \($0.url))" }
                + workers.map { "a worker on \($0.host) (pid \($0.pid))" }
            throw CatalogError(.conflict, "\(path) is in use: " + running.joined(separator: ", ")
                + " said \(running.count == 1 ? "it is" : "they are") alive within the last \(Int(liveWindow.seconds)) s. "
                + "Stop \(running.count == 1 ? "it" : "them") (and any other dailies command on this catalog) and copy again: "
                + "whatever is written to this catalog after the copy would be lost")
        }
    }

    /// Refuses a target with rows in any catalog table, naming them, or one a newer Dailies
    /// migrated. Tables that are not the catalog's are not looked at.
    private static func refuseIfOccupied(_ target: any SQLDatabase, target address: CatalogAddress) async throws {
        let existing = try await existingTables(target)
        var occupied: [String] = []
        for table in catalogTables(target) where existing.contains(table) {
            let rows = try await target.count(table) { $0 }
            if rows > 0 { occupied.append("\(table) (\(rows) \(rows == 1 ? "row" : "rows"))") }
        }
        guard occupied.isEmpty else {
            throw CatalogError(.conflict, "\(address) is not empty: " + occupied.joined(separator: ", ")
                + ". Copy into a new database (CREATE DATABASE …), or one whose catalog tables are all empty or absent; "
                + "nothing was changed")
        }
        if existing.contains("schema_migrations"), let newest = try await appliedVersions(target).last, newest > latestVersion {
            throw CatalogError(.conflict, "\(address) was made by a newer Dailies (schema step \(newest); this one knows "
                + "\(latestVersion)); nothing was changed")
        }
    }

    // MARK: - The tables' shapes

    /// A column's declared type: the four the migrations use.
    enum ColumnType: String, Sendable {
        case bigint = "bigint"
        case boolean = "boolean"
        case text = "text"
        case double = "double precision"
    }

    struct Column: Sendable {
        let name: String
        let type: ColumnType
    }

    /// A catalog table as the target declares it.
    struct TableShape: Sendable {
        let name: String
        let columns: [Column]
        /// The primary key's columns, in order (every column, for a table without one).
        let key: [String]
        /// Columns that refer to this table's own rows (a reply's parent): filled in once
        /// every row is in, since a row may come before the one it refers to.
        let selfReferences: [String]

        var keyIndices: [Int] { key.compactMap { name in columns.firstIndex { $0.name == name } } }
        var selfReferenceIndices: [Int] { selfReferences.compactMap { name in columns.firstIndex { $0.name == name } } }
    }

    /// The catalog's tables, in the order the migrations create them; `schema_migrations`
    /// left out (see ``copy(from:to:logger:progress:)``).
    static func catalogTables(_ db: any SQLDatabase) -> [String] {
        let create = try! Regex(#"(?i)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?"#)
        let drop = try! Regex(#"(?i)^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?(\w+)"?"#)
        var tables: [String] = []
        for step in Migrations.steps {
            for statement in step.statements + step.finally {
                let sql = db.serialize(statement).sql
                if let match = sql.firstMatch(of: create), let name = match.output[1].substring {
                    tables.append(String(name))
                } else if let match = sql.firstMatch(of: drop), let name = match.output[1].substring {
                    tables.removeAll { $0 == String(name) }
                }
            }
        }
        return tables.filter { $0 != "schema_migrations" }
    }

    /// The catalog's tables as the (migrated) target declares them, each after every table it
    /// refers to. (The order the migrations create them in is not enough: step 6 gave
    /// `versions` a reference to `tasks`, created after it.)
    static func shapes(of target: any SQLDatabase) async throws -> [TableShape] {
        struct ColumnRow: Decodable { let tableName: String, columnName: String, dataType: String }
        let columnRows = try await target.raw("""
            SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type
            FROM information_schema.columns WHERE table_schema = current_schema()
            ORDER BY table_name, ordinal_position
            """).all().map { try $0.decode(model: ColumnRow.self, keyDecodingStrategy: .convertFromSnakeCase) }
        struct KeyRow: Decodable { let tableName: String, columnName: String }
        let keyRows = try await target.raw("""
            SELECT c.relname::text AS table_name, a.attname::text AS column_name
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indisprimary AND n.nspname = current_schema()
            ORDER BY c.relname, k.position
            """).all().map { try $0.decode(model: KeyRow.self, keyDecodingStrategy: .convertFromSnakeCase) }
        struct ReferenceRow: Decodable { let tableName: String, referencedTable: String, columnName: String }
        let referenceRows = try await target.raw("""
            SELECT c.relname::text AS table_name, r.relname::text AS referenced_table, a.attname::text AS column_name
            FROM pg_constraint f
            JOIN pg_class c ON c.oid = f.conrelid
            JOIN pg_class r ON r.oid = f.confrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = ANY (f.conkey)
            WHERE f.contype = 'f' AND n.nspname = current_schema()
            ORDER BY c.relname, a.attname
            """).all().map { try $0.decode(model: ReferenceRow.self, keyDecodingStrategy: .convertFromSnakeCase) }

        let created = catalogTables(target)
        let missing = created.filter { name in !columnRows.contains { $0.tableName == name } }
        guard missing.isEmpty else {
            // Its ledger says the steps were applied, yet tables are gone: their rows would have nowhere to go.
            throw CatalogError(.conflict, "the target lacks the catalog's \(missing.joined(separator: ", ")) though its "
                + "schema_migrations says they were made")
        }
        var shapes: [String: TableShape] = [:]
        for name in created {
            let columns = try columnRows.filter { $0.tableName == name }.map { row in
                guard let type = ColumnType(rawValue: row.dataType) else {
                    throw CatalogError(.conflict, "the target's \(name).\(row.columnName) is \(row.dataType), "
                        + "a type the copy does not know")
                }
                return Column(name: row.columnName, type: type)
            }
            let key = keyRows.filter { $0.tableName == name }.map(\.columnName)
            shapes[name] = TableShape(
                name: name, columns: columns, key: key.isEmpty ? columns.map(\.name) : key,
                selfReferences: referenceRows.filter { $0.tableName == name && $0.referencedTable == name }.map(\.columnName))
        }

        // In the order they were created, each preceded by any table it refers to not placed yet.
        var references: [String: [String]] = [:]
        for row in referenceRows where row.tableName != row.referencedTable && shapes[row.referencedTable] != nil {
            references[row.tableName, default: []].append(row.referencedTable)
        }
        var ordered: [TableShape] = []
        var placed: Set<String> = []
        func place(_ name: String, via path: [String]) throws {
            guard !placed.contains(name) else { return }
            guard !path.contains(name) else {
                throw CatalogError(.conflict, "the catalog's tables \((path + [name]).joined(separator: " → ")) refer to each "
                    + "other in a circle: the copy cannot order them")
            }
            for referenced in created where references[name, default: []].contains(referenced) {
                try place(referenced, via: path + [name])
            }
            ordered.append(shapes[name]!)
            placed.insert(name)
        }
        for name in created {
            try place(name, via: [])
        }
        return ordered
    }

    /// Refuses a source whose tables are not shaped as the target's: a column that only one
    /// side has would be lost, or left empty.
    private static func checkColumns(of source: any SQLDatabase, path: String, against tables: [TableShape]) async throws {
        for table in tables {
            let columns = try await source.raw("SELECT name FROM pragma_table_info(\(bind: table.name))")
                .all(decodingColumn: "name", as: String.self)
            guard !columns.isEmpty else {
                throw CatalogError(.conflict, "\(path) has no \(table.name) table, which the catalog has at step \(latestVersion)")
            }
            let expected = Set(table.columns.map(\.name))
            guard Set(columns) == expected else {
                let extra = Set(columns).subtracting(expected).sorted(), missing = expected.subtracting(columns).sorted()
                throw CatalogError(.conflict, "\(path)'s \(table.name) table is not the catalog's: "
                    + (extra.isEmpty ? "" : "it has \(extra.joined(separator: ", ")), which the target lacks")
                    + (extra.isEmpty || missing.isEmpty ? "" : "; ")
                    + (missing.isEmpty ? "" : "it lacks \(missing.joined(separator: ", "))"))
            }
        }
    }

    // MARK: - Values

    /// A stored value, decoded by its column's declared type: what both engines are compared by.
    enum FieldValue: Hashable, Sendable {
        case null
        case integer(Int64)
        case boolean(Bool)
        case text(String)
        case double(Double)

        /// The value as an INSERT's or a WHERE's operand.
        var expression: any SQLExpression {
            switch self {
            case .null: SQLLiteral.null
            case .integer(let value): SQLBind(value)
            case .boolean(let value): SQLBind(value)
            case .text(let value): SQLBind(value)
            case .double(let value): SQLBind(value)
            }
        }

        /// The value in the checksum's one spelling: a tag, then the value exactly (text with
        /// its length, so no two rows run together alike; a double by its bits, so a rounding
        /// on the way shows).
        func canonical(into bytes: inout [UInt8]) {
            switch self {
            case .null: bytes.append(contentsOf: Array("n;".utf8))
            case .integer(let value): bytes.append(contentsOf: Array("i\(value);".utf8))
            case .boolean(let value): bytes.append(contentsOf: Array((value ? "t;" : "f;").utf8))
            case .text(let value):
                bytes.append(contentsOf: Array("s\(value.utf8.count):".utf8))
                bytes.append(contentsOf: value.utf8)
                bytes.append(UInt8(ascii: ";"))
            case .double(let value): bytes.append(contentsOf: Array("d\(String(value.bitPattern, radix: 16));".utf8))
            }
        }
    }

    /// Which engine a row came from: SQLite gives each value a storage class of its own
    /// (read beside it with `typeof`), PostgreSQL the column's type.
    enum Engine {
        case sqlite
        case postgres
    }

    /// The select list that reads every column of `table` as ``values(of:in:from:)`` decodes it.
    private static func selectList(_ table: TableShape, _ engine: Engine) -> SQLQueryString {
        table.columns.enumerated().map { index, column -> SQLQueryString in
            switch engine {
            case .sqlite: "typeof(\(ident: column.name)) AS \(ident: "t\(index)"), \(ident: column.name) AS \(ident: "v\(index)")"
            case .postgres: "\(ident: column.name) AS \(ident: "v\(index)")"
            }
        }.joined(separator: ", ")
    }

    /// `ORDER BY` the primary key, in the same order on both engines: PostgreSQL compares text
    /// by its collation unless told to compare bytes, as SQLite does.
    private static func keyOrder(_ table: TableShape, _ engine: Engine) -> SQLQueryString {
        table.keyIndices.map { index -> SQLQueryString in
            let column = table.columns[index]
            return engine == .postgres && column.type == .text ? "\(ident: column.name) COLLATE \"C\"" : "\(ident: column.name)"
        }.joined(separator: ", ")
    }

    /// A row read with ``selectList(_:_:)``, each value as its column declares it.
    ///
    /// - Throws: ``CatalogError/Code/damaged`` for a SQLite value its column cannot hold in
    ///   PostgreSQL (text in a BIGINT, 2 in a BOOLEAN, a blob): copying it would change it.
    static func values(of row: any SQLRow, in table: TableShape, from engine: Engine) throws -> [FieldValue] {
        try table.columns.enumerated().map { index, column in
            let value = "v\(index)"
            switch engine {
            case .postgres:
                switch column.type {
                case .bigint: return try row.decode(column: value, as: Int64?.self).map(FieldValue.integer) ?? .null
                case .boolean: return try row.decode(column: value, as: Bool?.self).map(FieldValue.boolean) ?? .null
                case .text: return try row.decode(column: value, as: String?.self).map(FieldValue.text) ?? .null
                case .double: return try row.decode(column: value, as: Double?.self).map(FieldValue.double) ?? .null
                }
            case .sqlite:
                let storage = try row.decode(column: "t\(index)", as: String.self)
                switch (column.type, storage) {
                case (_, "null"): return .null
                case (.bigint, "integer"): return .integer(try row.decode(column: value, as: Int64.self))
                case (.boolean, "integer"):
                    switch try row.decode(column: value, as: Int64.self) {
                    case 0: return .boolean(false)
                    case 1: return .boolean(true)
                    case let other: throw unfit(table, row, column, "\(other)")
                    }
                case (.text, "text"): return .text(try row.decode(column: value, as: String.self))
                case (.double, "real"): return .double(try row.decode(column: value, as: Double.self))
                case (.double, "integer"): return .double(Double(try row.decode(column: value, as: Int64.self)))
                default: throw unfit(table, row, column, "a value of SQLite's type \(storage)")
                }
            }
        }
    }

    private static func unfit(_ table: TableShape, _ row: any SQLRow, _ column: Column, _ found: String) -> CatalogError {
        let key = table.keyIndices.map { (try? row.decode(column: "v\($0)", as: String.self)) ?? "?" }.joined(separator: ", ")
        return CatalogError(.damaged, "the source's \(table.name) row \(key) holds \(found) in \(column.name), "
            + "declared \(column.type.rawValue.uppercased()): mend it, then copy again")
    }

    // MARK: - Copying

    /// Rows read from the source, then written to the target, per statement: within
    /// PostgreSQL's 65,535 parameters for the widest table.
    private static func pageSize(_ table: TableShape) -> Int { max(1, min(1000, 30_000 / max(1, table.columns.count))) }

    /// Copies every row of `table`, a page at a time in primary-key order, and returns how many.
    static func copyRows(of table: TableShape, from source: any SQLDatabase, to target: any SQLDatabase,
                         rowsPerStatement: Int? = nil) async throws -> Int {
        let limit = rowsPerStatement.map { min($0, pageSize(table)) } ?? pageSize(table)
        let keyIndices = table.keyIndices
        let selfReferences = table.selfReferenceIndices
        var after: [FieldValue]?
        var copied = 0
        // Each row that refers to another of its table: its key, and what it refers to.
        var links: [(key: [FieldValue], values: [FieldValue])] = []
        while true {
            var query: SQLQueryString = "SELECT \(selectList(table, .sqlite)) FROM \(ident: table.name)"
            if let after {
                let keys = keyIndices.map { index -> SQLQueryString in "\(ident: table.columns[index].name)" }.joined(separator: ", ")
                let bounds = after.map { value -> SQLQueryString in "\(value.expression)" }.joined(separator: ", ")
                query += " WHERE (\(keys)) > (\(bounds))"
            }
            query += " ORDER BY \(keyOrder(table, .sqlite)) LIMIT \(literal: limit)"
            let rows = try await source.raw(query).all().map { try values(of: $0, in: table, from: .sqlite) }
            guard let last = rows.last else { break }

            let insert = target.insert(into: table.name).columns(table.columns.map(\.name))
            for var row in rows {
                if selfReferences.contains(where: { row[$0] != .null }) {
                    links.append((keyIndices.map { row[$0] }, selfReferences.map { row[$0] }))
                    for index in selfReferences { row[index] = .null }
                }
                insert.values(row.map(\.expression))
            }
            do {
                try await insert.run()
            } catch {
                throw failure(copying: table, error)
            }
            copied += rows.count
            let key = keyIndices.map { last[$0] }
            guard !key.contains(.null) else {
                throw CatalogError(.damaged, "the source's \(table.name) has a row without a key: mend it, then copy again")
            }
            after = key
            if rows.count < limit { break }
        }

        // Now every row is in, each reference finds its row. (Within one INSERT it would have
        // anyway, PostgreSQL checking a statement's references at its end; across pages not.)
        for (position, index) in selfReferences.enumerated() {
            let column = table.columns[index].name
            let set = links.filter { $0.values[position] != .null }
            for start in stride(from: 0, to: set.count, by: 500) {
                let batch = set[start..<min(start + 500, set.count)]
                let rows = batch.map { link -> SQLQueryString in
                    "(\((link.key + [link.values[position]]).map { value -> SQLQueryString in "\(value.expression)" }.joined(separator: ", ")))"
                }.joined(separator: ", ")
                let names = (keyIndices.map { table.columns[$0].name } + ["dailies_reference"])
                    .map { name -> SQLQueryString in "\(ident: name)" }.joined(separator: ", ")
                let matches = keyIndices.map { index -> SQLQueryString in
                    let key = table.columns[index].name
                    return "\(ident: table.name).\(ident: key) = v.\(ident: key)"
                }.joined(separator: " AND ")
                do {
                    try await target.raw("""
                        UPDATE \(ident: table.name) SET \(ident: column) = v.dailies_reference
                        FROM (VALUES \(rows)) AS v(\(names)) WHERE \(matches)
                        """).run()
                } catch {
                    throw failure(copying: table, error)
                }
            }
        }
        return copied
    }

    /// PostgreSQL's refusal of a table's rows, saying which table, and that nothing was kept.
    private static func failure(copying table: TableShape, _ error: any Error) -> any Error {
        if CatalogDialect.postgres.mayRetry(after: error) { return error }
        return CatalogError(.conflict, "the target refused rows of \(table.name) "
            + "(\(CatalogDialect.postgres.explained(error))); nothing was kept")
    }

    // MARK: - Verifying

    /// Counts and checksums every table on both sides.
    static func compare(_ tables: [TableShape], source: any SQLDatabase, target: any SQLDatabase) async throws -> Report {
        var checks: [TableCheck] = []
        for table in tables {
            checks.append(TableCheck(table: table.name, source: try await tally(table, source, .sqlite),
                                     target: try await tally(table, target, .postgres)))
        }
        return Report(schemaVersion: latestVersion, tables: checks)
    }

    /// Where a checksum is summed as rows stream in (the handler that gets them cannot throw,
    /// so the first failure waits here).
    private final class RunningTally: Sendable {
        struct State {
            var hash = SHA256()
            var rows = 0
            var failure: CatalogError?
        }

        let state = Mutex(State())
    }

    /// `table`'s row count and checksum in `db`, read as one stream in primary-key order.
    static func tally(_ table: TableShape, _ db: any SQLDatabase, _ engine: Engine) async throws -> Tally {
        let running = RunningTally()
        var header = "dailies catalog checksum 1\n\(table.name)\n"
        for column in table.columns { header += "\(column.name) \(column.type.rawValue)\n" }
        running.state.withLock { $0.hash.update(data: Array(header.utf8)) }
        try await db.raw("SELECT \(selectList(table, engine)) FROM \(ident: table.name) ORDER BY \(keyOrder(table, engine))")
            .run { row in
                let values: [FieldValue]
                do {
                    values = try Self.values(of: row, in: table, from: engine)
                } catch {
                    running.state.withLock { state in
                        if state.failure == nil {
                            state.failure = error as? CatalogError
                                ?? CatalogError(.damaged, "a row of \(table.name) cannot be read: \(error)")
                        }
                    }
                    return
                }
                var bytes: [UInt8] = []
                for value in values { value.canonical(into: &bytes) }
                bytes.append(UInt8(ascii: "\n"))
                running.state.withLock { state in
                    state.hash.update(data: bytes)
                    state.rows += 1
                }
            }
        return try running.state.withLock { state in
            if let failure = state.failure { throw failure }
            return Tally(rows: state.rows, checksum: state.hash.finalize().map { String(format: "%02x", $0) }.joined())
        }
    }

    /// The tables that differ, and how.
    private static func describe(_ mismatches: [TableCheck]) -> String {
        mismatches.map { check in
            check.source.rows == check.target.rows
                ? "\(check.table) (\(check.source.rows) rows each, checksums differ)"
                : "\(check.table) (\(check.source.rows) rows in the source, \(check.target.rows) in the target)"
        }.joined(separator: ", ")
    }
}
