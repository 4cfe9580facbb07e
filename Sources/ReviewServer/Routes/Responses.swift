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

/// A collaborator and their personal link, shown when it is issued.
struct CollaboratorInvite: Encodable, Sendable {
    let collaborator: Collaborator
    let inviteURL: String
    /// Whether the invite email was handed to the mail system (for sent invites).
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
    let downloadOriginal: Bool
    let downloadProxy: Bool
    let allowComments: Bool
    let commentsVisibleToOthers: Bool
    let you: Collaborator

    init(_ access: CollaboratorAccess, studio: String) {
        let session = access.session
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
        you = access.collaborator
    }

    enum CodingKeys: String, CodingKey {
        case id, title, description, startsAt = "starts_at", endsAt = "ends_at", studio
        case downloadOriginal = "download_original", downloadProxy = "download_proxy", allowComments = "allow_comments"
        case commentsVisibleToOthers = "comments_visible_to_others", you
    }
}

/// What a collaborator sees of an item: the client-facing name, never internal fields.
struct ReviewItemView: Encodable, Sendable {
    let id: UUID
    let position: Int
    let name: String
    let versionLabel: String?
    let reason: String?

    init(_ item: SessionItem) {
        id = item.id
        position = item.position
        name = item.clientName ?? item.versionName
        versionLabel = item.versionLabel
        reason = item.reason
    }

    enum CodingKeys: String, CodingKey { case id, position, name, versionLabel = "version_label", reason }
}
