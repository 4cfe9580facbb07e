import Foundation

/// A show or job: it owns versions and review sessions, and the defaults new sessions take.
public struct Project: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public var name: String
    /// A short code people use, such as `ABC`.
    public var code: String?
    public var defaults: ProjectDefaults
    public let createdAt: Timestamp
    public let createdBy: UUID?

    enum CodingKeys: String, CodingKey {
        case id, name, code, defaults, createdAt = "created_at", createdBy = "created_by"
    }
}
