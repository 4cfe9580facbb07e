import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// The API's JSON: keys as the types spell them (snake_case), times as ISO 8601 UTC with
/// milliseconds, read as RFC 3339 (any fraction, any offset).
enum JSONCoding {
    static var encoder: JSONEncoder { CatalogJSON.encoder }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = RFC3339.date(from: text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an RFC 3339 time such as 2026-11-23T09:00:00Z")
        }
        return decoder
    }()

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = try encoder.encode(value)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
