import Catalog
import Foundation
import FrameTime
import HTTPTypes
import Hummingbird
import Media
import Pipeline

/// A sequence upload's state: what its names say, how far it is, and its members still
/// arriving (each an ordinary resumable upload, with the server's offset).
struct SequenceUploadState: Encodable {
    let id: UUID
    let versionID: UUID
    let pattern: String
    let firstNumber: Int
    let lastNumber: Int
    let gaps: [[Int]]
    let gapFill: GapFill?
    let allowGaps: Bool
    let state: SequenceUpload.State
    let complete: Bool
    let uploads: [UploadState]
    let jobID: UUID?
    let error: String?

    init(_ sequence: SequenceUpload, uploads: [UploadState]) {
        id = sequence.id
        versionID = sequence.versionID
        pattern = sequence.pattern
        firstNumber = sequence.firstNumber
        lastNumber = sequence.lastNumber
        gaps = sequence.gaps.map { [$0.lowerBound, $0.upperBound] }
        gapFill = sequence.gapFill
        allowGaps = sequence.allowGaps
        state = sequence.state
        complete = sequence.state == .complete
        self.uploads = uploads
        jobID = sequence.jobID
        error = sequence.error
    }

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", pattern, firstNumber = "first_number", lastNumber = "last_number", gaps
        case gapFill = "gap_fill", allowGaps = "allow_gaps", state, complete, uploads, jobID = "job_id", error
    }

    /// Every key, `null` included: a page tells "not yet" from "not sent".
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(versionID, forKey: .versionID)
        try container.encode(pattern, forKey: .pattern)
        try container.encode(firstNumber, forKey: .firstNumber)
        try container.encode(lastNumber, forKey: .lastNumber)
        try container.encode(gaps, forKey: .gaps)
        try container.encode(gapFill, forKey: .gapFill)
        try container.encode(allowGaps, forKey: .allowGaps)
        try container.encode(state, forKey: .state)
        try container.encode(complete, forKey: .complete)
        try container.encode(uploads, forKey: .uploads)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(error, forKey: .error)
    }
}

/// Image sequences uploaded as a folder (a browser's drop): the names are read first (the
/// pattern, the numbers, the gaps; a folder that is mostly gaps is refused before a byte is
/// sent), then each frame comes as an ordinary resumable upload into a folder of the
/// sequence's own, and the frame that completes it has the sequence stored as one original,
/// as `dailies ingest` stores a folder, and its transcode queued.
func addSequenceUploadRoutes(_ api: APIRoutes) {
    api.staff.add(.post, "/api/v1/versions/{version_id}/sequence-uploads",
                  "Start uploading an image sequence (a folder of numbered frames) as a version's original: every frame's "
                      + "name and size; each then goes up as a resumable upload (PATCH /api/v1/uploads/{upload_id})",
                  tag: "media", body: .json(.object([
                      Schema.array(Schema.object([
                          Schema.string(TextRule.fileName).required("file_name"),
                          Schema.integer(1...Int(api.services.configuration.maximumUpload)).described("In bytes").required("size"),
                          Schema.sha256.described("Checked when the frame's last byte arrives").optional("sha256"),
                      ]), count: 1...Catalog.maximumSequenceMembers).described("The frames, all of one folder").required("files"),
                      ResponseSchemas.gapFill.described("What frames of missing files show; the project's default when left out")
                          .optional("gap_fill"),
                      Schema.boolean.described("Take a sequence with more missing frames than files").optional("allow_gaps"),
                  ]), example: #"{"files": [{"file_name": "sh010_comp_v003.1001.exr", "size": 24883200}, {"file_name": "sh010_comp_v003.1002.exr", "size": 24883200}], "gap_fill": "hold"}"#),
                  status: .created, response: "SequenceUpload",
                  refusals: [.rule("The names are numbered frames of one sequence (name.1001.ext), and it is not mostly gaps "
                                   + "unless allow_gaps"), diskFull]) { input in
        struct Body: Decodable {
            struct File: Decodable {
                let fileName: String
                let size: Int64
                let sha256: String?
                enum CodingKeys: String, CodingKey { case fileName = "file_name", size, sha256 }
            }
            let files: [File]
            let gapFill: GapFill?
            let allowGaps: Bool?
            enum CodingKeys: String, CodingKey { case files, gapFill = "gap_fill", allowGaps = "allow_gaps" }
        }
        let body = try await input.body(Body.self)
        let versionID = try input.id("version_id")
        let allowGaps = body.allowGaps ?? false
        let sequence = try readSequence(names: body.files.map(\.fileName), allowGaps: allowGaps)
        let (created, uploads) = try await input.catalog.createSequenceUpload(
            versionID: versionID, pattern: sequence.pattern, numbers: sequence.firstNumber...sequence.lastNumber,
            gaps: sequence.gaps, gapFill: body.gapFill, allowGaps: allowGaps,
            members: body.files.map { SequenceMember(fileName: $0.fileName, size: $0.size, sha256: $0.sha256) },
            createdBy: input.caller.id)
        do {
            try FileManager.default.createDirectory(atPath: gatheringFolder(created.id, input), withIntermediateDirectories: true)
            for upload in uploads where !FileManager.default.createFile(atPath: partialPath(upload.id, input), contents: nil) {
                throw POSIXFailure(operation: "create the upload's file", code: errno)
            }
        } catch {
            // A full disk or a missing folder: the sequence could never complete.
            try? await abandon(created.id, uploads: uploads, input)
            throw storageError(error)
        }
        return try JSONCoding.response(SequenceUploadState(created, uploads: uploads.map { uploadState($0, offset: 0) }),
                                       status: .created, headers: [.location: "/api/v1/sequence-uploads/\(created.id)"])
    }

    api.staff.add(.get, "/api/v1/sequence-uploads/{sequence_upload_id}",
                  "An image sequence upload's state: its frames still arriving (with the server's offsets), and its "
                      + "transcode once stored", tag: "media", response: "SequenceUpload") { input in
        let (sequence, waiting) = try await input.catalog.sequenceUpload(id: try input.id("sequence_upload_id"))
        return try JSONCoding.response(SequenceUploadState(
            sequence, uploads: waiting.map { uploadState($0, offset: currentOffset($0.id, input)) }))
    }

    api.staff.add(.delete, "/api/v1/sequence-uploads/{sequence_upload_id}",
                  "Abandon an image sequence upload: its frames' uploads and bytes (a stored sequence stays the version's)",
                  tag: "media", status: .noContent, response: .empty) { input in
        let (sequence, waiting) = try await input.catalog.sequenceUpload(id: try input.id("sequence_upload_id"))
        try await abandon(sequence.id, uploads: waiting, input)
        return Response(status: .noContent)
    }
}

/// What a folder's names say: one sequence that every name belongs to, or a clear refusal.
private func readSequence(names: [String], allowGaps: Bool) throws -> ImageSequence {
    // The sequence of the first name that has one (a stray file sorted first, such as notes.txt,
    // is then named as the stray it is); a few tries, not one per name.
    var found: ImageSequence?
    for name in names.sorted().prefix(16) where found == nil {
        // Through Result: a `catch` of the typed MediaError crashes this compiler (Swift 6.3.1's SILGen).
        switch Result(catching: { () throws(MediaError) -> ImageSequence? in
            try ImageSequence.fromMember(named: name, among: names, directory: "", options: SequenceOptions(allowGaps: allowGaps))
        }) {
        case .success(let sequence): found = sequence
        case .failure(let error): throw CatalogError(.invalidField, "files: " + error.reason, field: "files")
        }
    }
    guard let sequence = found else {
        throw CatalogError(.invalidField, "files: these are not the numbered frames of one sequence (such as name.1001.ext, "
                                          + "name.1002.ext): upload a single file as a movie or still", field: "files")
    }
    let members = Set(sequence.fileNumbers.map(sequence.fileName(number:)))
    if let stray = names.first(where: { !members.contains($0) }) {
        throw CatalogError(.invalidField, "files: \(stray) is not a frame of \(sequence.pattern): upload one sequence at a time",
                           field: "files")
    }
    return sequence
}

/// Where a sequence's frames gather as they arrive whole.
private func gatheringFolder(_ id: UUID, _ input: RouteInput<StaffUser>) -> String {
    input.services.store.absolutePath("tmp/sequence-\(id.uuidString.lowercased())")
}

/// A frame of a sequence arrived whole: checked against its SHA-256 when one was given,
/// moved into the sequence's folder, and when it was the last, the sequence stored.
func sequenceMemberArrived(_ input: RouteInput<StaffUser>, upload: Upload, sequenceID: UUID, expected: String?) async throws
    -> UploadState
{
    let path = partialPath(upload.id, input)
    let folder = gatheringFolder(sequenceID, input)
    let (sha256, size) = try await input.services.fileWork.run { try Durability.sha256(ofFile: path) }
    if let expected, expected != sha256 {
        // Only this frame is refused: it is sent again from the start.
        truncateUpload(path)
        throw APIError(status: .unprocessableContent, code: "checksum_mismatch",
                       message: "\(upload.fileName)'s SHA-256 is \(sha256), not \(expected); send it again")
    }
    try await input.services.fileWork.run {
        try Durability.rename(path, to: (folder as NSString).appendingPathComponent(upload.fileName))
    }
    var arrived = UploadState(id: upload.id, versionID: upload.versionID, fileName: upload.fileName, size: upload.size,
                              offset: size, complete: true)
    guard try await input.catalog.sequenceMemberArrived(uploadID: upload.id, sequenceID: sequenceID) else { return arrived }
    // The last frame: store the sequence as one original, as `dailies ingest` stores a folder.
    let (sequence, _) = try await input.catalog.sequenceUpload(id: sequenceID)
    let ingest = input.services.ingest
    do {
        let gathered = try readSequence(names: try FileManager.default.contentsOfDirectory(atPath: folder), allowGaps: true)
        let firstFile = (folder as NSString).appendingPathComponent(gathered.fileName(number: gathered.fileNumbers[0]))
        let choices = Ingest.SequenceChoices(range: sequence.firstNumber...sequence.lastNumber, gapFill: sequence.gapFill,
                                             allowGaps: sequence.allowGaps)
        let stored = try await input.services.fileWork.run { try ingest.store(firstFile, sequence: choices) }
        let (original, job) = try await ingest.register(versionID: sequence.versionID, stored)
        try await input.catalog.finishSequenceUpload(id: sequenceID, jobID: job.id, error: nil)
        arrived.original = ComponentView(original)
        arrived.job = job
    } catch {
        try? await input.catalog.finishSequenceUpload(id: sequenceID, jobID: nil, error: String(describing: error))
        try? FileManager.default.removeItem(atPath: folder)
        throw storageError(error)
    }
    try? FileManager.default.removeItem(atPath: folder)
    return arrived
}

private func truncateUpload(_ path: String) {
    if let handle = FileHandle(forWritingAtPath: path) {
        try? handle.truncate(atOffset: 0)
        try? handle.close()
    }
}

/// Forgets a sequence upload and removes its frames' bytes.
private func abandon(_ id: UUID, uploads: [Upload], _ input: RouteInput<StaffUser>) async throws {
    for upload in uploads { try? FileManager.default.removeItem(atPath: partialPath(upload.id, input)) }
    try? FileManager.default.removeItem(atPath: gatheringFolder(id, input))
    try await input.catalog.deleteSequenceUpload(id: id)
}
