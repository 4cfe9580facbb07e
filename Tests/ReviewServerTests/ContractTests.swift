import Catalog
import Foundation
import Hummingbird
import MediaTestSupport
import Testing

@testable import ReviewServer

/// The OpenAPI document against the server: every route is in it, its examples match its
/// schemas, and the server enforces what it states. (The schema-driven fuzzer and a
/// generated client run against a real server in `Tests/Contract`.)
@Suite("API contract")
struct ContractTests {
    @Test("every API route the router has is in the document, and the document lists no other")
    func routesAreDocumented() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-contract-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = try await TestCatalogs.open(dataDirectory: directory)
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory)
        let services = try await makeServices(configuration, catalog: catalog)
        let (router, operations) = buildRouter(services: services)
        // Pages for people (the review site, the unsubscribe page) are not the API's: the API is
        // /api/v1 and the health check.
        let all = Set(router.routes.map { "\($0.method) \($0.path)" })
        let routed = all.filter { $0.contains(" /api/") || $0.hasSuffix(" /healthz") }
        #expect(all.subtracting(routed).isSuperset(of: ["GET /unsubscribe/{token}", "POST /unsubscribe/{token}",
                                                        "GET /review/invite/{token}"]))
        let served = try #require(try JSONSerialization.jsonObject(
            with: Data(OpenAPIDocument(operations: operations, serverURL: "http://review.test").json)) as? [String: Any])
        var documented = Set<String>()
        for (path, methods) in try #require(served["paths"] as? [String: [String: Any]]) {
            for (method, value) in methods {
                documented.insert("\(method.uppercased()) \(path)")
                let operation = try #require(value as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                // Success is a 2xx, or for the rooms the switch to WebSocket.
                #expect(responses.keys.contains { $0.hasPrefix("2") || (path.hasSuffix("/room") && $0 == "101") },
                        "\(method) \(path) documents its success")
                for (status, response) in responses where Int(status)! >= 400 {
                    let schema = ((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
                    #expect((schema as? [String: Any])?["$ref"] as? String == "#/components/schemas/Error",
                            "\(method) \(path) \(status) answers the shared error body")
                }
                if ["post", "put", "patch"].contains(method), operation["requestBody"] == nil {
                    // A write without a body is an action on the path's record (close, retry…).
                    #expect(!path.hasSuffix("s"), "\(method) \(path) takes no body")
                }
            }
        }
        #expect(routed == documented, """
            routed, not documented: \(routed.subtracting(documented).sorted()); \
            documented, not routed: \(documented.subtracting(routed).sorted())
            """)
        #expect(documented.count >= 60)
        try await catalog.close()
    }

    @Test("every answer's example matches its schema, and every schema has an example")
    func examplesMatchSchemas() throws {
        #expect(Set(ResponseSchemas.examples.keys) == Set(ResponseSchemas.named.keys))
        for (name, example) in ResponseSchemas.examples {
            let schema = try #require(ResponseSchemas.named[name])
            #expect(throws: Never.self, "\(name)") { try schema.check(example) }
        }
    }

    @Test("a schema's pattern says what its check does, in a regular expression engine of its own")
    func patternsAgreeWithChecks() throws {
        let samples = ["a", " a ", "", "   ", "a\nb", "\u{2028}", "a\u{00A0}", "\u{3000}", "..", ".", "a.b", "x/y", "x\\y",
                       "\u{7}", "name\u{301}", "\u{1F3FB}", "a@b.c", "a@b", "@b.c", "a@.b", "a@b.", "a b@c.d", "a,b@c.d",
                       "a@b@c.d", "v@\u{1F3FB}.x", String(repeating: "x", count: 201)]
        let schemas: [(String, Schema)] = [
            ("name", .string(FieldRules.name)), ("label", .string(FieldRules.label)), ("file name", .string(TextRule.fileName)),
            ("email", .email), ("passphrase", .string(TextRule.passphrase)),
        ]
        for (label, schema) in schemas {
            guard case .object(let document) = schema.document, case .string(let pattern)? = document["pattern"] else { continue }
            // ICU's $ also matches before a final line break; the document's $ (ECMA-262) does not.
            let anchored = pattern.hasPrefix("^") ? "\\A" + pattern.dropFirst().dropLast() + "\\z" : pattern
            let expression = try NSRegularExpression(pattern: anchored)
            for sample in samples {
                let range = NSRange(sample.startIndex..., in: sample)
                let matches = expression.firstMatch(in: sample, range: range) != nil
                let lengthOK = { if case .integer(let max)? = document["maxLength"] { sample.unicodeScalars.count <= max } else { true } }()
                    && { if case .integer(let min)? = document["minLength"] { sample.unicodeScalars.count >= min } else { true } }()
                let checked = (try? schema.check(.string(sample))) != nil
                #expect(checked == (matches && lengthOK), "\(label): \(sample.debugDescription)")
            }
        }
    }

    @Test("bodies are checked against the route's schema: types, unknown fields, null, enums, lengths, times")
    func bodiesAreChecked() async throws {
        try await TestServer.run { server in
            let admin = server.admin
            func refusal(_ body: String, _ path: String = "/api/v1/projects") async throws -> (Int, String?) {
                let answer = try await admin.send("POST", path, raw: body)
                return (answer.status, (answer.json["error"] as? [String: Any])?["field"] as? String)
            }
            #expect(try await refusal(#"{"name": 5}"#) == (400, "name"))
            #expect(try await refusal(#"{"name": "A", "colour": "red"}"#) == (400, "colour"))
            #expect(try await refusal(#"{"name": null}"#) == (400, "name"))
            #expect(try await refusal(#"{"name": "   "}"#) == (400, "name"))
            #expect(try await refusal(#"{"name": "A", "defaults": {"share_days": 0}}"#) == (400, "defaults.share_days"))
            #expect(try await refusal(#"{}"#) == (400, "name"))
            let project = try await admin.send("POST", "/api/v1/projects", raw: #"{"name": "Contract", "code": null}"#)
            #expect(project.status == 201)
            let projectID = try #require(project.string("id"))
            // Any RFC 3339 form: lower-case t and z, an offset, a long fraction.
            let session = try await admin.send("POST", "/api/v1/projects/\(projectID)/sessions", raw:
                #"{"starts_at": "2026-11-23t10:00:00.5+01:00", "ends_at": "2026-11-30T09:00:00z"}"#)
            #expect(session.status == 201)
            #expect(session.string("starts_at") == "2026-11-23T09:00:00.500Z")
            #expect(try await refusal(#"{"starts_at": "23 Nov 2026"}"#, "/api/v1/projects/\(projectID)/sessions") == (400, "starts_at"))
            #expect(try await refusal(#"{"ends_at": "2026-02-30T09:00:00Z"}"#, "/api/v1/projects/\(projectID)/sessions") == (400, "ends_at"))
            let sessionID = try #require(session.string("id"))
            #expect(try await refusal(#"{"name": "Dana", "role": "boss"}"#, "/api/v1/sessions/\(sessionID)/collaborators")
                    == (400, "role"))
            // A rule no schema states is a 422, and the document lists it for the route.
            let backwards = try await admin.send("PATCH", "/api/v1/sessions/\(sessionID)",
                                                 raw: #"{"ends_at": "2020-01-01T00:00:00Z"}"#)
            #expect(backwards.status == 422)
            // Parameters: a query value outside its range, a malformed id in the path.
            #expect(try await admin.get("/api/v1/projects?limit=501").status == 400)
            #expect(try await admin.get("/api/v1/projects?limit=ten").status == 400)
            #expect(try await admin.get("/api/v1/jobs?state=done").status == 400)
            #expect(try await admin.get("/api/v1/projects/not-an-id").status == 404)
        }
    }

    @Test("the feedback schemas take the format page's anchors and drawings, and refuse what the catalog refuses")
    func feedbackSchemas() throws {
        func json(_ object: Any) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: object))
        }
        var drawings = 0
        for comment in FeedbackFormatPage.comments() {
            if let anchor = comment["anchor"] as? [String: Any] {
                try FeedbackSchemas.anchor.check(try json(anchor.filter { ["frame", "first", "last"].contains($0.key) }))
                // The labels are the API's to add: a request may not send them.
                #expect(throws: SchemaViolation.self) { try FeedbackSchemas.anchor.check(try json(anchor)) }
            }
            if let drawing = comment["drawing"] {
                try FeedbackSchemas.drawing.check(try json(drawing))
                drawings += 1
            }
        }
        #expect(drawings >= 1)
        for refused in [#"{"frame": 1, "first": 2}"#, #"{"first": 1}"#, #"{"frame": -1}"#, #"{"frame": 1.5}"#, #"[]"#] {
            #expect(throws: SchemaViolation.self, "\(refused)") { try FeedbackSchemas.anchor.check(JSONValue(json: refused)!) }
        }

        // The catalog's refusals, as requests: the schema refuses each, naming the field,
        // except what only the catalog can count.
        for (drawing, _, field) in FeedbackFormatPage.refusedDrawings {
            let value = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(drawing))
            do {
                try FeedbackSchemas.drawing.check(value)
                #expect(field == nil, "the schema took a drawing that breaks \(field ?? "")")
                #expect(throws: CatalogError.self) { try drawing.validated() }
            } catch {
                #expect(error.path == field)
            }
        }
        try FeedbackSchemas.drawing.check(try JSONDecoder().decode(
            JSONValue.self, from: JSONEncoder().encode(FeedbackFormatPage.largestDrawing)))
        // An unknown shape is refused by its type.
        let star = JSONValue(json: ##"{"display": {"width": 10, "height": 10, "pixel_aspect": "1/1"}, "shapes": [{"id": "9A8B7C6D-5E4F-4031-8293-A4B5C6D7E8F9", "type": "star", "color": "#FFFFFFFF"}]}"##)!
        #expect(throws: SchemaViolation.self) { try FeedbackSchemas.drawing.check(star) }
    }

    @Test("a method a path does not have answers 405 with Allow")
    func methodNotAllowed() async throws {
        try await TestServer.run { server in
            let answer = try await server.admin.send("DELETE", "/api/v1/projects")
            #expect(answer.status == 405)
            #expect(answer.headers["allow"] == "GET, POST")
            #expect(answer.errorCode == "method_not_allowed")
            // The fixed segment wins, as in the router: /items/order is PUT only.
            let order = try await server.admin.send("PATCH", "/api/v1/sessions/\(UUID())/items/order")
            #expect(order.status == 405)
            #expect(order.headers["allow"] == "PUT")
            #expect(try await server.admin.send("GET", "/api/v1/no-such-thing").status == 404)
        }
    }

    @Test("links lead from each creating operation to those that take the id it makes")
    func links() async throws {
        try await TestServer.run { server in
            let document = try await server.anonymous.get("/api/v1/openapi.json").json
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            func links(_ method: String, _ path: String, _ status: String) throws -> [String: [String: Any]] {
                let responses = try #require(paths[path]?[method]?["responses"] as? [String: [String: Any]])
                return try #require(responses[status]?["links"] as? [String: [String: Any]], "\(method) \(path) has links")
            }
            let project = try links("post", "/api/v1/projects", "201")
            #expect((project["get_projects_by_project_id"]?["parameters"] as? [String: String])?["project_id"]
                    == "$response.body#/id")
            #expect(project["post_projects_by_project_id_versions"] != nil)
            let items = try links("post", "/api/v1/sessions/{session_id}/items", "201")
            #expect((items["patch_sessions_by_session_id_items_by_item_id"]?["parameters"] as? [String: String])
                    == ["item_id": "$response.body#/data/0/id", "session_id": "$response.body#/data/0/session_id"])
            let invite = try links("post", "/api/v1/sessions/{session_id}/collaborators", "201")
            #expect(invite["delete_sessions_by_session_id_collaborators_by_collaborator_id"] != nil)
            for (method, path, status) in [("post", "/api/v1/projects/{project_id}/versions", "201"),
                                           ("post", "/api/v1/projects/{project_id}/sessions", "201"),
                                           ("post", "/api/v1/versions/{version_id}/uploads", "201"),
                                           ("put", "/api/v1/versions/{version_id}/media", "202"),
                                           ("post", "/api/v1/webhooks", "201")] {
                #expect(try !links(method, path, status).isEmpty)
            }
            // Every link names an operation of the document, and fills every id its path takes.
            var operationIDs: [String: String] = [:]
            for (path, methods) in paths { for (_, operation) in methods { operationIDs[operation["operationId"] as! String] = path } }
            for (_, methods) in paths {
                for (_, operation) in methods {
                    for case let response as [String: Any] in (operation["responses"] as? [String: Any] ?? [:]).values {
                        for (_, link) in response["links"] as? [String: [String: Any]] ?? [:] {
                            let target = try #require(operationIDs[link["operationId"] as! String])
                            let ids = OpenAPIDocument.pathSegments(target).filter { $0.hasSuffix("_id") }
                            #expect(Set(ids).isSubset(of: Set((link["parameters"] as? [String: String] ?? [:]).keys)))
                        }
                    }
                }
            }
        }
    }
}

extension JSONValue {
    var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
