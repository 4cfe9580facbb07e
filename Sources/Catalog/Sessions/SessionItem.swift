import Foundation

/// A version inside a session (ftrack's ReviewSessionObject).
public struct SessionItem: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let sessionID: UUID
    public let versionID: UUID
    /// 0 to n−1, in review order.
    public var position: Int
    /// The version's name and label when it was added: later renames do not change a review.
    public let versionName: String
    public let versionLabel: String?
    /// The name collaborators see.
    public var clientName: String?
    /// Why this version is up for review.
    public var reason: String?
    public let createdAt: Timestamp
    public let createdBy: UUID?

    enum CodingKeys: String, CodingKey {
        case id, sessionID = "session_id", versionID = "version_id", position, versionName = "version_name"
        case versionLabel = "version_label", clientName = "client_name", reason, createdAt = "created_at"
        case createdBy = "created_by"
    }
}
