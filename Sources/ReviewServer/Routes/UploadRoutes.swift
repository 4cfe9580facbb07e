import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import Pipeline
import NIOCore
import Synchronization

/// What an upload that completed answers.
struct UploadCompleted: Encodable {
    let original: ComponentView
    let job: Job
}

/// A resumable upload's state.
struct UploadState: Encodable {
    let id: UUID
    let versionID: UUID
    let fileName: String
    let size: Int64
    let offset: Int64
    let complete: Bool
    var original: ComponentView?
    var job: Job?

    enum CodingKeys: String, CodingKey {
        case id, versionID = "version_id", fileName = "file_name", size, offset, complete, original, job
    }
}

/// Originals come in over HTTP: in one streamed request, or resumably in chunks.
///
/// Either way the bytes go straight to a file in the store's temporary folder, hashed as
/// they arrive (the server never holds a file in memory); only when the file is whole, its
/// size within the limit and its SHA-256 the one the client gave (when it gave one), is it
/// stored, registered against the version and its transcode queued.
///
/// Resumable uploads follow tus's core idea with plain headers: create the upload with its
/// size, send chunks with `PATCH` and `Upload-Offset: <bytes the server has>`, ask `HEAD`
/// for the offset after an interruption, and carry on from there.
func addUploadRoutes(_ api: APIRoutes) {
    let maximumUpload = Int(api.services.configuration.maximumUpload)
    api.staff.add(.put, "/api/v1/versions/{version_id}/media",
                  "Upload a version's original in one request (the raw bytes as the body; ?filename=; optional X-Content-SHA256)",
                  tag: "media", body: .bytes,
                  parameters: [
                      Parameter(name: "filename", location: .query, schema: .string(TextRule.fileName), required: true,
                                description: "The original's file name"),
                      .header("X-Content-SHA256", .sha256, required: false,
                              "The file's SHA-256: the upload registers nothing unless the bytes match it"),
                  ],
                  status: .accepted, response: "UploadCompleted", refusals: storingRefusals) { input in
        let versionID = try input.id("version_id")
        _ = try await input.catalog.version(id: versionID)
        let fileName = try Catalog.validUploadFileName(input.query("filename") ?? "", field: "filename")
        let expected = try expectedSHA256(input.request)
        let limit = input.services.configuration.maximumUpload
        let path = try input.services.store.temporaryPath()
        let writer = try HashingFileWriter(path: path)
        do {
            try await receiveBody(input.request, into: writer, limit: limit) {
                APIError(status: .contentTooLarge, code: "too_large", message: "uploads are limited to \(limit) bytes")
            }
            let sha256 = try await input.services.fileWork.run { try writer.finish() }
            let completed = try await finishUpload(input, versionID: versionID, path: path, fileName: fileName,
                                                   size: writer.size, sha256: sha256, expected: expected)
            return try JSONCoding.response(completed, status: .accepted)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw storageError(error)
        }
    }

    api.staff.add(.post, "/api/v1/versions/{version_id}/uploads",
                  "Start a resumable upload of a version's original: its name, size and (optionally) SHA-256",
                  tag: "media", body: .json(.object([
                      Schema.string(TextRule.fileName).required("file_name"),
                      Schema.integer(1...maximumUpload).described("In bytes").required("size"),
                      Schema.sha256.described("Checked when the last byte arrives").optional("sha256"),
                  ]), example: #"{"file_name": "sh010_comp_v003.mov", "size": 2147483648, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}"#),
                  status: .created, response: "UploadState",
                  refusals: [diskFull]) { input in
        struct Body: Decodable {
            let fileName: String
            let size: Int64
            let sha256: String?
            enum CodingKeys: String, CodingKey { case fileName = "file_name", size, sha256 }
        }
        let body = try await input.body(Body.self)
        guard body.size <= input.services.configuration.maximumUpload else {
            throw APIError(status: .contentTooLarge, code: "too_large",
                           message: "uploads are limited to \(input.services.configuration.maximumUpload) bytes")
        }
        let upload = try await input.catalog.createUpload(versionID: try input.id("version_id"), fileName: body.fileName,
                                                          size: body.size, sha256: body.sha256,
                                                          createdBy: input.caller.id)
        guard FileManager.default.createFile(atPath: partialPath(upload.id, input), contents: nil) else {
            // A full disk or a missing folder: the upload could never complete.
            let code = errno
            try? await input.catalog.deleteUpload(id: upload.id)
            throw storageError(POSIXFailure(operation: "create the upload's file", code: code))
        }
        return try JSONCoding.response(uploadState(upload, offset: 0), status: .created,
                                       headers: [.location: "/api/v1/uploads/\(upload.id)", uploadOffset: "0"])
    }

    api.staff.add(.get, "/api/v1/uploads/{upload_id}", "A resumable upload's state: how many bytes the server has",
                  tag: "media", response: "UploadState") { input in
        let upload = try await input.catalog.upload(id: try input.id("upload_id"))
        let offset = currentOffset(upload.id, input)
        return try JSONCoding.response(uploadState(upload, offset: offset), headers: [uploadOffset: String(offset)])
    }

    api.staff.add(.patch, "/api/v1/uploads/{upload_id}",
                  "Send the next chunk (raw bytes) with Upload-Offset: the server's current offset; the last chunk completes the upload",
                  tag: "media", body: .bytes,
                  parameters: [.header("Upload-Offset", .integer(0...Int.max), required: true,
                                       "How many bytes the server has: the chunk's place in the file"),
                               .header("X-Content-SHA256", .sha256, required: false,
                                       "The file's SHA-256, for an upload started without one (a browser hashes as it sends): "
                                           + "the chunk that completes the upload registers nothing unless the bytes match it")],
                  response: "UploadState",
                  refusals: storingRefusals + [
                      .conflict("Upload-Offset is not the server's offset, another chunk is arriving (the answer's "
                                + "Upload-Offset says where to resume), or the chunk goes past the upload's declared size"),
                  ]) { input in
        let upload = try await input.catalog.upload(id: try input.id("upload_id"))
        guard let claimed = input.request.headers[uploadOffset].flatMap({ Int64($0) }) else {
            throw APIError(status: .badRequest, code: "offset_required", message: "send the Upload-Offset header")
        }
        let sentSHA256 = try expectedSHA256(input.request)
        if let declared = upload.sha256, let sentSHA256, declared != sentSHA256 {
            throw APIError(status: .badRequest, code: "checksum_conflict",
                           message: "this upload was started with SHA-256 \(declared), not \(sentSHA256)")
        }
        // One chunk at a time: the offset check and the write are one step per upload, so two
        // chunks sent at once cannot interleave their bytes; the second is told to wait.
        guard input.services.uploadsReceiving.begin(upload.id) else {
            var error = APIError(status: .conflict, code: "upload_busy",
                                 message: "another chunk of this upload is being received; ask for the offset, then resume")
            error.headers[uploadOffset] = String(currentOffset(upload.id, input))
            throw error
        }
        defer { input.services.uploadsReceiving.end(upload.id) }
        let path = partialPath(upload.id, input)
        let offset = currentOffset(upload.id, input)
        guard claimed == offset else {
            var error = APIError(status: .conflict, code: "offset_mismatch",
                                 message: "the server has \(offset) bytes of this upload; send from there")
            error.headers[uploadOffset] = String(offset)
            throw error
        }
        let writer = try HashingFileWriter(path: path, appending: true)
        do {
            try await receiveBody(input.request, into: writer, limit: upload.size, tooLarge: {
                // The upload's state, not a size limit of the server's, refuses it: as a wrong offset does.
                APIError(status: .conflict, code: "past_declared_size",
                         message: "the chunk goes past the upload's declared size of \(upload.size) bytes")
            }, arrived: input.services.testUploadDrop.map { drop in
                { bytes in try drop.count(bytes, connection: input.context.connection) }
            })
            _ = try await input.services.fileWork.run { try writer.finish() }
        } catch {
            // Keep what arrived before the chunk: the client resends it from the old offset.
            truncate(path, Int(offset))
            throw storageError(error)
        }
        var result = uploadState(upload, offset: writer.size)
        if writer.size == upload.size, let sequenceID = upload.sequenceUploadID {
            result = try await sequenceMemberArrived(input, upload: upload, sequenceID: sequenceID, expected: upload.sha256 ?? sentSHA256)
        } else if writer.size == upload.size {
            // The hash of exactly the bytes on disk, whatever the client claimed along the way.
            let (sha256, size) = try await input.services.fileWork.run { try Durability.sha256(ofFile: path) }
            do {
                let completed = try await finishUpload(input, versionID: upload.versionID, path: path, fileName: upload.fileName,
                                                       size: size, sha256: sha256, expected: upload.sha256 ?? sentSHA256)
                try await input.catalog.deleteUpload(id: upload.id)
                result = UploadState(id: upload.id, versionID: upload.versionID, fileName: upload.fileName, size: upload.size,
                                     offset: size, complete: true, original: completed.original, job: completed.job)
            } catch {
                // A mismatched checksum ends the upload: nothing of it is kept.
                try? FileManager.default.removeItem(atPath: path)
                try? await input.catalog.deleteUpload(id: upload.id)
                throw error
            }
        }
        return try JSONCoding.response(result, headers: [uploadOffset: String(result.offset)])
    }

    api.staff.add(.delete, "/api/v1/uploads/{upload_id}", "Abandon a resumable upload and its bytes", tag: "media",
                  status: .noContent, response: .empty,
                  refusals: [.conflict("The upload is a member of an image sequence: abandon the sequence upload")]) { input in
        let upload = try await input.catalog.upload(id: try input.id("upload_id"))
        if let sequenceID = upload.sequenceUploadID {
            throw APIError(status: .conflict, code: "sequence_member",
                           message: "this file is one frame of a sequence upload: DELETE /api/v1/sequence-uploads/\(sequenceID) instead")
        }
        try? FileManager.default.removeItem(atPath: partialPath(upload.id, input))
        try await input.catalog.deleteUpload(id: upload.id)
        return Response(status: .noContent)
    }
}

/// What completing an upload can refuse.
let storingRefusals: [Refusal] = [
    .rule("The bytes match the SHA-256 given"),
    diskFull,
]

let diskFull = Refusal(HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "The server's storage is full")

let uploadOffset = HTTPField.Name("Upload-Offset")!
let contentSHA256 = HTTPField.Name("X-Content-SHA256")!

func expectedSHA256(_ request: Request) throws -> String? {
    guard let value = request.headers[contentSHA256] else { return nil }
    let hex = value.lowercased()
    guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
        throw APIError(status: .badRequest, code: "invalid_checksum", message: "X-Content-SHA256 must be 64 hexadecimal digits")
    }
    return hex
}

/// Checks the hash, stores the file as an original, registers it and queues its transcode.
func finishUpload(_ input: RouteInput<StaffUser>, versionID: UUID, path: String, fileName: String, size: Int64, sha256: String,
                          expected: String?) async throws -> UploadCompleted {
    if let expected, expected != sha256 {
        throw APIError(status: .unprocessableContent, code: "checksum_mismatch",
                       message: "the upload's SHA-256 is \(sha256), not \(expected); nothing was registered")
    }
    let ingest = input.services.ingest
    let stored = try await input.services.fileWork.run {
        try ingest.storeUpload(temporaryPath: path, fileName: fileName, sha256: sha256)
    }
    let (original, job) = try await input.services.ingest.register(versionID: versionID, path: stored, fileName: fileName,
                                                                  size: size, sha256: sha256)
    return UploadCompleted(original: ComponentView(original), job: job)
}

/// Writes a request's body to `writer`, refusing (with `tooLarge`) past `limit` bytes in
/// all, and answering 400 for a body that ends before its `Content-Length`.
///
/// - Parameter arrived: told each piece's size as it is written (tests drop the connection from it).
private func receiveBody(_ request: Request, into writer: HashingFileWriter, limit: Int64,
                         tooLarge: () -> APIError, arrived: ((Int) throws -> Void)? = nil) async throws {
    let start = writer.size
    do {
        for try await buffer in request.body {
            guard writer.size + Int64(buffer.readableBytes) <= limit else { throw tooLarge() }
            try buffer.withUnsafeReadableBytes { try writer.write($0) }
            try arrived?(buffer.readableBytes)
        }
    } catch let error as APIError {
        throw error
    } catch let error as POSIXFailure {
        throw error
    } catch {
        // The connection ended or broke mid-body.
        throw APIError(status: .badRequest, code: "incomplete_body",
                       message: "the body ended after \(writer.size - start) bytes, before it was complete")
    }
    if let declared = request.headers[.contentLength].flatMap({ Int64($0) }), writer.size - start != declared {
        throw APIError(status: .badRequest, code: "incomplete_body",
                       message: "the body has \(writer.size - start) bytes, not its Content-Length of \(declared)")
    }
    guard writer.size > start else {
        throw APIError(status: .badRequest, code: "empty_body", message: "the request has no bytes: send the file's bytes as its body")
    }
}

func partialPath(_ id: UUID, _ input: RouteInput<StaffUser>) -> String {
    input.services.store.absolutePath("tmp/upload-\(id.uuidString.lowercased())")
}

func currentOffset(_ id: UUID, _ input: RouteInput<StaffUser>) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: partialPath(id, input)))?[.size] as? NSNumber)?.int64Value ?? 0
}

func uploadState(_ upload: Upload, offset: Int64) -> UploadState {
    UploadState(id: upload.id, versionID: upload.versionID, fileName: upload.fileName, size: upload.size, offset: offset,
                complete: false)
}

private func truncate(_ path: String, _ length: Int) {
    if let handle = FileHandle(forWritingAtPath: path) {
        try? handle.truncate(atOffset: UInt64(length))
        try? handle.close()
    }
}

/// A full disk or a failed write, as a clear 507 rather than a bare 500.
func storageError(_ error: any Error) -> any Error {
    guard let failure = error as? POSIXFailure else { return error }
    return APIError(status: failure.code == ENOSPC ? HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage") : .internalServerError,
                    code: failure.code == ENOSPC ? "disk_full" : "storage_error", message: failure.description)
}

/// For tests only (``ServerConfiguration/testDropUploadAfter``): closes the connection a chunk
/// arrives on once `limit` bytes of chunks have arrived in all, as a dropped network would, and
/// only once, so the upload can resume.
final class TestUploadDrop: Sendable {
    let limit: Int64
    private let state = Mutex<(arrived: Int64, dropped: Bool)>((0, false))

    init(limit: Int64) {
        self.limit = limit
    }

    func count(_ bytes: Int, connection: any Channel) throws {
        let drop = state.withLock { state in
            guard !state.dropped else { return false }
            state.arrived += Int64(bytes)
            state.dropped = state.arrived >= limit
            return state.dropped
        }
        guard drop else { return }
        connection.close(mode: .all, promise: nil)
        throw CancellationError()
    }
}
