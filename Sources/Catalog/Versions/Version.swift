import Foundation
import FrameTime

/// One reviewable piece of media, such as `sh010_comp_v003`.
public struct Version: Sendable, Hashable, Codable, Identifiable {
    /// Where the version's media stands in the pipeline.
    public enum MediaState: String, Sendable, Hashable, Codable, CaseIterable {
        /// No media uploaded yet.
        case none
        /// Uploaded; review outputs are being made.
        case processing
        /// Review outputs are registered.
        case ready
        /// Making review outputs failed; ``Version/mediaError`` says why.
        case failed
    }

    public let id: UUID
    public let projectID: UUID
    public var name: String
    /// The version number, such as 3 for `v003`.
    public var versionNumber: Int?
    public var shot: String?
    /// The asset it is a version of (see ``Asset``).
    public var assetID: UUID?
    /// The asset's name, such as `sh010_comp`.
    public var asset: String?
    /// The task it was made for.
    public var taskID: UUID?
    /// A name on the project's version status list, such as `pending review`.
    public var status: String
    /// Staff assigned to the version itself (its task has its own), in order.
    public var assigneeIDs: [UUID]
    /// The name collaborators see, when it should differ from ``name``.
    public var clientName: String?
    /// Why the version is up for review, copied into sessions it is added to.
    public var defaultReason: String?
    public var mediaState: MediaState
    /// Why making review outputs failed, in words.
    public var mediaError: String?
    /// How its pictures are made display-referred, whatever its media says of itself; `nil`
    /// lets the media decide (a linear EXR gets `srgb`, a log DPX `cineon`, PQ and HLG theirs).
    public var displayTransform: DisplayTransform?
    public let createdAt: Timestamp
    public let createdBy: UUID?
    public var updatedAt: Timestamp

    /// `v003` for version number 3.
    public var versionLabel: String? {
        versionNumber.map { "v" + String(repeating: "0", count: max(0, 3 - String($0).count)) + String($0) }
    }

    enum CodingKeys: String, CodingKey {
        case id, projectID = "project_id", name, versionNumber = "version_number", shot, assetID = "asset_id", asset, taskID = "task_id", status
        case assigneeIDs = "assignee_ids"
        case clientName = "client_name", defaultReason = "default_reason", mediaState = "media_state"
        case mediaError = "media_error", displayTransform = "display_transform", createdAt = "created_at"
        case createdBy = "created_by", updatedAt = "updated_at"
    }
}
