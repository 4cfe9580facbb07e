import Foundation
import SQLKit

/// Resumable uploads of originals: the catalog keeps what was promised; the bytes are the pipeline's.
extension Catalog {
    /// `fileName` as an original's name, or the reason it cannot be one.
    public static func validUploadFileName(_ fileName: String, field: String = "file_name") throws(CatalogError) -> String {
        try Validate.fileName(fileName, field: field)
    }

    public func createUpload(versionID: UUID, fileName: String, size: Int64, sha256: String?, createdBy: UUID?)
        async throws -> Upload
    {
        let fileName = try Validate.fileName(fileName)
        guard size > 0 else { throw CatalogError.invalid("size", "must be at least 1 byte") }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            throw CatalogError.invalid("sha256", "must be 64 hexadecimal digits")
        }
        return try await database.write { db in
            _ = try await self.version(id: versionID, db)
            let upload = Upload(id: UUID(), versionID: versionID, fileName: fileName, size: size, sha256: sha256?.lowercased(),
                                createdAt: self.now)
            try await db.insert(into: "uploads").columns("id", "version_id", "file_name", "size", "sha256", "created_at", "created_by")
                .values(upload.id.bind, versionID.bind, SQLBind(fileName), SQLBind(size), SQLBind(upload.sha256),
                        upload.createdAt.bind, createdBy.bind).run()
            return upload
        }
    }

    public func upload(id: UUID) async throws -> Upload {
        try await database.read { db in
            guard let row = try await db.select().column("*").from("uploads").where("id", .equal, id.bind).first() else {
                throw CatalogError.notFound("upload", id)
            }
            return Upload(id: try row.uuid("id"), versionID: try row.uuid("version_id"), fileName: try row.string("file_name"),
                          size: Int64(try row.int("size")), sha256: try row.optionalString("sha256"),
                          createdAt: try row.timestamp("created_at"))
        }
    }

    public func deleteUpload(id: UUID) async throws {
        try await database.write { db in
            try await db.delete(from: "uploads").where("id", .equal, id.bind).run()
        }
    }
}
