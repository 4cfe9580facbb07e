import Foundation
import SQLKit

/// The thing being versioned, such as `sh010_comp`: named once per project, and each of its
/// versions has a number no other version of it has.
public struct Asset: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let projectID: UUID
    public var name: String
    public let createdAt: Timestamp
    public let createdBy: UUID?

    enum CodingKeys: String, CodingKey {
        case id, projectID = "project_id", name, createdAt = "created_at", createdBy = "created_by"
    }

    /// The asset a version belongs to: the one named, or else the version's name without its
    /// version suffix (`sh010_comp_v003` → `sh010_comp`), which is how studios name versions.
    public static func name(given asset: String?, versionName: String) -> String {
        if let asset, !asset.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return asset.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let name = versionName.trimmingCharacters(in: .whitespacesAndNewlines)
        // A trailing `v` and digits, after a separator (or none): `_v003`, `.v2`, `-V10`, `v1`.
        var scalars = Array(name.unicodeScalars)
        var end = scalars.count
        while end > 0, ("0"..."9").contains(scalars[end - 1]) { end -= 1 }
        guard end < scalars.count, end > 0, scalars[end - 1] == "v" || scalars[end - 1] == "V" else { return name }
        end -= 1
        if end > 0, "_.- ".unicodeScalars.contains(scalars[end - 1]) { end -= 1 }
        guard end > 0 else { return name }
        scalars.removeSubrange(end...)
        return String(String.UnicodeScalarView(scalars))
    }
}

/// A row of `assets`.
struct AssetRow: TableRow {
    static let table = "assets"
    var id: UUID, projectId: UUID, name: String, createdAt: StoredTime, createdBy: UUID?
}

extension Asset {
    init(_ row: AssetRow) {
        self.init(id: row.id, projectID: row.projectId, name: row.name, createdAt: row.createdAt.date, createdBy: row.createdBy)
    }
}

extension Catalog {
    /// A project's assets, by name.
    public func assets(projectID: UUID) async throws -> [Asset] {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            return try await db.select(AssetRow.self).where("project_id", .equal, projectID.bind).orderBy("name")
                .all(AssetRow.self).map(Asset.init)
        }
    }

    /// The project's asset named `name` (exactly), made when there is none.
    func assetID(named name: String, projectID: UUID, createdBy: UUID?, _ db: any SQLDatabase) async throws -> UUID {
        let name = try Validate.name(name, FieldRules.label, field: "asset")
        if let row = try await db.select(AssetRow.self).where("project_id", .equal, projectID.bind)
            .where("name", .equal, SQLBind(name)).first(AssetRow.self)
        {
            return row.id
        }
        let row = AssetRow(id: UUID(), projectId: projectID, name: name, createdAt: StoredTime(now), createdBy: createdBy)
        try await db.insert(row)
        return row.id
    }

    /// The names of the assets `ids`.
    func assetNames(_ ids: [UUID], _ db: any SQLDatabase) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let rows = try await db.select(AssetRow.self).where("id", isIn: unique.map(\.uuidString)).all(AssetRow.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.name) })
    }

    /// Refuses a second live version with the same asset and number in the project.
    func checkVersionUnique(_ version: Version, _ db: any SQLDatabase) async throws {
        guard let assetID = version.assetID, let number = version.versionNumber else { return }
        let clash = try await db.select().column("name").from(VersionRow.table).where("asset_id", .equal, assetID.bind)
            .where("version_number", .equal, SQLBind(number)).where("removed_at", .is, SQLLiteral.null)
            .where("id", .notEqual, version.id.bind).first(decodingColumn: "name", as: String.self)
        if let clash {
            throw CatalogError(.conflict, "\(version.asset ?? "this asset") already has a version \(number) (\(clash))",
                               field: "version_number")
        }
    }
}
