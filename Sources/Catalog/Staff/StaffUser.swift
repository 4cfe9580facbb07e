import Foundation

/// A member of the studio's staff, who calls the API with an API key or signs in from a
/// browser with their email and password.
public struct StaffUser: Sendable, Hashable, Codable, Identifiable {
    public let id: UUID
    public var name: String
    public var email: String
    /// What scripts call them by (the ftrack faces' `ftrack-user`): unique, lower case.
    public var username: String
    /// Admins manage other staff and the organization's settings.
    public var isAdmin: Bool
    public let createdAt: Timestamp
    public let createdBy: UUID?
    /// Set while the member is deactivated: their records stay, but neither their API keys
    /// nor their password let anyone in.
    public var deactivatedAt: Timestamp? = nil

    enum CodingKeys: String, CodingKey {
        case id, name, email, username, isAdmin = "is_admin", createdAt = "created_at", createdBy = "created_by"
        case deactivatedAt = "deactivated_at"
    }
}

extension StaffUser {
    /// A username from an email's local part (`Ada.Park@studio` → `ada.park`), with a number
    /// after it when `taken` (lower case) has it already.
    static func username(fromEmail email: String, avoiding taken: Set<String>) -> String {
        let local = email.split(separator: "@", maxSplits: 1).first.map(String.init) ?? email
        var base = String(local.lowercased().unicodeScalars.filter { usernameCharacters.contains($0) }.map(Character.init))
        base = String(base.prefix(usernameMaximum - 4))
        if base.isEmpty { base = "user" }
        var candidate = base
        var number = 2
        while taken.contains(candidate) {
            candidate = base + String(number)
            number += 1
        }
        return candidate
    }

    static let usernameCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789._-+@")
    static let usernameMaximum = 64

    /// A username as given, checked: 1 to 64 of `a-z 0-9 . _ - + @` (upper case is lowered).
    static func validUsername(_ value: String) throws(CatalogError) -> String {
        let username = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...usernameMaximum).contains(username.unicodeScalars.count),
              username.unicodeScalars.allSatisfy({ usernameCharacters.contains($0) })
        else {
            throw CatalogError.invalid("username", "must be 1 to \(usernameMaximum) of letters, digits and . _ - + @")
        }
        return username
    }
}
