import Foundation
import FrameTime

/// A row of `uploads`.
struct UploadRow: TableRow {
    static let table = "uploads"
    var id: UUID, versionId: UUID, fileName: String, size: Int64, sha256: String?, createdAt: StoredTime, createdBy: UUID?
    var sequenceUploadId: UUID? = nil
}

/// A row of `sequence_uploads`.
struct SequenceUploadRow: TableRow {
    static let table = "sequence_uploads"
    var id: UUID, versionId: UUID, pattern: String, firstNumber: Int, lastNumber: Int, gaps: String, gapFill: GapFill?
    var allowGaps: Bool, state: SequenceUpload.State, jobId: UUID?, error: String?, createdAt: StoredTime, createdBy: UUID?
}

extension SequenceUpload {
    init(_ row: SequenceUploadRow, waiting: Int) {
        let gaps = (try? JSONDecoder().decode([[Int]].self, from: Data(row.gaps.utf8))) ?? []
        self.init(id: row.id, versionID: row.versionId, pattern: row.pattern, firstNumber: row.firstNumber,
                  lastNumber: row.lastNumber, gaps: gaps.compactMap { $0.count == 2 && $0[0] <= $0[1] ? $0[0]...$0[1] : nil },
                  gapFill: row.gapFill, allowGaps: row.allowGaps, state: row.state, membersWaiting: waiting, jobID: row.jobId,
                  error: row.error, createdAt: row.createdAt.date)
    }
}

extension Upload {
    init(_ row: UploadRow) {
        self.init(id: row.id, versionID: row.versionId, fileName: row.fileName, size: row.size, sha256: row.sha256,
                  sequenceUploadID: row.sequenceUploadId, createdAt: row.createdAt.date)
    }
}
