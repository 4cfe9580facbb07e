import FrameTime

/// A project's defaults for new sessions: the settings they inherit, and four of the
/// project's own. Its JSON is one flat object, the settings' keys beside `share_days`,
/// `email_thumbnails`, `gap_fill` and `alpha_background`.
public struct ProjectDefaults: Sendable, Hashable, Codable {
    /// The settings a session inherits until it sets its own.
    public var settings: SessionSettings
    /// How many days a new session's schedule runs.
    public var shareDays: Int
    /// Invite emails show thumbnails of the session's versions.
    public var emailThumbnails: Bool
    /// What frames of missing files in an image sequence show, unless its ingest chose.
    public var gapFill: GapFill
    /// The names ``gapFill`` goes by, for the documents that describe it.
    public static let gapFillNames = GapFill.allCases.map(\.rawValue)
    /// What shows through transparent parts of its versions' pictures.
    public var alphaBackground: AlphaBackground
    /// The names ``alphaBackground`` goes by.
    public static let alphaBackgroundNames = AlphaBackground.allCases.map(\.rawValue)

    /// What a studio expects before deciding otherwise: a week, comments on and shared,
    /// proxies downloadable, originals not, no passphrase, shareable links allowed, reports
    /// and exports for staff only.
    public static let standard = ProjectDefaults(
        settings: SessionSettings(downloadOriginal: false, downloadProxy: true, requirePassphrase: false,
                                  shareLinkEnabled: true, allowComments: true, commentsVisibleToOthers: true,
                                  allowExports: false),
        shareDays: 7, emailThumbnails: true, gapFill: .hold, alphaBackground: .grey)

    public init(settings: SessionSettings, shareDays: Int, emailThumbnails: Bool, gapFill: GapFill = .hold,
                alphaBackground: AlphaBackground = .grey) {
        self.settings = settings
        self.shareDays = shareDays
        self.emailThumbnails = emailThumbnails
        self.gapFill = gapFill
        self.alphaBackground = alphaBackground
    }

    enum CodingKeys: String, CodingKey {
        case shareDays = "share_days", emailThumbnails = "email_thumbnails", gapFill = "gap_fill"
        case alphaBackground = "alpha_background"
    }

    public init(from decoder: any Decoder) throws {
        settings = try SessionSettings(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shareDays = try container.decode(Int.self, forKey: .shareDays)
        emailThumbnails = try container.decode(Bool.self, forKey: .emailThumbnails)
        gapFill = try container.decodeIfPresent(GapFill.self, forKey: .gapFill) ?? .hold
        alphaBackground = try container.decodeIfPresent(AlphaBackground.self, forKey: .alphaBackground) ?? .grey
    }

    public func encode(to encoder: any Encoder) throws {
        try settings.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shareDays, forKey: .shareDays)
        try container.encode(emailThumbnails, forKey: .emailThumbnails)
        try container.encode(gapFill, forKey: .gapFill)
        try container.encode(alphaBackground, forKey: .alphaBackground)
    }
}

/// Changes to a project's session defaults: `nil` leaves a setting alone.
public struct ProjectDefaultsUpdate: Sendable, Decodable {
    public var settings: SessionSettingValues<Bool?>
    public var shareDays: Int?
    public var emailThumbnails: Bool?
    public var gapFill: GapFill?
    public var alphaBackground: AlphaBackground?

    public init(settings: SessionSettingValues<Bool?> = .init(), shareDays: Int? = nil, emailThumbnails: Bool? = nil,
                gapFill: GapFill? = nil, alphaBackground: AlphaBackground? = nil) {
        self.settings = settings
        self.shareDays = shareDays
        self.emailThumbnails = emailThumbnails
        self.gapFill = gapFill
        self.alphaBackground = alphaBackground
    }

    func applied(to defaults: ProjectDefaults) throws(CatalogError) -> ProjectDefaults {
        if let shareDays, !FieldRules.shareDays.contains(shareDays) {
            throw CatalogError.invalid("defaults.share_days", "must be 1 to \(FieldRules.shareDays.upperBound) days")
        }
        return ProjectDefaults(settings: settings.resolved(over: defaults.settings), shareDays: shareDays ?? defaults.shareDays,
                               emailThumbnails: emailThumbnails ?? defaults.emailThumbnails, gapFill: gapFill ?? defaults.gapFill,
                               alphaBackground: alphaBackground ?? defaults.alphaBackground)
    }

    /// The same keys as the defaults themselves.
    typealias CodingKeys = ProjectDefaults.CodingKeys

    public init(from decoder: any Decoder) throws {
        settings = try SessionSettingValues(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shareDays = try container.decodeIfPresent(Int.self, forKey: .shareDays)
        emailThumbnails = try container.decodeIfPresent(Bool.self, forKey: .emailThumbnails)
        gapFill = try container.decodeIfPresent(GapFill.self, forKey: .gapFill)
        alphaBackground = try container.decodeIfPresent(AlphaBackground.self, forKey: .alphaBackground)
    }
}
