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
