import Catalog
import Foundation
import Testing

@testable import ReviewServer

@Suite("Review server API")
struct APITests {
    @Test("a project, versions, a session from a selection, items, collaborators: the whole flow over HTTP")
    func flow() async throws {
        try await TestServer.run { server in
            let staff = server.admin
            #expect(try await server.anonymous.get("/healthz").status == 200)
            let project = try await staff.post("/api/v1/projects", ["name": "Feature", "code": "FT"])
            #expect(project.status == 201)
            let projectID = try #require(project.string("id"))
            var versionIDs: [String] = []
            for shot in ["sh010", "sh020", "sh030"] {
                let version = try await staff.post("/api/v1/projects/\(projectID)/versions",
                                                   ["name": "\(shot)_comp", "version_number": 3, "shot": shot])
                #expect(version.status == 201 && version.json["media_state"] as? String == "none")
                versionIDs.append(try #require(version.string("id")))
            }
            let session = try await staff.post("/api/v1/projects/\(projectID)/sessions",
                                               ["version_ids": versionIDs, "description": "Comp finals"])
            #expect(session.status == 201)
            #expect(session.string("title") == "New review session")
            let sessionID = try #require(session.string("id"))
            let starts = try #require(session.string("starts_at"))
            #expect(starts.hasSuffix("Z"), "times are UTC ISO 8601: \(starts)")

            var items = try await staff.get("/api/v1/sessions/\(sessionID)/items")
            #expect(items.data.map { $0["version_label"] as? String } == ["v003", "v003", "v003"])
            let itemIDs = items.data.compactMap { $0["id"] as? String }
            items = try await staff.post("/api/v1/sessions/\(sessionID)/items/\(itemIDs[2])/move", ["position": 0])
            #expect(items.data.compactMap { $0["id"] as? String } == [itemIDs[2], itemIDs[0], itemIDs[1]])
            items = try await staff.put("/api/v1/sessions/\(sessionID)/items/order", ["item_ids": itemIDs])
            #expect(items.data.compactMap { $0["id"] as? String } == itemIDs)
            items = try await staff.post("/api/v1/sessions/\(sessionID)/items/remove", ["item_ids": [itemIDs[1]]])
            #expect(items.data.compactMap { $0["position"] as? Int } == [0, 1])
            let renamed = try await staff.patch("/api/v1/sessions/\(sessionID)/items/\(itemIDs[0])",
                                                ["client_name": "Opening shot", "reason": "New grade"])
            #expect(renamed.string("client_name") == "Opening shot")

            let invited = try await staff.post("/api/v1/sessions/\(sessionID)/collaborators",
                                               ["name": "Dana", "email": "dana@client.example", "role": "approver"])
            #expect(invited.status == 201)
            let link = try #require(invited.string("invite_url"))
            #expect(link.hasPrefix("http://review.test/review/invite/di_"))
            let token = String(link.split(separator: "/").last!)

            // The collaborator trades the link for the cookie and sees the session as a client does.
            let client = server.anonymous
            let entered = try await client.post("/api/v1/review/access", ["token": token])
            #expect(entered.status == 200 && entered.string("title") == "New review session")
            let setCookie = try #require(entered.headers["set-cookie"])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
            let seen = try await client.get("/api/v1/review/sessions/\(sessionID)/items")
            #expect(seen.data.map { $0["name"] as? String } == ["Opening shot", "sh030_comp"])
            #expect(seen.data.first?["version_name"] == nil, "internal names stay internal")
            #expect(try await client.post("/api/v1/review/logout").status == 204)
            #expect(try await client.get("/api/v1/review/sessions/\(sessionID)").status == 401)

            // Staff open the session and join as approvers, with a link of their own that enters the
            // review site; opening again is the same collaborator and the same link. Clone copies
            // collaborators with fresh links.
            let opened = try await staff.post("/api/v1/sessions/\(sessionID)/open")
            #expect((opened.json["collaborator"] as? [String: Any])?["role"] as? String == "approver")
            let ownLink = try #require(opened.string("invite_url"))
            #expect(try await staff.post("/api/v1/sessions/\(sessionID)/open").string("invite_url") == ownLink)
            let ownToken = try #require(ownLink.components(separatedBy: "/review/invite/").last)
            let staffBrowser = server.anonymous
            #expect(try await staffBrowser.post("/api/v1/review/access", ["token": ownToken]).status == 200)
            #expect(try await staffBrowser.get("/api/v1/review/sessions/\(sessionID)").status == 200)
            let clone = try await staff.post("/api/v1/sessions/\(sessionID)/clone")
            #expect(clone.status == 201)
            #expect(((clone.json["invites"] as? [[String: Any]]) ?? []).count == 2)
            let list = try await staff.get("/api/v1/projects/\(projectID)/sessions?limit=1")
            #expect(list.data.count == 1 && (list.json["pagination"] as? [String: Any])?["total"] as? Int == 2)
            #expect(try await staff.delete("/api/v1/sessions/\(sessionID)").status == 204)
            #expect(try await staff.get("/api/v1/sessions/\(sessionID)").status == 404)
        }
    }

    @Test("bad requests answer 4xx with a clear error and change nothing")
    func badInput() async throws {
        try await TestServer.run { server in
            let staff = server.admin
            let project = try await staff.post("/api/v1/projects", ["name": "Feature"])
            let projectID = try #require(project.string("id"))
            let session = try await staff.post("/api/v1/projects/\(projectID)/sessions", ["title": "Review"])
            let sessionID = try #require(session.string("id"))
            let before = try await staff.get("/api/v1/sessions/\(sessionID)").body

            let cases: [(String, String, Any?, String?, Int, String)] = [
                ("POST", "/api/v1/projects", nil, "{\"name\": ", 400, "invalid_json"),
                ("POST", "/api/v1/projects", nil, "", 400, "invalid_json"),
                ("POST", "/api/v1/projects", ["name": 42], nil, 400, "invalid_field"),
                ("POST", "/api/v1/projects", ["code": "X"], nil, 400, "invalid_field"),
                ("POST", "/api/v1/projects", ["name": String(repeating: "n", count: 201)], nil, 400, "invalid_field"),
                ("POST", "/api/v1/projects", ["name": "Feature"], nil, 409, "conflict"),
                ("GET", "/api/v1/projects/\(UUID().uuidString)", nil, nil, 404, "not_found"),
                ("GET", "/api/v1/projects/not-an-id", nil, nil, 404, "not_found"),
                ("GET", "/api/v1/projects?limit=0", nil, nil, 400, "invalid_field"),
                ("GET", "/api/v1/projects?limit=ten", nil, nil, 400, "invalid_field"),
                ("PATCH", "/api/v1/sessions/\(sessionID)", ["title": ""], nil, 400, "invalid_field"),
                ("PATCH", "/api/v1/sessions/\(sessionID)", ["description": String(repeating: "d", count: 10_001)], nil, 400, "invalid_field"),
                ("PATCH", "/api/v1/sessions/\(sessionID)", ["starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-11-01T00:00:00Z"], nil, 422, "invalid_field"),
                ("PATCH", "/api/v1/sessions/\(sessionID)", ["ends_at": "next tuesday"], nil, 400, "invalid_field"),
                ("POST", "/api/v1/sessions/\(sessionID)/collaborators", ["name": "Dana", "email": "dana at client"], nil, 400, "invalid_field"),
                ("POST", "/api/v1/sessions/\(sessionID)/collaborators", ["name": "Dana", "role": "boss"], nil, 400, "invalid_field"),
                ("POST", "/api/v1/sessions/\(sessionID)/items", ["version_ids": [UUID().uuidString]], nil, 404, "not_found"),
                ("POST", "/api/v1/sessions/\(sessionID)/items", ["version_ids": []], nil, 400, "invalid_field"),
                ("POST", "/api/v1/sessions/\(UUID().uuidString)/items", ["version_ids": [UUID().uuidString]], nil, 404, "not_found"),
                ("PATCH", "/api/v1/organization", ["reply_to": "nobody"], nil, 400, "invalid_field"),
                ("POST", "/api/v1/users", ["name": "X", "email": "x"], nil, 400, "invalid_field"),
            ]
            for (method, path, json, raw, status, code) in cases {
                let answer = try await staff.send(method, path, json: json, raw: raw)
                #expect(answer.status == status, "\(method) \(path) \(String(describing: json ?? raw as Any))")
                #expect(answer.errorCode == code, "\(method) \(path): \(String(decoding: answer.body, as: UTF8.self))")
                let message = (answer.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.count > 8, "a clear message: \(message)")
            }
            #expect(try await staff.get("/api/v1/sessions/\(sessionID)").body == before, "nothing changed")
            #expect(try await staff.get("/api/v1/projects").data.count == 1)
            let huge = try await staff.send("POST", "/api/v1/projects", raw: "{\"name\": \"" + String(repeating: "x", count: 2 << 20) + "\"}")
            #expect(huge.status == 413)
            // A body a page on another site could send with a plain POST is not taken as JSON.
            let plain = try await staff.send("POST", "/api/v1/projects", raw: #"{"name": "Sneaky"}"#,
                                             headers: ["Content-Type": "text/plain"])
            #expect(plain.status == 415 && plain.errorCode == "unsupported_media_type")
            #expect(try await staff.get("/api/v1/projects").data.count == 1)
            // Every answer, errors too, carries the security headers.
            for answer in [plain, try await staff.get("/api/v1/projects"), try await server.anonymous.get("/nowhere")] {
                #expect(answer.headers["x-content-type-options"] == "nosniff")
                #expect(answer.headers["referrer-policy"] == "no-referrer")
                #expect(answer.headers["content-security-policy"] == "frame-ancestors 'none'")
            }
        }
    }

    @Test("only admins manage staff, though every staff member reads who the others are; a new staff member's key works at once")
    func staff() async throws {
        try await TestServer.run { server in
            let created = try await server.admin.post("/api/v1/users", ["name": "Ben", "email": "ben@studio.example"])
            #expect(created.status == 201)
            let key = try #require(created.string("api_key"))
            let ben = TestClient(baseURL: server.baseURL, apiKey: key)
            #expect(try await ben.get("/api/v1/me").string("email") == "ben@studio.example")
            // Pages show assignees by name: every staff member reads the list; only admins change it.
            #expect(try await ben.get("/api/v1/users").data.compactMap { $0["email"] as? String }.contains("ben@studio.example"))
            #expect(try await ben.post("/api/v1/users", ["name": "Cy", "email": "cy@studio.example"]).status == 403)
            #expect(try await ben.post("/api/v1/users/\(try #require(created.json["user"] as? [String: Any])["id"] as! String)/invite").status == 403)
            #expect(try await ben.patch("/api/v1/organization", ["name": "Takeover"]).status == 403)
            let wrong = TestClient(baseURL: server.baseURL, apiKey: "dk_wrong")
            #expect(try await wrong.get("/api/v1/projects").errorCode == "invalid_api_key")
            #expect(try await server.anonymous.send("GET", "/api/v1/projects", headers: ["Authorization": "Basic abc"]).status == 401)
        }
    }

    @Test("50 concurrent adds, moves and removes over HTTP leave a clean order")
    func concurrentOrder() async throws {
        try await TestServer.run { server in
            let staff = server.admin
            let projectID = try #require(try await staff.post("/api/v1/projects", ["name": "Busy"]).string("id"))
            var versions: [String] = []
            for number in 0..<30 {
                versions.append(try #require(try await staff.post("/api/v1/projects/\(projectID)/versions",
                                                                  ["name": "v\(number)"]).string("id")))
            }
            let sessionID = try #require(try await staff.post("/api/v1/projects/\(projectID)/sessions",
                                                              ["version_ids": Array(versions.prefix(10))]).string("id"))
            let start = try await staff.get("/api/v1/sessions/\(sessionID)/items").data.compactMap { $0["id"] as? String }
            let spare = Array(versions.suffix(20))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for operation in 0..<50 {
                    group.addTask {
                        switch operation % 3 {
                        case 0:
                            return try await staff.post("/api/v1/sessions/\(sessionID)/items",
                                                        ["version_ids": [spare[operation / 3]], "position": 0]).status
                        case 1:
                            return try await staff.post("/api/v1/sessions/\(sessionID)/items/\(start[operation % 10])/move",
                                                        ["position": operation % 5]).status
                        default:
                            return try await staff.post("/api/v1/sessions/\(sessionID)/items/remove",
                                                        ["item_ids": [start[(operation / 3) % 10]]]).status
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            // Moves and removes of an item another call removed first answer 404; nothing else fails.
            #expect(statuses.allSatisfy { [200, 201, 404].contains($0) }, "\(statuses)")
            let items = try await staff.get("/api/v1/sessions/\(sessionID)/items").data
            #expect(items.compactMap { $0["position"] as? Int } == Array(0..<items.count))
            #expect(items.count == 17)
        }
    }

    @Test("the OpenAPI document describes every route, and each route it lists exists")
    func openAPI() async throws {
        try await TestServer.run { server in
            let answer = try await server.anonymous.get("/api/v1/openapi.json")
            #expect(answer.status == 200)
            let document = answer.json
            #expect(document["openapi"] as? String == "3.0.3")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            var operationIDs = Set<String>()
            var count = 0
            for (path, methods) in paths {
                for (method, value) in methods {
                    count += 1
                    let operation = try #require(value as? [String: Any])
                    let id = try #require(operation["operationId"] as? String)
                    #expect(operationIDs.insert(id).inserted, "operationId \(id) is unique")
                    let declared = Set(((operation["parameters"] as? [[String: Any]]) ?? [])
                        .filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                    #expect(declared == Set(OpenAPIDocument.pathSegments(path)), "\(method) \(path) declares its parameters")
                    let responses = try #require(operation["responses"] as? [String: Any])
                    for case let response as [String: Any] in responses.values {
                        if let reference = (((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
                            as? [String: Any])?["$ref"] as? String {
                            #expect(schemas[String(reference.split(separator: "/").last!)] != nil, "\(reference) resolves")
                        }
                    }
                    // The route exists: the router does not answer it with its own 404 "no route".
                    let concrete = path.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: UUID().uuidString, options: .regularExpression)
                    let hasBody = !["get", "delete"].contains(method)
                    let probe = try await server.admin.send(method.uppercased(), concrete, json: hasBody ? [:] : nil)
                    #expect(!(probe.status == 404 && probe.errorCode != "not_found") && probe.status != 405,
                            "\(method) \(path) is routed (\(probe.status) \(probe.errorCode ?? ""))")
                }
            }
            #expect(count >= 40, "\(count) operations")
        }
    }
}
