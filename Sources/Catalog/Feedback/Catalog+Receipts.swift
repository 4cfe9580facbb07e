import Foundation
import SQLKit

/// What a receipt job grabs: one frame of the proxy a comment's reviewer watched.
public struct ReceiptTarget: Sendable, Hashable {
    public let sessionID: UUID
    public let commentID: UUID
    public let frame: Int
    /// The proxy, relative to the data folder.
    public let proxyPath: String
}

/// Frame receipts: the still of the frame a comment was made on, grabbed by a durable job
/// (``ReceiptJob``) and registered here; a comment whose anchor moved meanwhile gets its
/// new frame's receipt from the job its edit queued, and the old grab is discarded.
extension Catalog {
    /// What the receipt job for `commentID` should grab, or `nil` when there is nothing to
    /// grab any more (the comment was deleted, or no longer sits on a frame).
    public func receiptTarget(commentID: UUID) async throws -> ReceiptTarget? {
        try await database.read { db in
            guard let row = try await db.row(CommentRow.self, id: commentID), row.deletedAt == nil,
                let receipt = row.receipt, receipt.state == .pending
            else { return nil }
            let item = try await self.itemRow(id: row.itemId, sessionID: row.sessionId, includingRemoved: true, db)
            // The newest proxy: the one the reviewer's player was given.
            guard let proxy = try await db.select(ComponentRow.self).where("version_id", .equal, item.versionId.bind)
                .where("kind", .equal, SQLBind(Component.Kind.proxy.rawValue)).orderBy("created_at", .descending)
                .first(ComponentRow.self)
            else { throw CatalogError(.conflict, "the item's version has no proxy to grab the frame from") }
            return ReceiptTarget(sessionID: row.sessionId, commentID: commentID, frame: receipt.frame, proxyPath: proxy.path)
        }
    }

    /// Registers the grab of `target`'s frame, and tells the room. Returns `false` (and
    /// registers nothing) when the comment no longer waits for that frame's receipt.
    public func registerReceipt(_ target: ReceiptTarget, sha256: String, path: String) async throws -> Bool {
        try await database.write { db in
            guard var row = try await db.row(CommentRow.self, id: target.commentID), row.deletedAt == nil,
                let receipt = row.receipt, receipt.state == .pending, receipt.frame == target.frame
            else { return false }
            row.setReceipt(FrameReceipt(state: .ready, frame: target.frame, sha256: sha256, path: path, error: nil))
            try await db.update(row)
            let comment = try await self.comment(row, db)
            try await self.recordEvent(.receiptReady, sessionID: row.sessionId,
                                       data: ReceiptEventData(comment: comment), visibility: comment.visibility, db)
            return true
        }
    }

    /// Records that `target`'s receipt could not be made, for good.
    public func failReceipt(_ target: ReceiptTarget, reason: String) async throws {
        try await database.write { db in
            try await db.update(CommentRow.table).set("receipt_state", to: SQLBind(FrameReceipt.State.failed.rawValue))
                .set("receipt_error", to: SQLBind(reason)).where("id", .equal, target.commentID.bind)
                .where("receipt_state", .equal, SQLBind(FrameReceipt.State.pending.rawValue))
                .where("receipt_frame", .equal, SQLBind(target.frame)).run()
        }
    }

    /// A comment's ready receipt (its still's path is relative to the data folder), if
    /// `viewer` may see the comment.
    public func readyReceipt(commentID: UUID, sessionID: UUID, for viewer: Viewer) async throws -> FrameReceipt {
        try await database.read { db in
            let session = try await self.sessionRecord(id: sessionID, db).session
            let row = try await self.visibleCommentRow(id: commentID, in: session, for: viewer, db)
            guard row.deletedAt == nil, let receipt = row.receipt, receipt.state == .ready, receipt.path != nil else {
                throw CatalogError(.notFound, "comment \(commentID) has no frame receipt ready")
            }
            return receipt
        }
    }
}

/// The data of `receipt.ready`: the comment's id and its receipt, as the comment carries it.
struct ReceiptEventData: Encodable {
    let commentId: UUID
    let receipt: ReceiptAnswer?

    init(comment: ReviewComment) {
        commentId = comment.id
        receipt = comment.receiptAnswer
    }

    enum CodingKeys: String, CodingKey { case commentId = "comment_id", receipt }
}
