import Foundation

/// A member of the studio's staff, who calls the API with an API key or signs in from a
/// browser with their email and password.
public struct StaffUser: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public var name: String
    public var email: String
    /// Admins manage other staff and the organization's settings.
    public var isAdmin: Bool
    public let createdAt: Timestamp
    public let createdBy: UUID?
    /// Set while the member is deactivated: their records stay, but neither their API keys
    /// nor their password let anyone in.
    public var deactivatedAt: Timestamp? = nil

    enum CodingKeys: String, CodingKey {
        case id, name, email, isAdmin = "is_admin", createdAt = "created_at", createdBy = "created_by"
        case deactivatedAt = "deactivated_at"
    }
}
