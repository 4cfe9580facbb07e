import Foundation
import FrameTime

/// How an image sequence was taken in, kept as its original's `media_info`, so that every
/// transcode of it (a reprocess too) reads the same frames, and the reprocess key knows
/// whether the sequence has gaps to fill:
///
/// ```json
/// {"sequence": {"first_number": 1001, "last_number": 1012, "gaps": [[1005, 1005]],
///               "gap_fill": "slate", "allow_gaps": false}}
/// ```
///
/// `gaps` are file numbers with no file, as sorted `[first, last]` ranges. `gap_fill` is
/// there only when the ingest chose one; without it each transcode takes the project's
/// default.
public struct OriginalSequence: Sendable, Hashable, Codable {
    public var firstNumber: Int
    public var lastNumber: Int
    public var gaps: [ClosedRange<Int>]
    public var gapFill: GapFill?
    public var allowGaps: Bool

    public init(firstNumber: Int, lastNumber: Int, gaps: [ClosedRange<Int>], gapFill: GapFill?, allowGaps: Bool) {
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
        self.gaps = gaps
        self.gapFill = gapFill
        self.allowGaps = allowGaps
    }

    enum CodingKeys: String, CodingKey {
        case firstNumber = "first_number", lastNumber = "last_number", gaps, gapFill = "gap_fill", allowGaps = "allow_gaps"
    }

    private struct Stored: Codable {
        let sequence: OriginalSequence
    }

    /// The original's `media_info`.
    public var mediaInfo: String {
        String(decoding: try! JSONEncoder().encode(Stored(sequence: self)), as: UTF8.self)
    }

    /// The sequence an original's `media_info` describes, or `nil` for other originals.
    public init?(mediaInfo: String?) {
        guard let mediaInfo, let stored = try? JSONDecoder().decode(Stored.self, from: Data(mediaInfo.utf8)) else { return nil }
        self = stored.sequence
    }
}
