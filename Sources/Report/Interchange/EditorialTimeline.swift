import Catalog
import Foundation
import FrameTime

/// A session as editorial sees it: its items in review order as clips on one video track,
/// each comment a marker on its frame or range. The OTIO, EDL and CSV writers read this, so
/// all three say the same of every comment.
///
/// Frames are indexes from 0 into the item's media, as everywhere in Dailies; a writer turns
/// them into its format's times through the clip's rate and start timecode.
public struct EditorialTimeline: Sendable, Hashable {
    /// One item of the session.
    public struct Clip: Sendable, Hashable {
        public var itemID: UUID
        /// The client-facing name (the version's name when the item has none).
        public var name: String
        /// The version's name, as staff know it.
        public var versionName: String
        public var rate: FrameRate
        /// 0 for an item with no review media yet: only the CSV lists it (its comments are
        /// all on the whole item); the OTIO and the EDL have no frames to place it on.
        public var frameCount: Int
        /// The number people call frame 0 by (1001 for a sequence from 1001).
        public var firstFrameNumber: Int
        /// The timecode of frame 0 from the frame map; `nil` when the source has none (the
        /// formats then count from 0, or `00:00:00:00`).
        public var startTimecode: Timecode?
        /// Where the media the clip points at is: the original's or the proxy's download URL.
        public var mediaURL: String?
        /// The file's own name, for the formats that carry one.
        public var mediaFileName: String?
        /// How the item stands with its deciders: markers take their colour from it.
        public var status: ReviewStatus
        /// Its comments, in the session's order.
        public var markers: [Marker]

        public init(itemID: UUID, name: String, versionName: String, rate: FrameRate, frameCount: Int, firstFrameNumber: Int,
                    startTimecode: Timecode?, mediaURL: String?, mediaFileName: String?, status: ReviewStatus, markers: [Marker]) {
            self.itemID = itemID
            self.name = name
            self.versionName = versionName
            self.rate = rate
            self.frameCount = frameCount
            self.firstFrameNumber = firstFrameNumber
            self.startTimecode = startTimecode
            self.mediaURL = mediaURL
            self.mediaFileName = mediaFileName
            self.status = status
            self.markers = markers
        }
    }

    /// One comment.
    public struct Marker: Sendable, Hashable {
        public var commentID: UUID
        /// Its author's name.
        public var author: String
        public var text: String
        /// The frames it is on, both ends included; a whole-item comment spans the clip.
        public var first: Int
        public var last: Int
        /// On the whole item rather than on frames (its frames span the clip, if it has any).
        public var isWholeItem: Bool
        public var createdAt: Timestamp
        public var isInternal: Bool
        public var isResolved: Bool
        /// The author's status on the item, for a collaborator's comment.
        public var authorStatus: ReviewStatus?
        /// The drawing, in the feedback format (`docs/feedback-format.md`, "Drawings").
        public var drawing: Drawing?
        /// The replies, oldest first, as "name: text".
        public var replies: [String]

        public init(commentID: UUID, author: String, text: String, first: Int, last: Int, createdAt: Timestamp,
                    isInternal: Bool, isResolved: Bool, authorStatus: ReviewStatus?, drawing: Drawing?, replies: [String],
                    isWholeItem: Bool = false) {
            self.commentID = commentID
            self.isWholeItem = isWholeItem
            self.author = author
            self.text = text
            self.first = first
            self.last = last
            self.createdAt = createdAt
            self.isInternal = isInternal
            self.isResolved = isResolved
            self.authorStatus = authorStatus
            self.drawing = drawing
            self.replies = replies
        }
    }

    /// The session's title.
    public var title: String
    public var clips: [Clip]
    /// Dates in the writers' text are in this zone, and name it.
    public var timeZone: TimeZone

    public init(title: String, clips: [Clip], timeZone: TimeZone) {
        self.title = title
        self.clips = clips
        self.timeZone = timeZone
    }
}
