import Crypto
import Foundation
import SQLKit

extension Catalog {
    /// Creates the one organization row on first start, with a fresh cookie-signing secret.
    func ensureOrganization() async throws {
        try await database.write { db in
            guard try await db.count(OrganizationRow.table, where: "id", equals: SQLBind(OrganizationRow.only)) == 0 else { return }
            let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncoded
            try await db.insert(OrganizationRow(id: OrganizationRow.only, name: "Dailies", replyTo: nil, shareLinksEnabled: true,
                                                cookieSecret: secret, updatedAt: StoredTime(self.now), webhookAllowedNetworks: "",
                                                transferStatusTo: .version, timeZone: "UTC", notificationWindowSeconds: 120,
                                                digestHour: 8, publicUrl: nil))
        }
    }

    /// The studio's settings.
    public func organization() async throws -> OrganizationSettings {
        try await database.read { db in try await self.organizationRow(db).settings }
    }

    /// Changes the studio's settings; `nil` fields stay as they are.
    public func updateOrganization(_ update: OrganizationUpdate) async throws -> OrganizationSettings {
        try await database.write { db in
            var row = try await self.organizationRow(db)
            var settings = row.settings
            if let name = update.name { settings.name = try Validate.name(name, field: "name") }
            if let replyTo = update.replyTo { settings.replyTo = try Validate.optionalEmail(replyTo, field: "reply_to") }
            if let enabled = update.shareLinksEnabled { settings.shareLinksEnabled = enabled }
            if let networks = update.webhookAllowedNetworks {
                settings.webhookAllowedNetworks = try Validate.allowedNetworks(networks, field: "webhook_allowed_networks")
            }
            if let target = update.transferStatusTo { settings.transferStatusTo = target }
            if let zone = update.timeZone {
                guard TimeZone(identifier: zone) != nil else {
                    throw CatalogError.invalid("time_zone", "'\(zone.prefix(64))' is not a time zone name like Europe/London")
                }
                settings.timeZone = zone
            }
            if let window = update.notificationWindowSeconds {
                guard FieldRules.notificationWindow.contains(window) else {
                    throw CatalogError.invalid("notification_window_seconds",
                                               "must be \(FieldRules.notificationWindow.lowerBound) to \(FieldRules.notificationWindow.upperBound)")
                }
                settings.notificationWindowSeconds = window
            }
            if let hour = update.digestHour {
                guard (0...23).contains(hour) else { throw CatalogError.invalid("digest_hour", "must be 0 to 23") }
                settings.digestHour = hour
            }
            row.settings = settings
            row.updatedAt = StoredTime(self.now)
            try await db.update(row)
            return settings
        }
    }

    /// Records where people reach the server (a server does at start), for the links workers
    /// write in mails.
    public func recordPublicURL(_ url: String) async throws {
        try await database.write { db in
            try await db.update(OrganizationRow.table).set("public_url", to: SQLBind(url))
                .where("id", .equal, SQLBind(OrganizationRow.only)).run()
        }
    }

    /// Where people reach the server, as the last server to start recorded; `nil` before any did.
    public func publicURL() async throws -> String? {
        try await database.read { db in try await self.organizationRow(db).publicUrl }
    }

    /// The studio's logo, or `nil` when it has none.
    public func organizationLogo() async throws -> StudioLogo? {
        try await database.read { db in try await self.organizationRow(db).logo }
    }

    /// Makes `logo` (a file already whole in the store) the studio's logo, or removes the logo
    /// when `nil`. Returns the logo it replaces, whose file the caller may now remove.
    @discardableResult
    public func setOrganizationLogo(_ logo: StudioLogo?) async throws -> StudioLogo? {
        try await database.write { db in
            var row = try await self.organizationRow(db)
            let replaced = row.logo
            row.logo = logo
            row.updatedAt = StoredTime(self.now)
            try await db.update(row)
            return replaced
        }
    }

    /// The key collaborator cookies are signed with.
    public func cookieSigningKey() async throws -> SymmetricKey {
        try await database.read { db in
            let secret = try await self.organizationRow(db).cookieSecret
            guard let bytes = Data(base64URLEncoded: secret) else {
                throw CatalogError(.damaged, "the organization row's cookie secret is damaged")
            }
            return SymmetricKey(data: bytes)
        }
    }

    func organizationRow(_ db: any SQLDatabase) async throws -> OrganizationRow {
        guard let row = try await db.select(OrganizationRow.self).where("id", .equal, SQLBind(OrganizationRow.only))
            .first(OrganizationRow.self)
        else { throw CatalogError(.notFound, "the catalog has no organization settings") }
        return row
    }
}

/// Changes to ``OrganizationSettings``: `nil` leaves a field alone; an empty `replyTo` clears
/// it; `webhookAllowedNetworks` replaces the whole list (empty: no private network).
public struct OrganizationUpdate: Sendable, Decodable {
    public var name: String?
    public var replyTo: String?
    public var shareLinksEnabled: Bool?
    public var webhookAllowedNetworks: [String]?
    public var transferStatusTo: WorkflowStatus.Scope?
    public var timeZone: String?
    public var notificationWindowSeconds: Int?
    public var digestHour: Int?

    public init(name: String? = nil, replyTo: String? = nil, shareLinksEnabled: Bool? = nil,
                webhookAllowedNetworks: [String]? = nil, transferStatusTo: WorkflowStatus.Scope? = nil, timeZone: String? = nil,
                notificationWindowSeconds: Int? = nil, digestHour: Int? = nil) {
        self.name = name
        self.replyTo = replyTo
        self.shareLinksEnabled = shareLinksEnabled
        self.webhookAllowedNetworks = webhookAllowedNetworks
        self.transferStatusTo = transferStatusTo
        self.timeZone = timeZone
        self.notificationWindowSeconds = notificationWindowSeconds
        self.digestHour = digestHour
    }

    enum CodingKeys: String, CodingKey {
        case name, replyTo = "reply_to", shareLinksEnabled = "share_links_enabled"
        case webhookAllowedNetworks = "webhook_allowed_networks", transferStatusTo = "transfer_status_to"
        case timeZone = "time_zone", notificationWindowSeconds = "notification_window_seconds", digestHour = "digest_hour"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        // null clears the reply-to address, as an empty string does.
        replyTo = try container.decodePatch(String.self, forKey: .replyTo).map { $0 ?? "" }
        shareLinksEnabled = try container.decodeIfPresent(Bool.self, forKey: .shareLinksEnabled)
        // null clears the list, as an empty one does.
        webhookAllowedNetworks = try container.decodePatch([String].self, forKey: .webhookAllowedNetworks).map { $0 ?? [] }
        transferStatusTo = try container.decodeIfPresent(WorkflowStatus.Scope.self, forKey: .transferStatusTo)
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone)
        notificationWindowSeconds = try container.decodeIfPresent(Int.self, forKey: .notificationWindowSeconds)
        digestHour = try container.decodeIfPresent(Int.self, forKey: .digestHour)
    }
}
