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
            let row = UploadRow(id: UUID(), versionId: versionID, fileName: fileName, size: size, sha256: sha256?.lowercased(),
                                createdAt: StoredTime(self.now), createdBy: createdBy)
            try await db.insert(row)
            return Upload(row)
        }
    }

    public func upload(id: UUID) async throws -> Upload {
        try await database.read { db in
            guard let row = try await db.row(UploadRow.self, id: id) else { throw CatalogError.notFound("upload", id) }
            return Upload(row)
        }
    }

    public func deleteUpload(id: UUID) async throws {
        try await database.write { db in
            try await db.delete(from: "uploads").where("id", .equal, id.bind).run()
        }
    }
}
