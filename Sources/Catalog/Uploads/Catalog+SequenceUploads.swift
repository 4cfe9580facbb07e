import Foundation
import FrameTime
import SQLKit

/// Image sequences uploaded as folders: one row for the sequence, one resumable upload per
/// member. The catalog keeps what was promised and who is still missing; the bytes are the
/// pipeline's.
extension Catalog {
    /// The most members a sequence upload takes: a long shot at 24 fps is some thousands.
    public static let maximumSequenceMembers = 100_000

    /// Records a sequence upload for `versionID` and an upload for each member, in one step.
    ///
    /// The caller has read the names (the pattern, first and last numbers, gaps); this checks
    /// each member as an upload is checked, and that no name comes twice.
    public func createSequenceUpload(versionID: UUID, pattern: String, numbers: ClosedRange<Int>, gaps: [ClosedRange<Int>],
                                     gapFill: GapFill?, allowGaps: Bool, members: [SequenceMember], createdBy: UUID?)
        async throws -> (SequenceUpload, [Upload])
    {
        guard !members.isEmpty, members.count <= Self.maximumSequenceMembers else {
            throw CatalogError.invalid("files", "must list 1 to \(Self.maximumSequenceMembers) files")
        }
        var seen = Set<String>()
        for (index, member) in members.enumerated() {
            let field = "files[\(index)]"
            _ = try Validate.fileName(member.fileName, field: "\(field).file_name")
            guard member.size > 0 else { throw CatalogError.invalid("\(field).size", "must be at least 1 byte") }
            if let sha256 = member.sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
                throw CatalogError.invalid("\(field).sha256", "must be 64 hexadecimal digits")
            }
            guard seen.insert(member.fileName).inserted else {
                throw CatalogError.invalid("\(field).file_name", "\(member.fileName) is listed twice")
            }
        }
        let gapsJSON = String(decoding: try JSONEncoder().encode(gaps.map { [$0.lowerBound, $0.upperBound] }), as: UTF8.self)
        return try await database.write { db in
            _ = try await self.version(id: versionID, db)
            let now = StoredTime(self.now)
            let row = SequenceUploadRow(id: UUID(), versionId: versionID, pattern: pattern, firstNumber: numbers.lowerBound,
                                        lastNumber: numbers.upperBound, gaps: gapsJSON, gapFill: gapFill, allowGaps: allowGaps,
                                        state: .receiving, jobId: nil, error: nil, createdAt: now, createdBy: createdBy)
            try await db.insert(row)
            var uploads: [Upload] = []
            for member in members {
                let upload = UploadRow(id: UUID(), versionId: versionID, fileName: member.fileName, size: member.size,
                                       sha256: member.sha256?.lowercased(), createdAt: now, createdBy: createdBy,
                                       sequenceUploadId: row.id)
                try await db.insert(upload)
                uploads.append(Upload(upload))
            }
            return (SequenceUpload(row, waiting: members.count), uploads)
        }
    }

    /// A sequence upload, and its members still arriving (in name order).
    public func sequenceUpload(id: UUID) async throws -> (SequenceUpload, [Upload]) {
        try await database.read { db in
            guard let row = try await db.row(SequenceUploadRow.self, id: id) else { throw CatalogError.notFound("sequence upload", id) }
            let waiting = try await db.select(UploadRow.self).where("sequence_upload_id", .equal, id.bind).orderBy("file_name")
                .all(UploadRow.self)
            return (SequenceUpload(row, waiting: waiting.count), waiting.map(Upload.init))
        }
    }

    /// A member of `sequenceID` arrived whole (its bytes are where the sequence gathers them):
    /// its upload is done. Answers `true` to exactly one caller, the one whose member was the
    /// last: the sequence is then `storing`, and that caller stores it.
    public func sequenceMemberArrived(uploadID: UUID, sequenceID: UUID) async throws -> Bool {
        try await database.write { db in
            try await db.delete(from: UploadRow.table).where("id", .equal, uploadID.bind).run()
            let waiting = try await db.count(UploadRow.table, where: "sequence_upload_id", equals: sequenceID.bind)
            guard waiting == 0, var row = try await db.row(SequenceUploadRow.self, id: sequenceID), row.state == .receiving else {
                return false
            }
            row.state = .storing
            try await db.update(row)
            return true
        }
    }

    /// Records how storing a sequence ended: its transcode, or why it failed.
    public func finishSequenceUpload(id: UUID, jobID: UUID?, error: String?) async throws {
        try await database.write { db in
            guard var row = try await db.row(SequenceUploadRow.self, id: id) else { throw CatalogError.notFound("sequence upload", id) }
            row.state = jobID != nil ? .complete : .failed
            row.jobId = jobID
            row.error = error
            try await db.update(row)
        }
    }

    /// Abandons a sequence upload and its members' uploads (their bytes are the caller's to remove).
    public func deleteSequenceUpload(id: UUID) async throws {
        try await database.write { db in
            try await db.delete(from: UploadRow.table).where("sequence_upload_id", .equal, id.bind).run()
            try await db.delete(from: SequenceUploadRow.table).where("id", .equal, id.bind).run()
        }
    }
}
