import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import Media

/// One route of the API as it is declared: who may call it, what it takes and what it
/// answers. The OpenAPI document is written from these, and the route's wrapper checks
/// every request against them before the handler runs (``RouteGroup/add(_:_:_:tag:body:parameters:status:response:refusals:handler:)``).
struct APIOperation: Sendable {
    let method: HTTPRequest.Method
    /// OpenAPI style: `/api/v1/projects/{project_id}`.
    let path: String
    let summary: String
    let tag: String
    let access: RouteAccess
    let body: RequestBody?
    /// Query and header parameters (path parameters follow from ``path``).
    let parameters: [Parameter]
    let status: HTTPResponse.Status
    let response: Answer
    /// Refusals particular to this route; the document adds those every route of its kind has.
    let refusals: [Refusal]

    /// The `{name}` parameters of the path, each with its schema.
    var pathParameters: [Parameter] {
        OpenAPIDocument.pathSegments(path).map(Parameter.path)
    }

    var operationID: String {
        let words = path.split(separator: "/").dropFirst(2).map { segment in
            segment.hasPrefix("{") ? "by_" + segment.dropFirst().dropLast() : String(segment)
        }
        return ([method.rawValue.lowercased()] + words).joined(separator: "_")
            .replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
    }
}

/// What a request carries as its body.
enum RequestBody: Sendable {
    /// A JSON object matching the schema; the example is shown in the document (and checked
    /// against the schema when the route is added).
    case json(Schema, example: String)
    /// The raw bytes of a file.
    case bytes
    /// The raw bytes of a file of one of these media types (the server checks the bytes too).
    case file([String])
}

/// A query, header or path parameter.
struct Parameter: Sendable {
    enum Location: String, Sendable { case path, query, header }
    let name: String
    let location: Location
    let schema: Schema
    let required: Bool
    let description: String

    static func query(_ name: String, _ schema: Schema, _ description: String) -> Parameter {
        Parameter(name: name, location: .query, schema: schema, required: false, description: description)
    }

    static func header(_ name: String, _ schema: Schema, required: Bool, _ description: String) -> Parameter {
        Parameter(name: name, location: .header, schema: schema, required: required, description: description)
    }

    /// A path parameter: its schema follows from its name, the same on every route.
    static func path(_ name: String) -> Parameter {
        let schema: Schema
        let description: String
        switch name {
        case "frame":
            schema = .integer(0...Int(Int32.max))
            description = "A frame index, from 0"
        case "kind":
            schema = .oneOf(Component.Kind.self)
            description = "Which of the version's files"
        case "scope":
            schema = .oneOf(WorkflowStatus.Scope.self)
            description = "Which status list: the versions' or the tasks'"
        default:
            precondition(name.hasSuffix("_id"), "no schema for the path parameter {\(name)}")
            schema = .uuid
            description = "The \(name.dropLast(3).replacingOccurrences(of: "_", with: " "))'s id"
        }
        return Parameter(name: name, location: .path, schema: schema, required: true, description: description)
    }

    /// `?limit=&offset=`, for lists.
    static let page: [Parameter] = [
        .query("limit", .integer(FieldRules.pageLimit), "How many to answer (\(Page.default.limit) by default)"),
        .query("offset", .integer(0...Int(Int32.max)), "How many to skip"),
    ]

    /// `?profile=`, a proxy profile by name.
    static let profile = Parameter.query("profile", .oneOf(ProxyProfile.builtIn.map(\.name)),
                                         "The proxy profile (the server's own by default)")

    /// Checks the value sent, as text (a query or header parameter, a path segment).
    ///
    /// - Returns: the value as JSON, as the schema reads it.
    func check(_ text: String) throws(SchemaViolation) -> JSONValue {
        let value: JSONValue
        switch schema.shape {
        case .integer:
            // Digits with an optional minus, as a JSON number is written: "+5" and "0x5" are not numbers here.
            guard text.wholeMatch(of: /-?[0-9]+/) != nil, let number = Int(text) else {
                throw SchemaViolation(path: name, message: "must be a whole number")
            }
            value = .integer(number)
        case .boolean:
            guard text == "true" || text == "false" else { throw SchemaViolation(path: name, message: "must be true or false") }
            value = .bool(text == "true")
        default:
            value = .string(text)
        }
        return try schema.check(value, at: name)
    }
}

/// What a route answers when it succeeds.
enum Answer: Sendable, ExpressibleByStringLiteral {
    /// JSON, as the named schema in ``ResponseSchemas``.
    case json(String)
    /// No body (204).
    case empty
    /// A file's bytes, of these media types.
    case file([String])

    init(stringLiteral name: String) { self = .json(name) }
}

/// An error status a route may answer, and why.
struct Refusal: Sendable {
    let status: HTTPResponse.Status
    let reason: String

    init(_ status: HTTPResponse.Status, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    /// A rule the schema cannot state (across fields, or about other records): 422.
    static func rule(_ reason: String) -> Refusal { Refusal(.unprocessableContent, reason) }
    /// A clash with what the catalog holds: 409.
    static func conflict(_ reason: String) -> Refusal { Refusal(.conflict, reason) }
}
