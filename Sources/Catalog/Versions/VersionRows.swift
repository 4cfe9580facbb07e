import Foundation
import FrameTime

/// A row of `versions`.
struct VersionRow: TableRow {
    static let table = "versions"
    var id: UUID, projectId: UUID, name: String, versionNumber: Int?, shot: String?, assetId: UUID?, taskId: UUID?
    var status: String, clientName: String?, defaultReason: String?, mediaState: Version.MediaState, mediaError: String?
    var createdAt: StoredTime, createdBy: UUID?, updatedAt: StoredTime, displayTransform: DisplayTransform?
}

extension VersionRow {
    init(_ version: Version) {
        self.init(id: version.id, projectId: version.projectID, name: version.name, versionNumber: version.versionNumber,
                  shot: version.shot, assetId: version.assetID, taskId: version.taskID, status: version.status,
                  clientName: version.clientName, defaultReason: version.defaultReason, mediaState: version.mediaState,
                  mediaError: version.mediaError, createdAt: StoredTime(version.createdAt), createdBy: version.createdBy,
                  updatedAt: StoredTime(version.updatedAt), displayTransform: version.displayTransform)
    }
}

extension Version {
    init(_ row: VersionRow, assetName: String?, assigneeIDs: [UUID]) {
        self.init(id: row.id, projectID: row.projectId, name: row.name, versionNumber: row.versionNumber, shot: row.shot,
                  assetID: row.assetId, asset: assetName, taskID: row.taskId, status: row.status, assigneeIDs: assigneeIDs, clientName: row.clientName,
                  defaultReason: row.defaultReason, mediaState: row.mediaState, mediaError: row.mediaError,
                  displayTransform: row.displayTransform, createdAt: row.createdAt.date, createdBy: row.createdBy, updatedAt: row.updatedAt.date)
    }
}

/// A row of `components`. An original's `profile` is empty rather than `NULL`, so that
/// `UNIQUE (version_id, kind, profile)` keeps one original per version.
struct ComponentRow: TableRow {
    static let table = "components"
    var id: UUID, versionId: UUID, kind: Component.Kind, profile: String, path: String, fileName: String
    var size: Int64, sha256: String, mediaInfo: String?, createdAt: StoredTime
    var sourceSha256: String?, processingKey: String?
}

extension Component {
    init(_ row: ComponentRow) {
        self.init(id: row.id, versionID: row.versionId, kind: row.kind, profile: row.profile.isEmpty ? nil : row.profile,
                  path: row.path, fileName: row.fileName, size: row.size, sha256: row.sha256, mediaInfo: row.mediaInfo,
                  sourceSHA256: row.sourceSha256, processingKey: row.processingKey, createdAt: row.createdAt.date)
    }
}
