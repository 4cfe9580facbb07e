/// The review settings a session uses, each either set on the session or inherited from
/// its project's defaults.
public struct SessionSettings: Sendable, Hashable, Codable {
    /// Collaborators may download the original files.
    public var downloadOriginal: Bool
    /// Collaborators may download the review proxies.
    public var downloadProxy: Bool
    /// Collaborators must enter the session's passphrase.
    public var requirePassphrase: Bool
    /// A session-wide link lets visitors join by entering a name.
    public var shareLinkEnabled: Bool
    /// Collaborators may comment.
    public var allowComments: Bool
    /// Collaborators see each other's comments.
    public var commentsVisibleToOthers: Bool

    public init(downloadOriginal: Bool, downloadProxy: Bool, requirePassphrase: Bool, shareLinkEnabled: Bool,
                allowComments: Bool, commentsVisibleToOthers: Bool) {
        self.downloadOriginal = downloadOriginal
        self.downloadProxy = downloadProxy
        self.requirePassphrase = requirePassphrase
        self.shareLinkEnabled = shareLinkEnabled
        self.allowComments = allowComments
        self.commentsVisibleToOthers = commentsVisibleToOthers
    }

    enum CodingKeys: String, CodingKey {
        case downloadOriginal = "download_original", downloadProxy = "download_proxy"
        case requirePassphrase = "require_passphrase", shareLinkEnabled = "share_link_enabled"
        case allowComments = "allow_comments", commentsVisibleToOthers = "comments_visible_to_others"
    }
}

/// Per-session overrides of the project's defaults: `nil` inherits.
public struct SessionSettingOverrides: Sendable, Hashable, Codable {
    public var downloadOriginal: Bool?
    public var downloadProxy: Bool?
    public var requirePassphrase: Bool?
    public var shareLinkEnabled: Bool?
    public var allowComments: Bool?
    public var commentsVisibleToOthers: Bool?

    public init(downloadOriginal: Bool? = nil, downloadProxy: Bool? = nil, requirePassphrase: Bool? = nil,
                shareLinkEnabled: Bool? = nil, allowComments: Bool? = nil, commentsVisibleToOthers: Bool? = nil) {
        self.downloadOriginal = downloadOriginal
        self.downloadProxy = downloadProxy
        self.requirePassphrase = requirePassphrase
        self.shareLinkEnabled = shareLinkEnabled
        self.allowComments = allowComments
        self.commentsVisibleToOthers = commentsVisibleToOthers
    }

    /// These overrides over `defaults`.
    public func resolved(over defaults: ProjectDefaults) -> SessionSettings {
        SessionSettings(
            downloadOriginal: downloadOriginal ?? defaults.downloadOriginal,
            downloadProxy: downloadProxy ?? defaults.downloadProxy,
            requirePassphrase: requirePassphrase ?? defaults.requirePassphrase,
            shareLinkEnabled: shareLinkEnabled ?? defaults.shareLinkEnabled,
            allowComments: allowComments ?? defaults.allowComments,
            commentsVisibleToOthers: commentsVisibleToOthers ?? defaults.commentsVisibleToOthers)
    }

    /// The same keys as the settings in force.
    typealias CodingKeys = SessionSettings.CodingKeys
}

/// A project's defaults for new sessions.
public struct ProjectDefaults: Sendable, Hashable, Codable {
    public var requirePassphrase: Bool
    /// How many days a new session's schedule runs.
    public var shareDays: Int
    public var allowComments: Bool
    public var commentsVisibleToOthers: Bool
    public var downloadOriginal: Bool
    public var downloadProxy: Bool
    /// Invite emails show thumbnails of the session's versions.
    public var emailThumbnails: Bool
    public var shareLinkEnabled: Bool

    /// What a studio expects before deciding otherwise: a week, comments on and shared,
    /// proxies downloadable, originals not, no passphrase, shareable links allowed.
    public static let standard = ProjectDefaults(
        requirePassphrase: false, shareDays: 7, allowComments: true, commentsVisibleToOthers: true,
        downloadOriginal: false, downloadProxy: true, emailThumbnails: true, shareLinkEnabled: true)

    public init(requirePassphrase: Bool, shareDays: Int, allowComments: Bool, commentsVisibleToOthers: Bool,
                downloadOriginal: Bool, downloadProxy: Bool, emailThumbnails: Bool, shareLinkEnabled: Bool) {
        self.requirePassphrase = requirePassphrase
        self.shareDays = shareDays
        self.allowComments = allowComments
        self.commentsVisibleToOthers = commentsVisibleToOthers
        self.downloadOriginal = downloadOriginal
        self.downloadProxy = downloadProxy
        self.emailThumbnails = emailThumbnails
        self.shareLinkEnabled = shareLinkEnabled
    }

    enum CodingKeys: String, CodingKey {
        case requirePassphrase = "require_passphrase", shareDays = "share_days", allowComments = "allow_comments"
        case commentsVisibleToOthers = "comments_visible_to_others", downloadOriginal = "download_original"
        case downloadProxy = "download_proxy", emailThumbnails = "email_thumbnails", shareLinkEnabled = "share_link_enabled"
    }
}

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
