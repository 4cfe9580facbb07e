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
