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

    public init(name: String, replyTo: String?, shareLinksEnabled: Bool, webhookAllowedNetworks: [String] = []) {
        self.name = name
        self.replyTo = replyTo
        self.shareLinksEnabled = shareLinksEnabled
        self.webhookAllowedNetworks = webhookAllowedNetworks
    }

    /// ``webhookAllowedNetworks`` read as networks (each was checked when it was set).
    public var allowedNetworks: [IPNetwork] { webhookAllowedNetworks.compactMap(IPNetwork.init) }

    enum CodingKeys: String, CodingKey {
        case name, replyTo = "reply_to", shareLinksEnabled = "share_links_enabled"
        case webhookAllowedNetworks = "webhook_allowed_networks"
    }
}
