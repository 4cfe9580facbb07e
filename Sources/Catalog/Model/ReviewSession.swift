import Foundation

/// A set of versions in order, with a schedule, settings and collaborators.
public struct ReviewSession: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public let projectID: UUID
    public var title: String
    public var description: String
    /// When collaborators may start reviewing.
    public var startsAt: Timestamp
    /// When collaborators' access ends.
    public var endsAt: Timestamp
    /// A closed session is read-only for everyone until staff reopen it.
    public var closedAt: Timestamp?
    /// The session's own settings; `nil` fields inherit the project's.
    public var overrides: SessionSettingOverrides
    /// The settings in force: the overrides over the project's defaults.
    public var settings: SessionSettings
    /// Whether a passphrase has been set (the passphrase itself is never given out).
    public var hasPassphrase: Bool
    public let createdAt: Timestamp
    public let createdBy: UUID?
    public var updatedAt: Timestamp

    public var isClosed: Bool { closedAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, projectID = "project_id", title, description, startsAt = "starts_at", endsAt = "ends_at"
        case closedAt = "closed_at", overrides, settings, hasPassphrase = "has_passphrase", createdAt = "created_at"
        case createdBy = "created_by", updatedAt = "updated_at"
    }
}

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
