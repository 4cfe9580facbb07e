import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves a stored file as a download: HTTP Range (206, and 416 for a range outside the
/// file), ETag from the file's SHA-256 with If-None-Match (304), the right content type,
/// and the file's own name in Content-Disposition.
enum FileResponse {
    /// - Parameter inline: shown in the page (a movie the player plays), not saved as a file.
    static func serve(path: String, sha256: String, downloadName: String, contentType: String? = nil, inline: Bool = false,
                      request: Request, context: AppRequestContext) async throws -> Response
    {
        var attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw APIError(status: .notFound, code: "not_found", message: "the file is missing from storage")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [
            .eTag: etag, .acceptRanges: "bytes", .contentType: contentType ?? Self.contentType(downloadName),
            .contentDisposition: inline ? "inline" : disposition(downloadName), .cacheControl: "private, max-age=3600",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == etag || tag == "W/\(etag)" || tag == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        var range: ClosedRange<Int>?
        if let header = request.headers[.range], size > 0 {
            switch parseRange(header, size: size) {
            case .some(.some(let parsed)):
                range = parsed
            case .some(.none):
                headers[.contentRange] = "bytes */\(size)"
                headers[.contentType] = "application/json; charset=utf-8"
                var error = APIError(status: .rangeNotSatisfiable, code: "range_not_satisfiable",
                                     message: "the file has \(size) bytes; the range asked for lies outside it")
                error.headers = headers
                throw error
            case .none:
                break  // not a single byte range we serve: the whole file
            }
        }
        let io = FileIO()
        if let range {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            let body = try await io.loadFile(path: path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = String(size)
        let body = size == 0 ? ResponseBody() : try await io.loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `bytes=a-b`, `bytes=a-` or `bytes=-n` as a range of the file: `nil` when the header is
    /// not one such range (serve it all), `.some(nil)` when it lies outside the file (416).
    static func parseRange(_ header: String, size: Int) -> ClosedRange<Int>?? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let start = Int(parts[0])
        let end = Int(parts[1])
        switch (start, end) {
        case (let start?, let end?):
            guard start <= end else { return nil }
            guard start < size else { return .some(nil) }
            return .some(start...min(end, size - 1))
        case (let start?, nil) where parts[1].isEmpty:
            guard start < size else { return .some(nil) }
            return .some(start...(size - 1))
        case (nil, let suffix?) where parts[0].isEmpty:
            guard suffix > 0 else { return .some(nil) }
            return .some(max(0, size - suffix)...(size - 1))
        default:
            return nil
        }
    }

    /// The media type a file is served as, by its extension.
    static let mediaTypes: [String: String] = [
        "mp4": "video/mp4", "m4v": "video/mp4", "mov": "video/quicktime", "mxf": "application/mxf",
        "mkv": "video/x-matroska", "webm": "video/webm", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
        "exr": "image/x-exr", "dpx": "image/x-dpx", "tif": "image/tiff", "tiff": "image/tiff", "tar": "application/x-tar",
    ]

    /// A frame map's media type: JSON, of our own kind. (A generic `application/json` among a
    /// download's binary types would have generated clients parse every download as JSON.)
    static let frameMapType = "application/vnd.dailies.frame-map+json"

    /// Every media type a download may be served as (the document lists them).
    static var allMediaTypes: [String] {
        Array(Set(mediaTypes.values).union(["application/octet-stream", frameMapType])).sorted()
    }

    static func contentType(_ name: String) -> String {
        mediaTypes[(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    }

    /// `attachment` with the name in ASCII and, when it is not ASCII, in UTF-8 too (RFC 6266).
    static func disposition(_ name: String) -> String {
        let ascii = String(name.map { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline ? $0 : "_" })
        var value = "attachment; filename=\"\(ascii)\""
        if ascii != name, let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) {
            value += "; filename*=UTF-8''\(encoded)"
        }
        return value
    }
}

/// An image sequence original, downloaded as one uncompressed tar archive streamed file by
/// file (ustar format), in frame order.
enum SequenceArchive {
    static func serve(folder: String, pattern: String, downloadName: String, sha256: String) throws -> Response {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0 != "MANIFEST.sha256" }.sorted()
        let sizes = try names.map { ((try FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent($0)))[.size] as? NSNumber)?.intValue ?? 0 }
        let length = zip(names, sizes).reduce(1024) { total, file in total + 512 + (file.1 + 511) / 512 * 512 }
        let body = ResponseBody(contentLength: length) { writer in
            for (name, size) in zip(names, sizes) {
                try await writer.write(ByteBuffer(bytes: header(name: name, size: size)))
                guard let handle = FileHandle(forReadingAtPath: (folder as NSString).appendingPathComponent(name)) else {
                    throw APIError(status: .internalServerError, code: "storage_error", message: "a frame is missing from storage")
                }
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                let padding = (512 - size % 512) % 512
                if padding > 0 { try await writer.write(ByteBuffer(repeating: 0, count: padding)) }
            }
            try await writer.write(ByteBuffer(repeating: 0, count: 1024))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "application/x-tar", .contentDisposition: FileResponse.disposition(downloadName),
            .eTag: "\"\(sha256)\"", .contentLength: String(length), .acceptRanges: "none",
        ], body: body)
    }

    /// A 512-byte ustar header for a regular file.
    static func header(name: String, size: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, length: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits
        }
        put(name, at: 0, length: 100)
        put(octal(0o644, length: 8), at: 100, length: 7)
        put(octal(0, length: 8), at: 108, length: 7)
        put(octal(0, length: 8), at: 116, length: 7)
        put(octal(size, length: 12), at: 124, length: 11)
        put(octal(Int(Date().timeIntervalSince1970), length: 12), at: 136, length: 11)
        put("        ", at: 148, length: 8)  // checksum field counts as spaces
        block[156] = UInt8(ascii: "0")
        put("ustar", at: 257, length: 6)
        put("00", at: 263, length: 2)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, length: 7) + "\0", at: 148, length: 8)
        return block
    }
}
