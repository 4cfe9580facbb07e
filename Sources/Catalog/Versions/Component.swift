import Foundation

/// A file of a version: the original, or one of the review outputs made from it.
public struct Component: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case original, proxy, poster, filmstrip, framemap
    }

    public let id: UUID
    public let versionID: UUID
    public let kind: Kind
    /// The proxy profile a derived file was made with; `nil` for the original.
    public let profile: String?
    /// Where the file is, relative to the data directory.
    public let path: String
    /// The name to download it as (the uploaded file's own name, for originals).
    public let fileName: String
    public let size: Int64
    /// Hex SHA-256 of the file's bytes.
    public let sha256: String
    /// What the probe found (JSON), when the file is media.
    public let mediaInfo: String?
    /// For a derived file: the SHA-256 of the original it was made from, so a reprocess can
    /// tell whether it is up to date.
    public let sourceSHA256: String?
    /// For a derived file: the ``ProcessingKey`` of everything that made it what it is, so a
    /// reprocess can tell whether a setting changed since; `nil` for files made before keys.
    public let processingKey: String?
    public let createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", kind, profile, path, fileName = "file_name", size, sha256
        case mediaInfo = "media_info", sourceSHA256 = "source_sha256", processingKey = "processing_key"
        case createdAt = "created_at"
    }
}
