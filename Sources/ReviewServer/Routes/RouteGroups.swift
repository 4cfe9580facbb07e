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
    /// Staff, or a collaborator of the session in the path: for what both see alike (a
    /// comment's frame receipt, whose one URL every viewer's comment carries).
    case participant
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
    /// Staff, or a collaborator of the session in the path; the visibility rule still
    /// decides what each sees.
    let participant: RouteGroup<FeedbackActor>

    let registry: OperationRegistry
    /// What the routes' declarations may depend on: the configuration's limits.
    let services: ServerServices

    init(router: Router<AppRequestContext>, services: ServerServices) {
        let registry = OperationRegistry()
        self.registry = registry
        self.services = services
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
        participant = RouteGroup(
            access: .participant,
            group: router.group().add(middleware: ParticipantAuthenticator(collaborators: CollaboratorAuthenticator(catalog: services.catalog))),
            registry: registry, services: services) { context in
            if let staff = context.identity.staff { return .staff(staff) }
            return .collaborator(try context.identity.requireCollaborator())
        }
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

    /// Registers a route and records it for the OpenAPI document. The route checks each
    /// request against what is declared here (path parameters, then query and header
    /// parameters; the JSON body when the handler reads it) before its handler acts, so the
    /// document states exactly what the server enforces.
    ///
    /// - Parameters:
    ///   - path: OpenAPI style, `{name}` for a parameter (see ``Parameter/path(_:)``).
    ///   - body: what the request carries, `nil` for nothing.
    ///   - parameters: its query and header parameters.
    ///   - response: what it answers on success.
    ///   - refusals: the errors particular to this route (the document adds the common ones).
    func add(_ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, body: RequestBody? = nil,
             parameters: [Parameter] = [], status: HTTPResponse.Status = .ok, response: Answer, refusals: [Refusal] = [],
             handler: @escaping Handler) {
        precondition(![.collaborator, .participant].contains(access) || path.contains("{session_id}"),
                     "a collaborator route names its session in the path: \(path)")
        if case .json(let schema, let example) = body {
            // The example the document shows must be a request the route takes.
            do { try schema.check(JSONValue(json: example) ?? .null) } catch {
                preconditionFailure("\(method) \(path): its example does not match its schema: \(error.message) at \(error.path)")
            }
        }
        let operation = APIOperation(method: method, path: path, summary: summary, tag: tag, access: access, body: body,
                                     parameters: parameters, status: status, response: response, refusals: refusals)
        registry.record(operation)
        let services = services
        let caller = caller
        // Hummingbird writes {name} parameters as :name.
        let routerPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        group.on(RouterPath(routerPath), method: method) { request, context in
            let caller = try caller(context)
            try operation.checkParameters(request, context)
            return try await handler(RouteInput(request: request, context: context, caller: caller, services: services,
                                                operation: operation))
        }
    }
}

extension APIOperation {
    /// Refuses a request whose parameters break the declaration: a malformed path segment
    /// names nothing (404); a missing or malformed query or header parameter is a bad
    /// request (400).
    func checkParameters(_ request: Request, _ context: AppRequestContext) throws {
        for parameter in pathParameters {
            let text = context.parameters.get(parameter.name) ?? ""
            do { _ = try parameter.check(text) } catch {
                throw APIError(status: .notFound, code: "not_found",
                               message: "\(parameter.name): '\(text.prefix(64))' names nothing here (\(error.message))")
            }
        }
        for parameter in parameters {
            let value: String? = switch parameter.location {
            case .query: request.uri.queryParameters.get(parameter.name).map { String($0) }
            case .header: HTTPField.Name(parameter.name).flatMap { request.headers[$0] }
            case .path: nil
            }
            guard let value else {
                if parameter.required {
                    throw APIError(status: .badRequest, code: "invalid_field", message: "\(parameter.name): is required",
                                   field: parameter.name)
                }
                continue
            }
            do { _ = try parameter.check(value) } catch { throw error.apiError }
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
    /// The route's declaration: the request has been checked against its parameters.
    let operation: APIOperation

    var catalog: Catalog { services.catalog }

    /// The UUID path parameter `name`, or 404 for one that is not a UUID.
    func id(_ name: String) throws -> UUID {
        try context.pathID(name)
    }

    /// The JSON body as `type`: 415 unless it is sent as JSON, 413 for a body over the
    /// limit, 400 for malformed JSON or a body that does not match the route's schema.
    func body<T: Decodable>(_ type: T.Type) async throws -> T {
        guard case .json(let schema, _) = operation.body else {
            // A mistake in the route, which tests catch; a release build answers 500 rather than stop.
            assertionFailure("\(operation.method) \(operation.path) reads a JSON body it does not declare")
            throw APIError(status: .internalServerError, code: "internal_error", message: "this route takes no body")
        }
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
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) else {
            throw APIError.invalidJSON("the body is not valid JSON")
        }
        let checked: JSONValue
        do { checked = try schema.check(value) } catch { throw error.apiError }
        do {
            return try JSONCoding.decoder.decode(T.self, from: JSONCoding.encoder.encode(checked))
        } catch let error as DecodingError {
            // The schema let it through: the handler's type and its declaration disagree.
            throw APIError.invalidJSON(Self.describe(error))
        } catch let error as CatalogError {
            throw error
        }
    }

    /// The query parameter `name`, checked against its declaration.
    func query(_ name: String) -> String? {
        // Reading a parameter the document does not state is a mistake in the route, which tests catch.
        assert(operation.parameters.contains { $0.name == name && $0.location == .query },
               "\(operation.path) reads the undeclared query parameter \(name)")
        return request.uri.queryParameters.get(name).map { String($0) }
    }

    /// The whole-number query parameter `name`, checked against its declaration.
    func integerQuery(_ name: String) -> Int? {
        query(name).flatMap { Int($0) }
    }

    /// `?limit=&offset=` as a page (see ``Parameter/page``).
    func page() throws -> Page {
        try Page(limit: integerQuery("limit") ?? Page.default.limit, offset: integerQuery("offset") ?? 0)
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
