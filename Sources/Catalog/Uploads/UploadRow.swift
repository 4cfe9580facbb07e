import Foundation

/// A row of `uploads`.
struct UploadRow: TableRow {
    static let table = "uploads"
    var id: UUID, versionId: UUID, fileName: String, size: Int64, sha256: String?, createdAt: StoredTime, createdBy: UUID?
}

extension Upload {
    init(_ row: UploadRow) {
        self.init(id: row.id, versionID: row.versionId, fileName: row.fileName, size: row.size, sha256: row.sha256,
                  createdAt: row.createdAt.date)
    }
}
