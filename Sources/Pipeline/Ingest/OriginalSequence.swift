import Foundation
import FrameTime
import Media

/// How an image sequence was taken in, kept as its original's `media_info`, so that every
/// transcode of it (a reprocess too) reads the same frames:
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

    public init(_ sequence: ImageSequence, gapFill: GapFill?, allowGaps: Bool) {
        firstNumber = sequence.firstNumber
        lastNumber = sequence.lastNumber
        gaps = sequence.gaps
        self.gapFill = gapFill
        self.allowGaps = allowGaps
    }

    enum CodingKeys: String, CodingKey {
        case firstNumber = "first_number", lastNumber = "last_number", gaps, gapFill = "gap_fill", allowGaps = "allow_gaps"
    }

    /// How a transcode reads the stored sequence, filling gaps the ingest's way or else `projectDefault`'s.
    public func options(projectDefault: GapFill) -> SequenceOptions {
        SequenceOptions(range: firstNumber...lastNumber, gapFill: gapFill ?? projectDefault, allowGaps: allowGaps)
    }

    private struct Stored: Codable {
        let sequence: OriginalSequence
    }

    /// The original's `media_info`.
    var mediaInfo: String {
        String(decoding: try! JSONEncoder().encode(Stored(sequence: self)), as: UTF8.self)
    }

    /// The sequence an original's `media_info` describes, or `nil` for other originals.
    public init?(mediaInfo: String?) {
        guard let mediaInfo, let stored = try? JSONDecoder().decode(Stored.self, from: Data(mediaInfo.utf8)) else { return nil }
        self = stored.sequence
    }
}
