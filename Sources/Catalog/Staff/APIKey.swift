import Foundation

/// A staff member's API key as admins see it: never the secret, only what tells it apart.
public struct APIKey: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let userID: UUID
    /// What the key is for ("render farm", "ftrack sync"), as its maker put it.
    public var label: String?
    /// The key's first characters (`dk_` and four more), to match it against a script's
    /// configuration; `nil` for keys made before hints were kept.
    public var hint: String?
    public let createdAt: Timestamp
    public let createdBy: UUID?
    /// Set once the key is revoked: from then on it lets no one in.
    public var revokedAt: Timestamp?

    /// How many characters of a key its hint keeps: the `dk_` prefix and four of the 43
    /// random ones, which leaves 234 bits unknown.
    static let hintLength = 7

    enum CodingKeys: String, CodingKey {
        case id, userID = "user_id", label, hint, createdAt = "created_at", createdBy = "created_by"
        case revokedAt = "revoked_at"
    }
}
