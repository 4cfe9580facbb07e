import Foundation
import SQLKit

/// Step 14's move of existing data: each version's free-text asset (or, where it had none,
/// its name without the version suffix) becomes one asset per name per project; each staff
/// member gets a username from their email; each verdict an id of its own.
enum AssetUpgrade {
    @Sendable static func run(_ db: any SQLDatabase) async throws {
        let now = Timestamp().storedMilliseconds
        struct VersionAsset: Decodable {
            var id: String, projectId: String, name: String, asset: String?
        }
        let versions = try await db.select().columns("id", "project_id", "name", "asset").from("versions")
            .orderBy("created_at").orderBy("id").all(decoding: VersionAsset.self, with: RowCoding.decoder)
        var assets: [String: String] = [:]
        for version in versions {
            let name = Asset.name(given: version.asset, versionName: version.name)
            let key = version.projectId + "\u{0}" + name
            let assetID: String
            if let known = assets[key] {
                assetID = known
            } else {
                assetID = UUID().uuidString
                try await db.insert(into: "assets").columns("id", "project_id", "name", "created_at")
                    .values(SQLBind(assetID), SQLBind(version.projectId), SQLBind(name), SQLBind(now)).run()
                assets[key] = assetID
            }
            try await db.update("versions").set("asset_id", to: SQLBind(assetID)).where("id", .equal, SQLBind(version.id)).run()
        }

        struct StaffEmail: Decodable { var id: String, email: String }
        let staff = try await db.select().columns("id", "email").from("staff_users").orderBy("created_at").orderBy("id")
            .all(decoding: StaffEmail.self, with: RowCoding.decoder)
        var taken: Set<String> = []
        for member in staff {
            let username = StaffUser.username(fromEmail: member.email, avoiding: taken)
            taken.insert(username.lowercased())
            try await db.update("staff_users").set("username", to: SQLBind(username)).where("id", .equal, SQLBind(member.id)).run()
        }

        struct StatusKey: Decodable { var itemId: String, collaboratorId: String }
        let statuses = try await db.select().columns("item_id", "collaborator_id").from("review_statuses")
            .all(decoding: StatusKey.self, with: RowCoding.decoder)
        for status in statuses {
            try await db.update("review_statuses").set("id", to: SQLBind(UUID().uuidString))
                .where("item_id", .equal, SQLBind(status.itemId)).where("collaborator_id", .equal, SQLBind(status.collaboratorId))
                .run()
        }
    }
}
