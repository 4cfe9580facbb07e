import Catalog
import Foundation

/// The OpenAPI 3.0 document of the API, made from the route table (so it lists exactly the
/// routes that exist) and from example values encoded as the API encodes them (so its
/// schemas match the JSON the API sends).
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
        var schemas = Self.responseSchemas.mapValues(Self.schema(of:))
        schemas["Error"] = Self.schema(of: Self.errorExample)
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Dailies API",
                "version": "1",
                "description": .string("""
                    Client review for studios. Staff authenticate with an API key (`Authorization: Bearer <key>`); \
                    collaborators trade their invite link for the `dailies_access` cookie at `POST /api/v1/review/access`. \
                    Errors answer `{"error": {"code", "message", "field"}}`; lists are paginated with `limit` and `offset`.
                    """),
            ],
            "servers": [["url": .string(serverURL)]],
            "paths": .object(paths),
            "components": [
                "schemas": .object(schemas),
                "securitySchemes": [
                    "apiKey": ["type": "http", "scheme": "bearer", "description": "A staff API key"],
                    "accessCookie": ["type": "apiKey", "in": "cookie", "name": "dailies_access",
                                     "description": "The collaborator access cookie"],
                ],
            ],
        ]
    }

    private func describe(_ operation: APIOperation) -> JSONValue {
        var parameters: [JSONValue] = []
        for name in Self.pathParameters(operation.path) {
            parameters.append(["name": .string(name), "in": "path", "required": true,
                               "schema": ["type": "string", "format": "uuid"]])
        }
        for name in operation.query {
            parameters.append(["name": .string(name), "in": "query", "required": false,
                               "schema": ["type": "integer", "minimum": .integer(name == "limit" ? 1 : 0)]])
        }
        var success: [String: JSONValue] = ["description": .string(operation.summary)]
        if let schema = operation.responseSchema {
            success["content"] = ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(schema)")]]]
        } else if operation.status != .noContent {
            success["content"] = ["application/json": ["schema": ["type": "object"]]]
        }
        let error: JSONValue = ["description": "The request was refused; nothing changed",
                                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        var result: [String: JSONValue] = [
            "summary": .string(operation.summary),
            "operationId": .string(Self.operationID(operation)),
            "tags": [.string(operation.tag)],
            "parameters": .array(parameters),
            "responses": [.init(stringLiteral: String(operation.status.code)): .object(success), "4XX": error],
        ]
        switch operation.access {
        case .open: result["security"] = []
        case .staff, .admin: result["security"] = [["apiKey": []]]
        case .collaborator: result["security"] = [["accessCookie": []]]
        }
        if let example = operation.requestExample,
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(example.utf8))
        {
            result["requestBody"] = ["required": true, "content": ["application/json": [
                "schema": Self.schema(of: value), "example": value]]]
        }
        return .object(result)
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    static func operationID(_ operation: APIOperation) -> String {
        let words = operation.path.split(separator: "/").dropFirst(2).map { segment in
            segment.hasPrefix("{") ? "by_" + segment.dropFirst().dropLast() : String(segment)
        }
        return ([operation.method.rawValue.lowercased()] + words).joined(separator: "_")
            .replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
    }

    /// The JSON schema of `value`'s shape: strings that are UUIDs or times get their formats.
    static func schema(of value: JSONValue) -> JSONValue {
        switch value {
        case .null: return ["nullable": true]
        case .bool: return ["type": "boolean"]
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .string(let text):
            if UUID(uuidString: text) != nil { return ["type": "string", "format": "uuid"] }
            if (try? Date(text, strategy: .iso8601)) != nil
                || (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) != nil
            {
                return ["type": "string", "format": "date-time"]
            }
            return ["type": "string"]
        case .array(let elements):
            return ["type": "array", "items": elements.first.map(schema(of:)) ?? [:]]
        case .object(let members):
            return ["type": "object", "properties": .object(members.mapValues(schema(of:)))]
        }
    }

    /// Each response schema's example, as the API encodes it.
    static let responseSchemas: [String: JSONValue] = {
        func encoded(_ value: some Encodable) -> JSONValue {
            (try? JSONDecoder().decode(JSONValue.self, from: JSONCoding.encoder.encode(value))) ?? .null
        }
        func list(_ value: some Encodable & Sendable) -> JSONValue { encoded(ListResponse(all: [value])) }
        let invite = CollaboratorInvite(collaborator: Examples.collaborator,
                                        inviteURL: "https://review.northlight.example/review/invite/di_example", emailed: true)
        let access = CollaboratorAccess(collaborator: Examples.collaborator, session: Examples.session)
        let base = "/api/v1/review/sessions/\(Examples.session.id)/items/\(Examples.item.id)"
        let reviewItem = ReviewItemView(Examples.item, media: PlayerMedia(Examples.components, profile: "review-1080", base: base),
                                        settings: Examples.session.settings)
        return [
            "Health": ["status": "ok"],
            "StaffUser": encoded(Examples.staffUser),
            "StaffUserList": list(Examples.staffUser),
            "CreatedStaffUser": encoded(CreatedStaffUser(user: Examples.staffUser, apiKey: "dk_example")),
            "Organization": encoded(Examples.organization),
            "Project": encoded(Examples.project),
            "ProjectList": list(Examples.project),
            "Version": encoded(Examples.version),
            "VersionList": list(Examples.version),
            "ComponentList": list(ComponentView(Examples.component)),
            "ReviewSession": encoded(Examples.session),
            "ReviewSessionList": list(Examples.session),
            "ClonedSession": encoded(ClonedSession(session: Examples.session, invites: [invite])),
            "ShareLink": encoded(ShareLink(url: "https://review.northlight.example/review/join/ds_example")),
            "SessionItem": encoded(Examples.item),
            "SessionItemList": list(Examples.item),
            "Collaborator": encoded(Examples.collaborator),
            "CollaboratorList": list(Examples.collaborator),
            "CollaboratorInvite": encoded(invite),
            "CollaboratorInviteList": list(invite),
            "ReviewSessionView": encoded(ReviewSessionView(access, studio: "Northlight VFX")),
            "ReviewItem": encoded(reviewItem),
            "ReviewItemList": list(reviewItem),
            "UploadCompleted": encoded(UploadCompleted(original: ComponentView(Examples.component), job: Examples.job)),
            "UploadState": encoded(UploadState(
                id: Examples.job.id, versionID: Examples.version.id, fileName: "sh010_comp_v003.mov", size: 2_147_483_648,
                offset: 1_048_576, complete: true, original: ComponentView(Examples.component), job: Examples.job)),
            "Job": encoded(Examples.job),
            "JobList": list(Examples.job),
            "WorkerList": list(Examples.worker),
            "ReprocessStarted": encoded(ReprocessStarted(batchID: Examples.batch.batchID, profile: "review-1080", enqueued: 17,
                                                         upToDate: 3, withoutMedia: 0, jobs: [Examples.job])),
            "BatchSummary": encoded(Examples.batch),
            "Webhook": encoded(Examples.webhook),
            "WebhookList": list(Examples.webhook),
        ]
    }()

    static let errorExample: JSONValue = ["error": ["code": "invalid_field", "message": "title: must not be empty",
                                                    "field": "title"]]
}
