import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// Who may call a route: the group it is registered in.
enum RouteAccess: String, Sendable {
    /// Anyone.
    case open
    /// Staff.
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

/// A caller that the anonymous group lets through: maybe staff, maybe holding a cookie.
struct Visitor: Sendable {
    let staff: StaffUser?
    let cookie: AccessCookie?
}

/// The API's routes in groups by access level. A route is registered through one group, and
/// the group's middleware decides who may call it before the handler runs; the handler gets
/// the caller as its group knows it (a ``StaffUser``, a ``CollaboratorAccess`` to the
/// session in the path), so no handler decides access by itself.
///
/// Every registration is also recorded for the OpenAPI document, so the document lists
/// exactly the routes that exist, each with its access.
struct APIRoutes {
    /// Anyone: health, the document, trading an invite for the access cookie.
    let open: RouteGroup<Visitor>
    /// Staff.
    let staff: RouteGroup<StaffUser>
    /// Admin staff.
    let admin: RouteGroup<StaffUser>
    /// A collaborator of the session in the path (`{session_id}`), let in by the access cookie.
    let collaborator: RouteGroup<CollaboratorAccess>

    private let registry: OperationRegistry

    init(router: Router<AppRequestContext>, services: ServerServices) {
        let registry = OperationRegistry()
        self.registry = registry
        open = RouteGroup(access: .open, group: router.group(), registry: registry, services: services) { context in
            Visitor(staff: context.identity.staff, cookie: context.identity.cookie)
        }
        staff = RouteGroup(access: .staff, group: router.group().add(middleware: StaffRequirement(adminOnly: false)),
                           registry: registry, services: services) { try $0.identity.requireStaff() }
        admin = RouteGroup(access: .admin, group: router.group().add(middleware: StaffRequirement(adminOnly: true)),
                           registry: registry, services: services) { try $0.identity.requireStaff() }
        collaborator = RouteGroup(
            access: .collaborator, group: router.group().add(middleware: CollaboratorAuthenticator(catalog: services.catalog)),
            registry: registry, services: services) { try $0.identity.requireCollaborator() }
    }

    /// Every route registered so far.
    var operations: [APIOperation] { registry.operations }
}

/// The operations registered, in order.
final class OperationRegistry: @unchecked Sendable {
    // Written only while the router is built, on one task, before the server starts.
    private(set) var operations: [APIOperation] = []

    func record(_ operation: APIOperation) {
        precondition(!operations.contains { $0.method == operation.method && $0.path == operation.path },
                     "\(operation.method) \(operation.path) is registered twice")
        operations.append(operation)
    }
}

/// Routes that one access level may call.
struct RouteGroup<Caller: Sendable> {
    typealias Handler = @Sendable (RouteInput<Caller>) async throws -> Response

    let access: RouteAccess
    fileprivate let group: RouterGroup<AppRequestContext>
    fileprivate let registry: OperationRegistry
    fileprivate let services: ServerServices
    /// The caller as this group's middleware left it in the context.
    fileprivate let caller: @Sendable (AppRequestContext) throws -> Caller

    /// Registers a route and records it for the OpenAPI document.
    ///
    /// - Parameters:
    ///   - path: OpenAPI style, `{name}` for a parameter.
    ///   - request: an example JSON body; its shape becomes the request schema.
    ///   - response: the name of the response schema, `nil` for none.
    func add(_ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, request: String? = nil,
             status: HTTPResponse.Status = .ok, response: String?, query: [String] = [], handler: @escaping Handler) {
        precondition(access != .collaborator || path.contains("{session_id}"),
                     "a collaborator route names its session in the path: \(path)")
        registry.record(APIOperation(method: method, path: path, summary: summary, tag: tag, access: access,
                                     requestExample: request, status: status, responseSchema: response, query: query))
        let services = services
        let caller = caller
        // Hummingbird writes {name} parameters as :name.
        let routerPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        group.on(RouterPath(routerPath), method: method) { request, context in
            try await handler(RouteInput(request: request, context: context, caller: try caller(context), services: services))
        }
    }
}

/// What a handler gets: the request, who is calling (as its group decided), and the
/// server's services.
struct RouteInput<Caller: Sendable> {
    let request: Request
    let context: AppRequestContext
    let caller: Caller
    let services: ServerServices

    var catalog: Catalog { services.catalog }

    /// The UUID path parameter `name`, or 404 for one that is not a UUID.
    func id(_ name: String) throws -> UUID {
        try context.pathID(name)
    }

    /// The JSON body as `type`: 415 unless it is sent as JSON, 400 for malformed JSON or
    /// fields of the wrong type, 413 for a body over the limit.
    func body<T: Decodable>(_ type: T.Type) async throws -> T {
        try requireJSONContentType(request)
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

/// A JSON body must say it is JSON: otherwise a page on another site could send it with a
/// plain form or `text/plain` POST, which browsers send cross-site without asking.
func requireJSONContentType(_ request: Request) throws {
    let type = request.headers[.contentType]?.split(separator: ";").first?
        .trimmingCharacters(in: .whitespaces).lowercased()
    guard type == "application/json" else {
        throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                       message: "send the body as JSON, with Content-Type: application/json")
    }
}
