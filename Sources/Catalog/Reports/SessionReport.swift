import Foundation

/// A PDF report of a session's feedback, made by a job on the queue for whoever asked:
/// staff, or a collaborator where the session allows exports. What it shows is what the
/// visibility rule lets the person it was made for see, whatever its options ask.
public struct SessionReport: Sendable, Hashable, Identifiable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for, or being made by, its job (whose progress it shows).
        case queued
        case ready
        case failed
    }

    public let id: UUID
    public let sessionID: UUID
    /// Who asked, and so whose view of the session the report shows.
    public let requestedBy: FeedbackAuthor
    public let options: ReportOptions
    public let jobID: UUID
    public var state: State
    /// The PDF, relative to the data folder, once ready.
    public var path: String?
    public var size: Int64?
    public var sha256: String?
    public var pages: Int?
    /// Where each comment's frame is on its pages, once ready.
    public var pictures: [ReportPicture]
    /// Why it failed, once failed.
    public var error: String?
    public let createdAt: Timestamp
    public var finishedAt: Timestamp?

    /// Who the report is made for, as the visibility rule asks.
    public var viewer: Viewer {
        requestedBy.kind == .staff ? .staff(requestedBy.id) : .collaborator(requestedBy.id)
    }
}

/// Where a report shows a comment's frame: the page, and the picture's box on it in PDF
/// points from the page's top-left, so a reader can go to a comment's picture (and a test
/// can read the frame's barcode there).
public struct ReportPicture: Sendable, Hashable, Codable {
    public let commentID: UUID
    /// The frame shown, an index from 0.
    public let frame: Int
    /// 1 for the first page.
    public let page: Int
    public let x: Double, y: Double, width: Double, height: Double
    /// `receipt` (the still its author saw) or `grab` (grabbed exactly when the report was made).
    public let source: String

    public init(commentID: UUID, frame: Int, page: Int, x: Double, y: Double, width: Double, height: Double, source: String) {
        (self.commentID, self.frame, self.page, self.source) = (commentID, frame, page, source)
        (self.x, self.y, self.width, self.height) = (x, y, width, height)
    }

    enum CodingKeys: String, CodingKey { case commentID = "comment_id", frame, page, x, y, width, height, source }
}

/// What a report or an export covers, within what its reader may see.
public struct ReportOptions: Sendable, Hashable, Codable {
    /// Staff's internal comments too (staff only: a collaborator asking is refused).
    public var includeInternal: Bool
    /// Only these items, in the session's order; all when `nil`.
    public var itemIDs: [UUID]?
    /// Only the feedback of this collaborator: their statuses, and the threads they started.
    public var collaboratorID: UUID?

    public init(includeInternal: Bool = false, itemIDs: [UUID]? = nil, collaboratorID: UUID? = nil) {
        self.includeInternal = includeInternal
        self.itemIDs = itemIDs
        self.collaboratorID = collaboratorID
    }

    enum CodingKeys: String, CodingKey { case includeInternal = "internal", itemIDs = "items", collaboratorID = "collaborator" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        includeInternal = try container.decodeIfPresent(Bool.self, forKey: .includeInternal) ?? false
        itemIDs = try container.decodeIfPresent([UUID].self, forKey: .itemIDs)
        collaboratorID = try container.decodeIfPresent(UUID.self, forKey: .collaboratorID)
    }

    /// Checks the options against who asks: internal comments are staff's alone.
    public func checked(for viewer: Viewer) throws(CatalogError) -> ReportOptions {
        if includeInternal, !viewer.isStaff {
            throw CatalogError(.forbidden, "internal comments are for staff only: ask without \"internal\"")
        }
        if let itemIDs, itemIDs.isEmpty { throw CatalogError.invalid("items", "must name at least one item, or be left out") }
        return self
    }
}

/// A report job's parameters.
public struct ReportJob: Sendable, Hashable, Codable {
    public let reportID: UUID

    public init(reportID: UUID) {
        self.reportID = reportID
    }

    enum CodingKeys: String, CodingKey { case reportID = "report_id" }
}
