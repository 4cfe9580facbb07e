import Catalog
import Foundation
import HTTPTypes

/// The OpenAPI 3.0 document of the API, written from the routes' declarations (so it lists
/// exactly the routes that exist, with what each one enforces) and from ``ResponseSchemas``.
struct OpenAPIDocument {
    let operations: [APIOperation]
    let serverURL: String

    /// The document as JSON bytes.
    var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(document)) ?? Data())
    }

    var document: JSONValue {
        var paths: [String: JSONValue] = [:]
        for operation in operations {
            var methods: [String: JSONValue]
            if case .object(let existing) = paths[operation.path] { methods = existing } else { methods = [:] }
            methods[operation.method.rawValue.lowercased()] = describe(operation)
            paths[operation.path] = .object(methods)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Dailies API",
                "version": "1",
                "description": .string("""
                    Client review for studios. Staff authenticate with an API key (`Authorization: Bearer <key>`), or \
                    in a browser by signing in at `POST /api/v1/staff/sign-in` for the `dailies_staff` cookie (then \
                    every POST, PUT, PATCH and DELETE carries the sign-in's `X-CSRF-Token`); collaborators trade their \
                    invite link for the `dailies_access` cookie at `POST /api/v1/review/access`. \
                    Errors answer `{"error": {"code", "message", "field"}}`: 400 when a request does not match this \
                    document, 422 when it does but breaks a rule the document can only say in words (each operation \
                    that has such rules lists them), 409 when it clashes with what the catalog holds. Lists are \
                    paginated with `limit` and `offset`. Times are RFC 3339; the API answers them in UTC.
                    """),
            ],
            "servers": [["url": .string(serverURL)]],
            "paths": .object(paths),
            "components": [
                "schemas": .object(ResponseSchemas.named.mapValues(\.document).merging(
                    ResponseSchemas.examples) { schema, example in Self.adding(example: example, to: schema) }),
                "securitySchemes": [
                    "apiKey": ["type": "http", "scheme": "bearer", "description": "A staff API key"],
                    "staffSession": ["type": "apiKey", "in": "cookie", "name": .string(StaffSessionCookie.name),
                                     "description": .string("""
                                         A browser's staff sign-in (POST /api/v1/staff/sign-in). Requests that change \
                                         something also send the sign-in's csrf_token as the \
                                         \(StaffSessionCookie.csrfHeader) header (403 csrf_failed without it).
                                         """)],
                    "accessCookie": ["type": "apiKey", "in": "cookie", "name": "dailies_access",
                                     "description": "The collaborator access cookie"],
                ],
            ],
        ]
    }

    /// A request body of raw bytes, at least one.
    private static let binary: JSONValue = ["schema": ["type": "string", "format": "binary", "minLength": .integer(1)]]

    /// A schema's document with its example beside it.
    private static func adding(example: JSONValue, to schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        members["example"] = example
        return .object(members)
    }

    private func describe(_ operation: APIOperation) -> JSONValue {
        let parameters = (operation.pathParameters + operation.parameters).map { parameter -> JSONValue in
            ["name": .string(parameter.name), "in": .string(parameter.location.rawValue), "required": .bool(parameter.required),
             "description": .string(parameter.description), "schema": parameter.schema.document]
        }
        var responses: [String: JSONValue] = [String(operation.status.code): success(operation)]
        for (status, reasons) in Self.refusals(of: operation) {
            var response: [String: JSONValue] = ["description": .string(reasons.joined(separator: "; "))]
            switch status {
            case 206:
                response["content"] = .object(Dictionary(uniqueKeysWithValues: FileResponse.allMediaTypes.map {
                    ($0, ["schema": ["type": "string", "format": "binary"]] as JSONValue)
                }))
            case ..<400:
                break  // 304: no body
            default:
                response["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
            }
            responses[String(status)] = .object(response)
        }
        var result: [String: JSONValue] = [
            "summary": .string(operation.summary),
            "operationId": .string(operation.operationID),
            "tags": [.string(operation.tag)],
            "parameters": .array(parameters),
            "responses": .object(responses),
        ]
        switch operation.access {
        case .open: result["security"] = []
        case .staff, .admin: result["security"] = [["apiKey": []], ["staffSession": []]]
        case .collaborator: result["security"] = [["accessCookie": []]]
        case .participant: result["security"] = [["apiKey": []], ["staffSession": []], ["accessCookie": []]]
        }
        switch operation.body {
        case .json(let schema, let example)?:
            result["requestBody"] = ["required": true, "content": ["application/json": [
                "schema": schema.document, "example": JSONValue(json: example) ?? .null]]]
        case .bytes?:
            result["requestBody"] = ["required": true, "content": ["application/octet-stream": Self.binary]]
        case .file(let types)?:
            result["requestBody"] = ["required": true,
                                     "content": .object(Dictionary(uniqueKeysWithValues: types.map { ($0, Self.binary) }))]
        case nil:
            break
        }
        return .object(result)
    }

    private func success(_ operation: APIOperation) -> JSONValue {
        var success: [String: JSONValue] = ["description": .string(operation.summary)]
        switch operation.response {
        case .json(let name):
            precondition(ResponseSchemas.named[name] != nil, "\(operation.path) answers \(name), which has no schema")
            success["content"] = ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(name)")]]]
            let links = links(from: operation, answering: name)
            if !links.isEmpty { success["links"] = .object(links) }
        case .empty:
            break
        case .file(let types):
            success["content"] = .object(Dictionary(uniqueKeysWithValues: types.map {
                ($0, ["schema": ["type": "string", "format": "binary"]] as JSONValue)
            }))
        }
        return .object(success)
    }

    /// Every error status `operation` may answer, with the reasons: those of its kind of
    /// route, then its own.
    static func refusals(of operation: APIOperation) -> [Int: [String]] {
        var refusals: [Int: [String]] = [:]
        func add(_ status: HTTPResponse.Status, _ reason: String) { refusals[status.code, default: []].append(reason) }
        if !operation.parameters.isEmpty || operation.body != nil {
            add(.badRequest, "The request does not match this document (the error names the field)")
        }
        switch operation.access {
        case .open: break
        case .staff: add(.unauthorized, "No valid API key or staff sign-in")
        case .admin:
            add(.unauthorized, "No valid API key or staff sign-in")
            add(.forbidden, "The staff member is not an admin")
        case .collaborator, .participant:
            add(.unauthorized, operation.access == .participant
                ? "No valid API key or staff sign-in, and no access cookie for this session" : "No access cookie for this session")
            add(.forbidden, "The collaborator's access was revoked, or the session has not started")
            add(.conflict, "The session is closed")
            add(.gone, "The session's schedule has ended")
        }
        if [.staff, .admin, .participant].contains(operation.access), StaffSessionCookie.needsCSRF(operation.method) {
            add(.forbidden, "A signed-in browser's request without its \(StaffSessionCookie.csrfHeader) header (csrf_failed)")
        }
        if !operation.pathParameters.isEmpty { add(.notFound, "Nothing has these ids (or a path parameter is malformed)") }
        switch operation.body {
        case .json?:
            add(.contentTooLarge, "The body is larger than the server takes")
            add(.unsupportedMediaType, "The body is not sent as application/json")
        case .bytes?:
            add(.contentTooLarge, "The file is larger than the server takes")
        case .file(let types)?:
            add(.contentTooLarge, "The file is larger than the server takes")
            add(.unsupportedMediaType, "The body is not sent as \(types.joined(separator: " or "))")
        case nil: break
        }
        if operation.method != .get && operation.access != .open {
            add(.conflict, "It clashes with what the catalog holds: a record it names changed or went meanwhile, "
                + "or the session is closed")
        }
        for refusal in operation.refusals { add(refusal.status, refusal.reason) }
        add(.serviceUnavailable, "The server is busy or its storage is full: retry after Retry-After")
        return refusals
    }

    /// The `{name}` parameters of an OpenAPI path, by name.
    static func pathSegments(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    // MARK: Links

    /// Where an answer of each schema carries the ids it makes, as JSON pointers, by the path
    /// parameter each id fills. The first is the resource the answer is about.
    static let ids: [String: [(parameter: String, pointer: String)]] = [
        "Project": [("project_id", "/id")],
        "Version": [("version_id", "/id"), ("project_id", "/project_id")],
        "ReviewSession": [("session_id", "/id"), ("project_id", "/project_id")],
        "ClonedSession": [("session_id", "/session/id"), ("project_id", "/session/project_id")],
        "SessionItemList": [("item_id", "/data/0/id"), ("session_id", "/data/0/session_id")],
        "Collaborator": [("collaborator_id", "/id"), ("session_id", "/session_id")],
        "CollaboratorInvite": [("collaborator_id", "/collaborator/id"), ("session_id", "/collaborator/session_id")],
        "UploadState": [("upload_id", "/id"), ("version_id", "/version_id")],
        "UploadCompleted": [("job_id", "/job/id"), ("version_id", "/original/version_id")],
        "ReprocessStarted": [("job_id", "/jobs/0/id"), ("batch_id", "/batch_id")],
        "Webhook": [("webhook_id", "/id")],
        "Task": [("task_id", "/id"), ("project_id", "/project_id")],
        "Note": [("note_id", "/id"), ("version_id", "/version_id")],
    ]

    /// OpenAPI links from an operation that creates something to every operation its caller
    /// may call that takes its id, filling each path parameter from the answer or from the request's own path.
    private func links(from source: APIOperation, answering schema: String) -> [String: JSONValue] {
        guard source.method == .post || source.method == .put, let ids = Self.ids[schema], let primary = ids.first else {
            return [:]
        }
        let known = Dictionary(ids.map { ($0.parameter, "$response.body#\($0.pointer)") }, uniquingKeysWith: { first, _ in first })
        let own = Set(source.pathParameters.map(\.name))
        var links: [String: JSONValue] = [:]
        // Links stay with the caller: a collaborator's answers lead to what collaborators may call.
        let reachable: Set<RouteAccess> = source.access == .collaborator ? [.collaborator, .participant]
            : [.open, .staff, .admin, .participant]
        for target in operations where reachable.contains(target.access) && target.path != source.path
            && target.pathParameters.contains(where: { $0.name == primary.parameter })
        {
            var values: [String: JSONValue] = [:]
            for parameter in target.pathParameters {
                if let expression = known[parameter.name] {
                    values[parameter.name] = .string(expression)
                } else if own.contains(parameter.name) {
                    values[parameter.name] = .string("$request.path.\(parameter.name)")
                }
            }
            // Ids must all come from here; a frame index or a file kind the caller chooses.
            guard target.pathParameters.allSatisfy({ values[$0.name] != nil || !$0.schema.isIdentifier }) else { continue }
            links[target.operationID] = ["operationId": .string(target.operationID), "parameters": .object(values)]
        }
        return links
    }
}

extension Schema {
    /// Whether the schema is an id (a UUID), which a link can fill.
    var isIdentifier: Bool {
        if case .string(let string) = shape { return string.format == .uuid }
        return false
    }
}
