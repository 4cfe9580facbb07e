import Foundation
import FrameTime

/// An image sequence a browser uploads as a folder of numbered frames, one version's
/// original. Its members arrive as ordinary resumable uploads (``Upload/sequenceUploadID``);
/// when the last is whole, the pipeline stores the sequence and queues its transcode.
///
/// What the names say is known before any byte is sent (the pattern, the first and last
/// numbers, the gaps), so a folder that is mostly gaps is refused before it is uploaded.
public struct SequenceUpload: Sendable, Hashable, Identifiable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Members are arriving.
        case receiving
        /// Every member arrived; the sequence is being stored.
        case storing
        /// Stored and registered; ``SequenceUpload/jobID`` makes its review outputs.
        case complete
        /// Storing failed; ``SequenceUpload/error`` says why.
        case failed
    }

    public let id: UUID
    public let versionID: UUID
    /// The name the sequence goes by, such as `sh010.####.exr`.
    public let pattern: String
    public let firstNumber: Int
    public let lastNumber: Int
    /// File numbers with no file, as ranges.
    public let gaps: [ClosedRange<Int>]
    /// What frames of missing files show; `nil`: the project's default.
    public let gapFill: GapFill?
    public let allowGaps: Bool
    public let state: State
    /// Members not whole yet.
    public let membersWaiting: Int
    /// The transcode, once the sequence is stored.
    public let jobID: UUID?
    public let error: String?
    public let createdAt: Timestamp
}

/// A member of a sequence upload as it is promised: its name, size and (optionally) SHA-256.
public struct SequenceMember: Sendable, Hashable {
    public let fileName: String
    public let size: Int64
    public let sha256: String?

    public init(fileName: String, size: Int64, sha256: String? = nil) {
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
    }
}
