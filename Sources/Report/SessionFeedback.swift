import Catalog
import Foundation
import FrameTime

/// Everything a report or an export says of a session, as one reader may see it: gathered
/// once through the catalog's own reads, each narrowed by the one visibility rule, then
/// narrowed again by the report's options (which can only take away).
public struct SessionFeedback: Sendable {
    /// A top-level comment and its replies, oldest first.
    public struct Thread: Sendable, Hashable {
        public let comment: ReviewComment
        public let replies: [ReviewComment]
    }

    /// One item of the session.
    public struct Item: Sendable {
        public let item: SessionItem
        /// The client-facing name (the version's name when the item has none).
        public var name: String { item.clientName ?? item.versionName }
        /// The proxy's playback facts; `nil` while the version has no proxy.
        public let playback: PlaybackInfo?
        /// The numbers and timecodes people know the frames by.
        public let labels: FrameLabels?
        /// The newest proxy (the one reviewers were given), relative to the data folder.
        public let proxyPath: String?
        public let posterPath: String?
        public let original: Component?
        public let proxy: Component?
        public let summary: StatusSummary?
        /// Each collaborator's verdict, with its history.
        public let statuses: [ItemStatus]
        public let threads: [Thread]

        /// How the item stands with its deciders, as one status.
        public var overallStatus: ReviewStatus {
            guard let summary else { return .pending }
            return summary.anyRequiresChanges ? .requiresChanges : summary.allApproved ? .approved : .pending
        }
    }

    public let studio: String
    public let timeZone: TimeZone
    public let project: Project
    public let session: ReviewSession
    /// The session's collaborators (not the removed), in the order they were added.
    public let collaborators: [Collaborator]
    public let items: [Item]
    /// Who it is made for.
    public let viewer: Viewer
    public let options: ReportOptions
    public let madeAt: Timestamp

    /// Every comment of the session `viewer` may see, within `options`.
    ///
    /// - Throws: ``CatalogError``: the session, an item or the collaborator not found; a
    ///   collaborator asking for internal comments.
    public static func gather(sessionID: UUID, for viewer: Viewer, options: ReportOptions, catalog: Catalog) async throws
        -> SessionFeedback
    {
        let options = try options.checked(for: viewer)
        let session = try await catalog.session(id: sessionID)
        let organization = try await catalog.organization()
        let project = try await catalog.project(id: session.projectID)
        let collaborators = try await catalog.collaborators(sessionID: sessionID)
        var items = try await catalog.items(sessionID: sessionID)
        if let chosen = options.itemIDs {
            for id in chosen where !items.contains(where: { $0.id == id }) {
                throw CatalogError(.notFound, "no item in this session with id \(id)")
            }
            items = items.filter { chosen.contains($0.id) }
        }
        if let collaboratorID = options.collaboratorID, !collaborators.contains(where: { $0.id == collaboratorID }) {
            throw CatalogError(.notFound, "no collaborator in this session with id \(collaboratorID)")
        }

        var comments: [ReviewComment] = []
        var offset = 0
        while true {
            let page = try await catalog.comments(sessionID: sessionID, for: viewer,
                                                  page: try Page(limit: Page.maximumLimit, offset: offset))
            comments += page.items
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        if !options.includeInternal { comments.removeAll(where: \.isInternal) }

        // The verdicts: a collaborator sees others' where the session shows them each other's feedback.
        var statuses = try await catalog.statuses(sessionID: sessionID)
        if case .collaborator(let id) = viewer, !session.settings.commentsVisibleToOthers {
            statuses.removeAll { $0.collaborator.id != id }
        }
        if let collaboratorID = options.collaboratorID { statuses.removeAll { $0.collaborator.id != collaboratorID } }
        let summaries = Dictionary(uniqueKeysWithValues: try await catalog.statusSummaries(sessionID: sessionID).map { ($0.itemID, $0) })
        let components = try await catalog.components(versionIDs: items.map(\.versionID))

        let repliesByParent = Dictionary(grouping: comments.filter { $0.parentID != nil }) { $0.parentID! }
        var threadsByItem: [UUID: [Thread]] = [:]
        for comment in comments where comment.parentID == nil {
            if let collaboratorID = options.collaboratorID, comment.author.id != collaboratorID { continue }
            let replies = (repliesByParent[comment.id] ?? []).filter { !$0.isDeleted }
            // A deleted comment keeps its place only to hold its replies.
            if comment.isDeleted, replies.isEmpty { continue }
            threadsByItem[comment.itemID, default: []].append(Thread(comment: comment, replies: replies))
        }

        let reportItems = items.map { item -> Item in
            let files = components[item.versionID] ?? []
            // The newest proxy: the one the reviewers' players were given (as receipts grab).
            let proxy = files.filter { $0.kind == .proxy }.max { $0.createdAt < $1.createdAt }
            let poster = files.filter { $0.kind == .poster && $0.profile == proxy?.profile }.first
                ?? files.first { $0.kind == .poster }
            let playback = proxy?.playbackInfo
            return Item(item: item, playback: playback, labels: playback.map(FrameLabels.init), proxyPath: proxy?.path,
                        posterPath: poster?.path, original: files.first { $0.kind == .original }, proxy: proxy,
                        summary: summaries[item.id], statuses: statuses.filter { $0.itemID == item.id },
                        threads: threadsByItem[item.id] ?? [])
        }
        return SessionFeedback(studio: organization.name, timeZone: TimeZone(identifier: organization.timeZone) ?? .gmt,
                               project: project, session: session, collaborators: collaborators, items: reportItems,
                               viewer: viewer, options: options, madeAt: Date())
    }
}
