import Foundation

/// Someone invited to a session (ftrack's ReviewSessionInvitee); need not be staff.
public struct Collaborator: Sendable, Hashable, Codable, Identifiable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Watches and comments.
        case reviewer
        /// Watches, comments, and approves or asks for changes.
        case approver
        /// Watches only.
        case observer
    }

    public let id: UUID
    public let sessionID: UUID
    public var name: String
    public var email: String?
    public var role: Role
    /// The staff member this collaborator is, when staff opened the session themselves.
    public let staffUserID: UUID?
    /// Joined through the session's shareable link rather than a personal invite.
    public let joinedByShareLink: Bool
    /// When the last invite was sent.
    public var invitedAt: Timestamp?
    /// When staff took access away.
    public var revokedAt: Timestamp?
    public let createdAt: Timestamp
    public let createdBy: UUID?

    public var isRevoked: Bool { revokedAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, sessionID = "session_id", name, email, role, staffUserID = "staff_user_id"
        case joinedByShareLink = "joined_by_share_link", invitedAt = "invited_at", revokedAt = "revoked_at"
        case createdAt = "created_at", createdBy = "created_by"
    }
}
