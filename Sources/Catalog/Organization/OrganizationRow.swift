/// The row of `organization`, the only one: the studio's settings and the secret that signs
/// access cookies.
struct OrganizationRow: TableRow {
    static let table = "organization"
    /// The one row's id.
    static let only = "default"
    var id: String, name: String, replyTo: String?, shareLinksEnabled: Bool, cookieSecret: String, updatedAt: StoredTime
    /// Comma-separated CIDR blocks; empty: none.
    var webhookAllowedNetworks: String
    var transferStatusTo: WorkflowStatus.Scope, timeZone: String, notificationWindowSeconds: Int, digestHour: Int
    var publicUrl: String?
    /// The logo's PNG in the store, and its SHA-256: both set, or neither.
    var logoPath: String? = nil
    var logoSha256: String? = nil

    /// The studio's logo, as the row holds it.
    var logo: StudioLogo? {
        get { logoPath.flatMap { path in logoSha256.map { StudioLogo(path: path, sha256: $0) } } }
        set {
            logoPath = newValue?.path
            logoSha256 = newValue?.sha256
        }
    }

    /// The studio's settings, as the row holds them.
    var settings: OrganizationSettings {
        get {
            OrganizationSettings(name: name, replyTo: replyTo, shareLinksEnabled: shareLinksEnabled,
                                 webhookAllowedNetworks: webhookAllowedNetworks.split(separator: ",").map(String.init),
                                 transferStatusTo: transferStatusTo, timeZone: timeZone,
                                 notificationWindowSeconds: notificationWindowSeconds, digestHour: digestHour)
        }
        set {
            name = newValue.name
            replyTo = newValue.replyTo
            shareLinksEnabled = newValue.shareLinksEnabled
            webhookAllowedNetworks = newValue.webhookAllowedNetworks.joined(separator: ",")
            transferStatusTo = newValue.transferStatusTo
            timeZone = newValue.timeZone
            notificationWindowSeconds = newValue.notificationWindowSeconds
            digestHour = newValue.digestHour
        }
    }
}
