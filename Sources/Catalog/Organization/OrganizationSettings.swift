/// The studio's own settings, used in invitations, on the review site and by webhooks.
public struct OrganizationSettings: Sendable, Hashable, Codable {
    /// The studio's name: the sender of invitations.
    public var name: String
    /// Where replies to invitations go.
    public var replyTo: String?
    /// Shareable links may be used at all (each session can still turn its own off).
    public var shareLinksEnabled: Bool
    /// Private networks webhook deliveries may reach, as CIDR blocks (`10.20.0.0/16`): where
    /// the studio's internal receivers live. Other private addresses are refused, and
    /// loopback, link-local and the like always are (see ``WebhookAddressPolicy``).
    public var webhookAllowedNetworks: [String]
    /// Where a transfer of feedback puts the status its rule gives: on the version (the
    /// default), or on the version's task.
    public var transferStatusTo: WorkflowStatus.Scope
    /// The studio's time zone (an IANA name such as `Europe/London`): times in mails are in it.
    public var timeZone: String
    /// How long a batched recipient's mail gathers notices after the first, in seconds.
    public var notificationWindowSeconds: Int
    /// The hour (0–23, in ``timeZone``) daily digests go out.
    public var digestHour: Int

    public init(name: String, replyTo: String?, shareLinksEnabled: Bool, webhookAllowedNetworks: [String] = [],
                transferStatusTo: WorkflowStatus.Scope = .version, timeZone: String = "UTC", notificationWindowSeconds: Int = 120,
                digestHour: Int = 8) {
        self.name = name
        self.replyTo = replyTo
        self.shareLinksEnabled = shareLinksEnabled
        self.webhookAllowedNetworks = webhookAllowedNetworks
        self.transferStatusTo = transferStatusTo
        self.timeZone = timeZone
        self.notificationWindowSeconds = notificationWindowSeconds
        self.digestHour = digestHour
    }

    /// ``webhookAllowedNetworks`` read as networks (each was checked when it was set).
    public var allowedNetworks: [IPNetwork] { webhookAllowedNetworks.compactMap(IPNetwork.init) }

    enum CodingKeys: String, CodingKey {
        case name, replyTo = "reply_to", shareLinksEnabled = "share_links_enabled"
        case webhookAllowedNetworks = "webhook_allowed_networks", transferStatusTo = "transfer_status_to"
        case timeZone = "time_zone", notificationWindowSeconds = "notification_window_seconds", digestHour = "digest_hour"
    }
}

/// The studio's logo: a PNG the server made from the image an admin gave (never the uploaded
/// file itself), kept in the store.
public struct StudioLogo: Sendable, Hashable {
    /// Where it is, relative to the store.
    public let path: String
    /// The hex SHA-256 of the PNG: its ETag.
    public let sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}
