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
    public let createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", fileName = "file_name", size, sha256, createdAt = "created_at"
    }
}
