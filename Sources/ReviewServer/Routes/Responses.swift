import Catalog
import Foundation

/// A page of a list: `{"data": [...], "pagination": {"total", "limit", "offset"}}`.
struct ListResponse<Element: Encodable & Sendable>: Encodable {
    struct Pagination: Encodable {
        let total: Int
        let limit: Int
        let offset: Int
    }

    let data: [Element]
    let pagination: Pagination

    init(_ result: PageResult<Element>) {
        data = result.items
        pagination = Pagination(total: result.total, limit: result.page.limit, offset: result.page.offset)
    }

    /// A whole list in one page.
    init(all items: [Element]) {
        data = items
        pagination = Pagination(total: items.count, limit: max(1, items.count), offset: 0)
    }
}

/// A new staff member and their first API key, shown this once.
struct CreatedStaffUser: Encodable {
    let user: StaffUser
    let apiKey: String

    enum CodingKeys: String, CodingKey { case user, apiKey = "api_key" }
}

/// A new API key and its secret, shown this once; `replaces` names the key a reissue revoked.
struct CreatedAPIKey: Encodable {
    let key: APIKey
    let apiKey: String
    var replaces: UUID? = nil

    enum CodingKeys: String, CodingKey { case key, apiKey = "api_key", replaces }
}

/// A collaborator and their personal link, shown when it is issued.
struct CollaboratorInvite: Encodable, Sendable {
    let collaborator: Collaborator
    let inviteURL: String
    /// Whether the invite email was written into the outbox, which a worker delivers from (for sent invites).
    var emailed: Bool?

    enum CodingKeys: String, CodingKey { case collaborator, inviteURL = "invite_url", emailed }
}

/// A cloned session and its collaborators' fresh links.
struct ClonedSession: Encodable {
    let session: ReviewSession
    let invites: [CollaboratorInvite]
}

/// A session's shareable link, shown when issued.
struct ShareLink: Encodable {
    let url: String
}

/// What a collaborator sees of a session.
struct ReviewSessionView: Encodable {
    let id: UUID
    let title: String
    let description: String
    let startsAt: Date
    let endsAt: Date
    let studio: String
    /// The studio's logo, or `nil` when it has none.
    let logoURL: String?
    let downloadOriginal: Bool
    let downloadProxy: Bool
    let allowComments: Bool
    let commentsVisibleToOthers: Bool
    /// The collaborator; `nil` for staff previewing the session.
    let you: Collaborator?
    let preview: Bool

    /// The view for `audience`, branded as the catalog's organization says.
    static func of(_ audience: ReviewAudience, catalog: Catalog) async throws -> ReviewSessionView {
        async let studio = catalog.organization().name
        async let logo = catalog.organizationLogo()
        return ReviewSessionView(audience, studio: try await studio, logoURL: try await logo == nil ? nil : StudioLogoRules.path)
    }

    init(_ audience: ReviewAudience, studio: String, logoURL: String? = nil) {
        let session = audience.session
        self.logoURL = logoURL
        id = session.id
        title = session.title
        description = session.description
        startsAt = session.startsAt
        endsAt = session.endsAt
        self.studio = studio
        downloadOriginal = session.settings.downloadOriginal
        downloadProxy = session.settings.downloadProxy
        allowComments = session.settings.allowComments
        commentsVisibleToOthers = session.settings.commentsVisibleToOthers
        you = audience.collaborator
        preview = audience.collaborator == nil
    }

    enum CodingKeys: String, CodingKey {
        case id, title, description, startsAt = "starts_at", endsAt = "ends_at", studio, logoURL = "logo_url"
        case downloadOriginal = "download_original", downloadProxy = "download_proxy", allowComments = "allow_comments"
        case commentsVisibleToOthers = "comments_visible_to_others", you, preview
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(studio, forKey: .studio)
        try container.encode(logoURL, forKey: .logoURL)
        try container.encode(downloadOriginal, forKey: .downloadOriginal)
        try container.encode(downloadProxy, forKey: .downloadProxy)
        try container.encode(allowComments, forKey: .allowComments)
        try container.encode(commentsVisibleToOthers, forKey: .commentsVisibleToOthers)
        // Staff previewing are nobody of the session's: null says so.
        try container.encode(you, forKey: .you)
        try container.encode(preview, forKey: .preview)
    }
}

/// Who sees a session the way its collaborators do: a collaborator, or staff previewing it
/// (what a collaborator would see, as nobody in particular).
struct ReviewAudience: Sendable {
    let session: ReviewSession
    /// `nil` for staff previewing.
    let collaborator: Collaborator?

    init(_ access: CollaboratorAccess) {
        self.init(session: access.session, collaborator: access.collaborator)
    }

    init(session: ReviewSession, collaborator: Collaborator?) {
        self.session = session
        self.collaborator = collaborator
    }

    /// The participant group's caller as an audience: staff preview the session in the path.
    init(_ input: RouteInput<FeedbackActor>) async throws {
        switch input.caller {
        case .collaborator(let access): self.init(access)
        case .staff:
            self.init(session: try await input.catalog.session(id: try input.id("session_id")), collaborator: nil)
        }
    }

    /// The version behind an item of the session: an item of another session answers 404, as
    /// if it did not exist.
    func itemVersion(_ itemID: UUID, catalog: Catalog) async throws -> UUID {
        try await catalog.item(id: itemID, sessionID: session.id).versionID
    }
}

/// A version's file as the API shows it: `media_info` is the stored JSON object itself.
struct ComponentView: Encodable, Sendable {
    let component: Component

    init(_ component: Component) {
        self.component = component
    }

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", kind, profile, path, fileName = "file_name", size, sha256
        case mediaInfo = "media_info", sourceSHA256 = "source_sha256", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(component.id, forKey: .id)
        try container.encode(component.versionID, forKey: .versionID)
        try container.encode(component.kind, forKey: .kind)
        try container.encode(component.profile, forKey: .profile)
        try container.encode(component.path, forKey: .path)
        try container.encode(component.fileName, forKey: .fileName)
        try container.encode(component.size, forKey: .size)
        try container.encode(component.sha256, forKey: .sha256)
        try container.encode(component.mediaInfo.flatMap(JSONValue.init(json:)), forKey: .mediaInfo)
        try container.encode(component.sourceSHA256, forKey: .sourceSHA256)
        try container.encode(component.createdAt, forKey: .createdAt)
    }
}

/// What a player needs of an item's media: where its files are, and the frame facts to show
/// it frame-exactly. Times are rational strings (`24000/1001`), never floats.
struct PlayerMedia: Encodable, Sendable {
    let proxyURL: String
    let posterURL: String?
    let filmstripURL: String?
    /// The filmstrip's tile layout (which frame each tile shows, and where).
    let filmstrip: JSONValue?
    let frameMapURL: String?
    /// A frame grab: replace `{frame}` with the frame index (from 0).
    let frameURL: String
    let frameCount: Int
    let rate: String
    let firstFrameNumber: Int
    let startTimecode: String?
    /// Seconds, as a rational: frames ÷ rate.
    let duration: String
    let width: Int
    let height: Int
    let pixelAspect: String
    let hasAudio: Bool
    let variableRate: Bool
    /// The frames of an image sequence's missing files, as `[first, last]` index ranges,
    /// and what they show; both absent when nothing is missing.
    let missing: [ClosedRange<Int>]?
    let gapFill: String?
    /// How the pictures were made display-referred, and what transparency was composited over.
    let displayTransform: String?
    let alphaBackground: String?

    /// The media of `components` (a version's), served under `base`; `nil` until the proxy exists.
    init?(_ components: [Component], profile: String, base: String) {
        guard let proxy = components.first(where: { $0.kind == .proxy && $0.profile == profile }),
            let playback = proxy.playbackInfo
        else { return nil }
        func has(_ kind: Component.Kind) -> Component? { components.first { $0.kind == kind && $0.profile == profile } }
        // The player's own route: watching works whatever the session says of downloading.
        proxyURL = base + "/playback"
        posterURL = has(.poster).map { _ in base + "/download/poster" }
        let filmstripComponent = has(.filmstrip)
        filmstripURL = filmstripComponent.map { _ in base + "/download/filmstrip" }
        filmstrip = filmstripComponent?.mediaInfo.flatMap(JSONValue.init(json:))
        frameMapURL = has(.framemap).map { _ in base + "/download/framemap" }
        frameURL = base + "/frames/{frame}"
        frameCount = playback.frameCount
        rate = playback.rate.framesPerSecond.description
        firstFrameNumber = playback.firstFrameNumber
        startTimecode = playback.startTimecode
        duration = playback.duration.description
        width = playback.width
        height = playback.height
        pixelAspect = playback.pixelAspect.description
        hasAudio = playback.hasAudio
        variableRate = playback.variableRate
        missing = playback.missing
        gapFill = playback.gapFill?.rawValue
        displayTransform = playback.displayTransform?.rawValue
        alphaBackground = playback.alphaBackground?.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case proxyURL = "proxy_url", posterURL = "poster_url", filmstripURL = "filmstrip_url", filmstrip
        case frameMapURL = "frame_map_url", frameURL = "frame_url", frameCount = "frame_count", rate
        case firstFrameNumber = "first_frame_number", startTimecode = "start_timecode", duration, width, height
        case pixelAspect = "pixel_aspect", hasAudio = "has_audio", variableRate = "variable_rate", missing
        case gapFill = "gap_fill", displayTransform = "display_transform", alphaBackground = "alpha_background"
    }
}

/// What a collaborator sees of an item: the client-facing name, never internal fields, and
/// what the player needs.
struct ReviewItemView: Encodable, Sendable {
    /// What this collaborator may download of the item, as the session allows.
    struct Downloads: Encodable, Sendable {
        let original: Bool
        let proxy: Bool
    }

    let id: UUID
    let position: Int
    let name: String
    let versionLabel: String?
    let reason: String?
    /// `nil` while the version has no review media yet.
    let media: PlayerMedia?
    let downloads: Downloads

    init(_ item: SessionItem, media: PlayerMedia?, settings: SessionSettings) {
        id = item.id
        position = item.position
        name = item.clientName ?? item.versionName
        versionLabel = item.versionLabel
        reason = item.reason
        self.media = media
        downloads = Downloads(original: settings.downloadOriginal && media != nil, proxy: settings.downloadProxy && media != nil)
    }

    /// The views of a session's items for its collaborators, with their media.
    static func all(_ items: [SessionItem], audience: ReviewAudience, catalog: Catalog, profile: String) async throws
        -> [ReviewItemView]
    {
        let components = try await catalog.components(versionIDs: items.map(\.versionID))
        return items.map { item in
            let base = "/api/v1/review/sessions/\(audience.session.id)/items/\(item.id)"
            return ReviewItemView(item, media: PlayerMedia(components[item.versionID] ?? [], profile: profile, base: base),
                                  settings: audience.session.settings)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, position, name, versionLabel = "version_label", reason, media, downloads
    }
}
