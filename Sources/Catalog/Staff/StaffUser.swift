import Foundation

/// A member of the studio's staff, who signs in with an API key.
public struct StaffUser: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public var name: String
    public var email: String
    /// Admins manage other staff and the organization's settings.
    public var isAdmin: Bool
    public let createdAt: Timestamp
    public let createdBy: UUID?

    enum CodingKeys: String, CodingKey {
        case id, name, email, isAdmin = "is_admin", createdAt = "created_at", createdBy = "created_by"
    }
}
