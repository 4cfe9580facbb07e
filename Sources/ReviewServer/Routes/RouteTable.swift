import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// Who may call a route.
enum RouteAccess: String, Sendable {
    /// Anyone.
    case open
    /// Staff with an API key.
    case staff
    /// Admin staff.
    case admin
    /// A collaborator of the session in the path, by the access cookie.
    case collaborator
}

/// One route of the API and what the OpenAPI document says of it.
struct APIOperation: Sendable {
    let method: HTTPRequest.Method
    /// OpenAPI style: `/api/v1/projects/{project_id}`.
    let path: String
    let summary: String
    let tag: String
    let access: RouteAccess
    /// An example request body, as JSON text; its shape becomes the request schema.
    let requestExample: String?
    let status: HTTPResponse.Status
    /// The name of the response schema (see ``OpenAPIDocument``), `nil` for an empty body.
    let responseSchema: String?
    let query: [String]
}

/// What a handler gets: the request, who is calling, and the server's services.
struct RouteInput {
    let request: Request
    let context: AppRequestContext
    let caller: Caller
    let services: ServerServices

    var catalog: Catalog { services.catalog }

    /// The UUID path parameter `name`, or 404 for one that is not a UUID.
    func id(_ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw APIError(status: .notFound, code: "not_found", message: "'\(context.parameters.get(name) ?? "")' is not an id")
        }
        return id
    }

    /// The JSON body as `type`: 400 for malformed JSON or fields of the wrong type, 413 for
    /// a body over the limit.
    func body<T: Decodable>(_ type: T.Type) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: services.configuration.maximumJSONBody)
        } catch {
            throw APIError(status: .contentTooLarge, code: "too_large",
                           message: "the body is larger than \(services.configuration.maximumJSONBody) bytes")
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidJSON("this request needs a JSON body") }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.invalidJSON(Self.describe(error))
        } catch let error as CatalogError {
            throw error
        } catch {
            throw APIError.invalidJSON("the body is not valid JSON")
        }
    }

    /// `?limit=&offset=` as a page.
    func page() throws -> Page {
        let limit = try integerQuery("limit") ?? Page.default.limit
        let offset = try integerQuery("offset") ?? 0
        return try Page(limit: limit, offset: offset)
    }

    private func integerQuery(_ name: String) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text) else { throw CatalogError(.invalidField, "\(name) must be a whole number", field: name) }
        return value
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "the body is not valid JSON"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(Self.typeName(type)), not null"
        @unknown default:
            return "the body does not match what this request takes"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "of another type"
        }
    }
}

typealias RouteHandler = @Sendable (RouteInput) async throws -> Response

/// Registers routes with the router and records them for the OpenAPI document, so that the
/// document lists exactly the routes that exist.
final class RouteTable {
    private let router: Router<AppRequestContext>
    private let services: ServerServices
    private(set) var operations: [APIOperation] = []

    init(router: Router<AppRequestContext>, services: ServerServices) {
        self.router = router
        self.services = services
    }

    func add(_ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, access: RouteAccess,
             request: String? = nil, status: HTTPResponse.Status = .ok, response: String?, query: [String] = [],
             handler: @escaping RouteHandler) {
        operations.append(APIOperation(method: method, path: path, summary: summary, tag: tag, access: access,
                                       requestExample: request, status: status, responseSchema: response, query: query))
        let services = services
        // Hummingbird writes {name} parameters as :name.
        let routerPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(routerPath), method: method) { request, context in
            let caller = try await Caller.identify(request, catalog: services.catalog, cookieKey: services.cookieKey)
            switch access {
            case .open, .collaborator: break
            case .staff: _ = try caller.requireStaff()
            case .admin: _ = try caller.requireAdmin()
            }
            return try await handler(RouteInput(request: request, context: context, caller: caller, services: services))
        }
    }
}
