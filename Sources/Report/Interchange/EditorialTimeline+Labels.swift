import Catalog
import FrameTime

extension EditorialTimeline.Clip {
    /// The number people call frame `index` by (1042 in a sequence from 1001).
    public func frameNumber(at index: Int) -> Int { firstFrameNumber + index }

    /// The timecode people know frame 0 by: the source's, or `00:00:00:00` when it has none,
    /// drop-frame where the rate has it. That is how the API labels frames (Catalog's
    /// `FrameLabels`), so the CSV and the EDL say what the review site showed.
    public var timecodeOrigin: Timecode {
        if let startTimecode { return startTimecode }
        // Cannot throw: drop-frame is asked only of the rates that have it.
        return try! Timecode(frameNumber: 0, rate: rate, dropFrame: rate.supportsDropFrame)
    }

    /// Frame `index`'s timecode, counted from ``timecodeOrigin``.
    public func timecode(at index: Int) -> Timecode { timecodeOrigin.adding(index) }
}

extension ReviewStatus {
    /// The word for people, in the CSV's cells.
    var words: String {
        switch self {
        case .pending: "pending"
        case .approved: "approved"
        case .requiresChanges: "requires changes"
        }
    }
}
