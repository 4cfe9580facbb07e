import Foundation
import SQLKit

/// A row of `frame_checks`.
struct FrameCheckRow: TableRow {
    static let table = "frame_checks"
    var id: UUID, sessionId: UUID, itemId: UUID, versionId: UUID, viewerKind: FeedbackAuthor.Kind, viewerId: UUID
    var viewerName: String, during: FrameCheck.Moment, expectedFrame: Int, presentedFrame: Int, mediaTime: Double
    var userAgent: String?, times: Int, firstAt: StoredTime, lastAt: StoredTime
}

extension FrameCheck {
    init(_ row: FrameCheckRow) {
        self.init(id: row.id, sessionID: row.sessionId, itemID: row.itemId, versionID: row.versionId,
                  viewer: FeedbackAuthor(kind: row.viewerKind, id: row.viewerId, name: row.viewerName), during: row.during,
                  expected: row.expectedFrame, presented: row.presentedFrame, mediaTime: row.mediaTime,
                  userAgent: row.userAgent, times: row.times, firstAt: row.firstAt.date, lastAt: row.lastAt.date)
    }
}

extension Catalog {
    /// Records a disagreement a viewer's player saw on an item of the session; the same one
    /// again from the same viewer counts up instead of adding a row.
    public func recordFrameCheck(sessionID: UUID, itemID: UUID, by viewer: FeedbackAuthor, during: FrameCheck.Moment,
                                 expected: Int, presented: Int, mediaTime: Double, userAgent: String?) async throws -> FrameCheck {
        guard mediaTime.isFinite, mediaTime >= 0 else { throw CatalogError.invalid("media_time", "must be a time from 0") }
        let agent = userAgent.map { String($0.prefix(300)) }
        return try await database.write { db in
            let item = try await self.itemRow(id: itemID, sessionID: sessionID, db)
            let frameCount = try await self.playback(versionID: item.versionId, db)?.frameCount
            for (field, frame) in [("expected", expected), ("presented", presented)] where frame < 0 || frameCount.map({ frame >= $0 }) == true {
                throw CatalogError.invalid(field, "must be a frame of the item (0 to \((frameCount ?? 1) - 1))")
            }
            let same = try await db.select(FrameCheckRow.self)
                .where("version_id", .equal, item.versionId.bind).where("viewer_kind", .equal, SQLBind(viewer.kind.rawValue))
                .where("viewer_id", .equal, viewer.id.bind).where("during", .equal, SQLBind(during.rawValue))
                .where("expected_frame", .equal, SQLBind(expected)).where("presented_frame", .equal, SQLBind(presented))
                .first(FrameCheckRow.self)
            if var row = same {
                row.times += 1
                row.lastAt = StoredTime(self.now)
                row.mediaTime = mediaTime
                try await db.update(row)
                return FrameCheck(row)
            }
            let row = FrameCheckRow(id: UUID(), sessionId: sessionID, itemId: itemID, versionId: item.versionId,
                                    viewerKind: viewer.kind, viewerId: viewer.id, viewerName: viewer.name, during: during,
                                    expectedFrame: expected, presentedFrame: presented, mediaTime: mediaTime, userAgent: agent,
                                    times: 1, firstAt: StoredTime(self.now), lastAt: StoredTime(self.now))
            try await db.insert(row)
            return FrameCheck(row)
        }
    }

    /// The self-check's reports, latest first, of one version or one session (or all).
    public func frameChecks(versionID: UUID? = nil, sessionID: UUID? = nil, page: Page = .default) async throws
        -> PageResult<FrameCheck>
    {
        try await database.read { db in
            func narrowed(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                if let versionID { query.where("version_id", .equal, versionID.bind) }
                if let sessionID { query.where("session_id", .equal, sessionID.bind) }
                return query
            }
            let rows = try await narrowed(db.select(FrameCheckRow.self)).orderBy("last_at", .descending).orderBy("id")
                .limit(page.limit).offset(page.offset).all(FrameCheckRow.self)
            return PageResult(items: rows.map(FrameCheck.init), total: try await db.count(FrameCheckRow.table, narrowed), page: page)
        }
    }
}
