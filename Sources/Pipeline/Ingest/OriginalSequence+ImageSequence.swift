import Catalog
import FrameTime
import Media

extension OriginalSequence {
    /// How `sequence` was taken in: its ends and gaps, and the ingest's choices.
    init(_ sequence: ImageSequence, gapFill: GapFill?, allowGaps: Bool) {
        self.init(firstNumber: sequence.firstNumber, lastNumber: sequence.lastNumber, gaps: sequence.gaps,
                  gapFill: gapFill, allowGaps: allowGaps)
    }

    /// How a transcode reads the stored sequence, filling gaps the ingest's way or else `projectDefault`'s.
    func options(projectDefault: GapFill) -> SequenceOptions {
        SequenceOptions(range: firstNumber...lastNumber, gapFill: gapFill ?? projectDefault, allowGaps: allowGaps)
    }
}
