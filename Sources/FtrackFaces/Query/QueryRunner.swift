import Catalog
import Foundation
import SQLKit

/// Answers a parsed query from the catalog: one SQL query for the rows asked for, then one
/// per level of dotted projection (`asset_version.asset.name`), each for every row at once.
struct QueryRunner {
    let catalog: Catalog
    let caller: StaffUser
    let limits: QueryLimits
    var compiler: QueryCompiler

    init(catalog: Catalog, caller: StaffUser, limits: QueryLimits, now: Int) {
        self.catalog = catalog
        self.caller = caller
        self.limits = limits
        compiler = QueryCompiler(now: now)
    }

    /// The rows, as the client reads them, and the offset of the next page (`nil`: no more).
    ///
    /// - Parameter listedOnly: `false` to reach rows queries leave out (a write's own answer).
    mutating func run(_ query: FtrackQuery, listedOnly: Bool = true) async throws -> (data: [WireValue], next: Int?) {
        let type = try Self.type(query.entityType)
        let paths = query.projections.isEmpty ? type.defaultProjections.map { AttributePath([$0]) } : query.projections
        let tree = try ProjectionTree(paths, on: type)
        let root = compiler.newAlias()
        var conditions: [SQLFragment] = []
        if let filter = query.filter { conditions.append(try compiler.condition(filter, on: type, alias: root)) }
        var order: [String] = []
        for key in query.ordering {
            guard key.path.names.count == 1, let attribute = type.attribute(key.path.names[0]),
                  case .scalar(_, let template) = attribute.kind, !attribute.isWriteOnly, attribute.isQueryable
            else { throw FtrackError(.parse, "order by '\(key.path)': \(type.name) orders by its own values only") }
            order.append(compiler.sql(template, root) + (key.descending ? " DESC" : " ASC"))
        }
        let limit = min(query.limit ?? limits.limit, limits.limit)
        let offset = query.offset ?? 0
        let rows = try await fetch(type, alias: root, where: conditions, tree: tree, order: order, listed: listedOnly,
                                   page: (limit + 1, offset))
        let more = rows.count > limit
        return (rows.prefix(limit).map { .object($0.entity) }, more ? offset + limit : nil)
    }

    static func type(_ name: String) throws(FtrackError) -> EntityType {
        guard let type = FtrackSchema.type(name) else {
            throw FtrackError(.parse, "Unknown entity type '\(name.prefix(100))': the types are "
                              + FtrackSchema.types.map(\.name).joined(separator: ", "))
        }
        return type
    }

    /// One fetched row: the entity as sent, and the keys the next level joins on.
    private struct Fetched {
        var entity: [String: WireValue]
        /// The stored id.
        var id: String
        /// Per reference projected: each target's key (stored form), in target order.
        var references: [String: [String?]] = [:]
        /// The key a child fetch was asked for (its parent's id).
        var parentKey: String?
        var versionID: String?
        var anchorFirst: Int?
    }

    /// The rows of `type` meeting `conditions`, with `tree`'s attributes and what they lead to.
    private mutating func fetch(_ type: EntityType, alias: String, where conditions: [SQLFragment], tree: ProjectionTree,
                                order: [String] = [], listed: Bool, page: (limit: Int, offset: Int)? = nil,
                                parentKey: String? = nil) async throws -> [Fetched] {
        var conditions = conditions
        if listed, let condition = compiler.listed(type, alias) { conditions.append(condition) }
        if case .adminOrSelf = type.access, !caller.isAdmin {
            conditions.append(SQLFragment(compiler.sql(try QueryCompiler.idTemplate(of: type), alias) + " = ")
                              + .bound(caller.id.uuidString))
        }
        var columns = ["\(compiler.sql(try QueryCompiler.idTemplate(of: type), alias)) AS c_id"]
        var scalarColumns: [(name: String, type: ScalarType, column: String)] = []
        for (index, name) in tree.scalars.enumerated() {
            // A polymorphic reference's subtree may name what only another of its types has.
            guard case .scalar(let scalar, let template) = type.attribute(name)?.kind else { continue }
            columns.append("\(compiler.sql(template, alias)) AS c\(index)")
            scalarColumns.append((name, scalar, "c\(index)"))
        }
        var referenceColumns: [(name: String, columns: [String])] = []
        for (index, name) in tree.references.keys.sorted().enumerated() {
            guard case .reference(let targets) = type.attribute(name)?.kind else { continue }
            var names: [String] = []
            for (targetIndex, target) in targets.enumerated() {
                columns.append("\(compiler.sql(target.sql, alias)) AS r\(index)_\(targetIndex)")
                names.append("r\(index)_\(targetIndex)")
            }
            referenceColumns.append((name, names))
        }
        if let parentKey { columns.append("\(compiler.sql(parentKey, alias)) AS c_parent") }
        let numbersFrames = type.name == "Note" && tree.scalars.contains("frame_number")
        if numbersFrames { columns.append("\(compiler.sql("$.version_id", alias)) AS c_version") }

        var sql = SQLFragment("SELECT \(columns.joined(separator: ", ")) FROM \(type.source) \(alias)")
        if !conditions.isEmpty { sql = sql + " WHERE " + .joined(conditions, by: " AND ") }
        let created = type.attribute("created_at").flatMap { attribute -> String? in
            if case .scalar(_, let template) = attribute.kind { return compiler.sql(template, alias) }
            return nil
        }
        let stableOrder = order + [created, compiler.sql(try QueryCompiler.idTemplate(of: type), alias)].compactMap { $0 }
        sql = sql + " ORDER BY " + stableOrder.joined(separator: ", ")
        if let page { sql = sql + " LIMIT " + .bound(page.limit) + " OFFSET " + .bound(page.offset) }

        let rows = try await catalog.readSQL { db in try await FragmentQuery(sql, on: db).all() }
        var fetched: [Fetched] = []
        for row in rows {
            let id = try row.decode(column: "c_id", as: String.self)
            var entity: [String: WireValue] = ["__entity_type__": .string(type.name), "id": .string(id.lowercased())]
            for column in scalarColumns {
                entity[column.name] = try Self.value(row, column.column, column.type)
            }
            var item = Fetched(entity: entity, id: id)
            for reference in referenceColumns {
                item.references[reference.name] = try reference.columns.map { try row.decode(column: $0, as: String?.self) }
            }
            if parentKey != nil { item.parentKey = try row.decode(column: "c_parent", as: String?.self) }
            if numbersFrames {
                item.versionID = try row.decode(column: "c_version", as: String?.self)
                item.anchorFirst = try scalarColumns.first { $0.name == "frame_number" }.flatMap { try Self.integer(row, $0.column) }
            }
            fetched.append(item)
        }
        if numbersFrames { try await numberFrames(&fetched) }
        try await attachReferences(&fetched, of: type, tree: tree)
        try await attachCollections(&fetched, of: type, tree: tree)
        return fetched
    }

    /// Each reference projected, from one fetch per target type.
    private mutating func attachReferences(_ rows: inout [Fetched], of type: EntityType, tree: ProjectionTree) async throws {
        for (name, subtree) in tree.references {
            guard case .reference(let targets) = type.attribute(name)?.kind else { continue }
            var found: [Int: [String: [String: WireValue]]] = [:]
            for (index, target) in targets.enumerated() {
                let keys = Set(rows.compactMap { $0.references[name]?[index] ?? nil })
                guard !keys.isEmpty else { continue }
                let targetType = FtrackSchema.type(target.type)!
                if subtree.isEmpty {
                    found[index] = Dictionary(uniqueKeysWithValues: keys.map {
                        ($0, ["__entity_type__": .string(targetType.name), "id": .string($0.lowercased())])
                    })
                    continue
                }
                let alias = compiler.newAlias()
                let ids = try idCondition(targetType, alias: alias, keys)
                let targetRows = try await fetch(targetType, alias: alias, where: [ids], tree: subtree, listed: false)
                found[index] = Dictionary(targetRows.map { ($0.id, $0.entity) }, uniquingKeysWith: { first, _ in first })
            }
            for row in rows.indices {
                var value = WireValue.null
                for (index, target) in targets.enumerated() {
                    guard let key = rows[row].references[name]?[index] ?? nil else { continue }
                    // A row the caller may not see still shows as a reference.
                    value = .object(found[index]?[key] ?? ["__entity_type__": .string(target.type), "id": .string(key.lowercased())])
                    break
                }
                rows[row].entity[name] = value
            }
        }
    }

    /// Each collection projected, from one fetch of every parent's children.
    private mutating func attachCollections(_ rows: inout [Fetched], of type: EntityType, tree: ProjectionTree) async throws {
        guard !rows.isEmpty else { return }
        for (name, subtree) in tree.collections {
            guard case .collection(let childName, let key, let extra) = type.attribute(name)?.kind,
                  let child = FtrackSchema.type(childName), case .scalar(_, let keyTemplate) = child.attribute(key)?.kind
            else { continue }
            let alias = compiler.newAlias()
            var conditions = [SQLFragment(compiler.sql(keyTemplate, alias) + " IN (") + Self.list(rows.map(\.id)) + ")"]
            if let extra { conditions.append(SQLFragment(compiler.sql(extra, alias))) }
            let children = try await fetch(child, alias: alias, where: conditions, tree: subtree, listed: true,
                                           parentKey: keyTemplate)
            let grouped = Dictionary(grouping: children) { $0.parentKey ?? "" }
            for row in rows.indices {
                rows[row].entity[name] = .array((grouped[rows[row].id] ?? []).map { .object($0.entity) })
            }
        }
    }

    /// `frame_number`: the display number of each note's first frame, from its version's frames.
    private func numberFrames(_ rows: inout [Fetched]) async throws {
        let versionIDs = Set(rows.compactMap { $0.versionID.flatMap(UUID.init(uuidString:)) })
        let components = try await catalog.components(versionIDs: Array(versionIDs))
        for row in rows.indices {
            guard let anchor = rows[row].anchorFirst, anchor >= 0 else {
                rows[row].entity["frame_number"] = .null
                continue
            }
            let version = rows[row].versionID.flatMap(UUID.init(uuidString:))
            let first = version.flatMap { components[$0]?.lazy.compactMap(\.playbackInfo).first?.firstFrameNumber } ?? 0
            rows[row].entity["frame_number"] = .int(first + anchor)
        }
    }

    private func idCondition(_ type: EntityType, alias: String, _ keys: Set<String>) throws -> SQLFragment {
        SQLFragment(compiler.sql(try QueryCompiler.idTemplate(of: type), alias) + " IN (") + Self.list(keys.sorted()) + ")"
    }

    private static func list(_ values: [String]) -> SQLFragment {
        var list = SQLFragment()
        for (index, value) in values.enumerated() {
            if index > 0 { list = list + ", " }
            list = list + .bound(value)
        }
        return list
    }

    private static func integer(_ row: any SQLRow, _ column: String) throws -> Int? {
        try row.decode(column: column, as: Int?.self)
    }

    /// A column as the wire has it.
    static func value(_ row: any SQLRow, _ column: String, _ type: ScalarType) throws -> WireValue {
        if try row.decodeNil(column: column) { return .null }
        switch type {
        case .string: return .string(try row.decode(column: column, as: String.self))
        case .integer: return .int(try row.decode(column: column, as: Int.self))
        case .number: return .double(try row.decode(column: column, as: Double.self))
        case .boolean:
            // SQLite gives 0 or 1; PostgreSQL a boolean.
            if let flag = try? row.decode(column: column, as: Bool.self) { return .bool(flag) }
            return .bool(try row.decode(column: column, as: Int.self) != 0)
        case .datetime: return WireTime.encode(milliseconds: try row.decode(column: column, as: Int.self))
        case .id: return .string(try row.decode(column: column, as: String.self).lowercased())
        }
    }
}

/// The attributes a query projects, as a tree: `asset_version.asset.name` is
/// `references["asset_version"].references["asset"].scalars ["name"]`.
struct ProjectionTree: Sendable {
    var scalars: [String] = []
    var references: [String: ProjectionTree] = [:]
    var collections: [String: ProjectionTree] = [:]

    var isEmpty: Bool { scalars.isEmpty && references.isEmpty && collections.isEmpty }

    init() {}

    init(_ paths: [AttributePath], on type: EntityType) throws(FtrackError) {
        for path in paths { try add(path.names[...], on: type, whole: path) }
    }

    private mutating func add(_ names: ArraySlice<String>, on type: EntityType, whole: AttributePath) throws(FtrackError) {
        let name = names.first!
        let rest = names.dropFirst()
        let attribute = try QueryCompiler.attribute(name, of: type)
        switch attribute.kind {
        case .scalar:
            guard rest.isEmpty else { throw FtrackError(.parse, "select '\(whole)': \(type.name).\(name) is a value, not a reference") }
            guard !attribute.isWriteOnly else { throw FtrackError(.permissionDenied, "\(type.name).\(name) is write-only") }
            if name != "id", !scalars.contains(name) { scalars.append(name) }
        case .reference(let targets):
            var subtree = references[name] ?? ProjectionTree()
            if let next = rest.first, next != "id" || rest.count > 1 {
                // A polymorphic reference: the path goes on in the types that have it.
                var added = false
                for target in targets {
                    let targetType = FtrackSchema.type(target.type)!
                    guard targets.count == 1 || targetType.attribute(next) != nil else { continue }
                    try subtree.add(rest, on: targetType, whole: whole)
                    added = true
                }
                if !added { throw FtrackError(.parse, "select '\(whole)': no type \(type.name).\(name) leads to has '\(next)'") }
            }
            references[name] = subtree
        case .collection(let childName, _, _):
            var subtree = collections[name] ?? ProjectionTree()
            if let next = rest.first, next != "id" || rest.count > 1 {
                try subtree.add(rest, on: FtrackSchema.type(childName)!, whole: whole)
            }
            collections[name] = subtree
        }
    }
}

/// Runs a fragment as a query and reads its rows.
final class FragmentQuery: SQLQueryFetcher {
    let query: any SQLExpression
    let database: any SQLDatabase

    init(_ query: SQLFragment, on database: any SQLDatabase) {
        self.query = query
        self.database = database
    }
}
