import Foundation

/// A resumable upload in progress: its bytes so far are in a file the pipeline keeps.
public struct Upload: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let versionID: UUID
    public let fileName: String
    /// The whole upload's size in bytes.
    public let size: Int64
    /// The SHA-256 the client promised, checked when the last byte arrives.
    public let sha256: String?
    /// The image sequence this file is a member of (a folder uploaded), if any.
    public let sequenceUploadID: UUID?
    public let createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", fileName = "file_name", size, sha256, sequenceUploadID = "sequence_upload_id"
        case createdAt = "created_at"
    }
}
