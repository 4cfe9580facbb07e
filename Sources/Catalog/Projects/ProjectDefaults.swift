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
