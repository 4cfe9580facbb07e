import Catalog
import Foundation
import MediaTestSupport
import Testing

@testable import ReviewServer

/// What the administration pages need of the server, on a real one: API keys an admin
/// issues, lists, revokes and replaces; staff made admins or deactivated, never leaving the
/// studio without an active admin; the job list filtered by project and version.
@Suite("Staff administration over HTTP")
struct StaffAdministrationAPITests {
    @Test("an admin issues a key shown once, lists it by label and hint, revokes it (401 from then on) and replaces one")
    func apiKeys() async throws {
        try await TestServer.run { server in
            let created = try await server.admin.post("/api/v1/users", ["name": "Render Farm", "email": "farm@studio.example"])
            let userID = try #require((created.json["user"] as? [String: Any])?["id"] as? String)

            let issued = try await server.admin.post("/api/v1/users/\(userID)/api-keys", ["label": "  nightly renders "])
            #expect(issued.status == 201)
            let secret = try #require(issued.string("api_key"))
            let key = try #require(issued.json["key"] as? [String: Any])
            #expect(key["label"] as? String == "nightly renders" && key["hint"] as? String == String(secret.prefix(7)))
            #expect(key["revoked_at"] == nil && issued.json["replaces"] == nil)
            let farm = TestClient(baseURL: server.baseURL, apiKey: secret)
            #expect(try await farm.get("/api/v1/me").string("email") == "farm@studio.example")

            let listed = try await server.admin.get("/api/v1/users/\(userID)/api-keys")
            let keys = try #require(listed.json["data"] as? [[String: Any]])
            #expect(keys.count == 2, "the key made with the member, then this one")
            #expect(keys.first?["id"] as? String == key["id"] as? String, "newest first")
            #expect(!String(decoding: listed.body, as: UTF8.self).contains(secret) && keys.allSatisfy { $0["key_digest"] == nil }, "never the secret nor its digest")

            let keyID = try #require(key["id"] as? String)
            let revoked = try await server.admin.post("/api/v1/api-keys/\(keyID)/revoke")
            #expect(revoked.status == 200 && revoked.string("revoked_at") != nil)
            let refused = try await farm.get("/api/v1/me")
            #expect(refused.status == 401, "\(refused.status) \(refused.errorCode ?? "")")
            #expect(try await server.admin.post("/api/v1/api-keys/\(keyID)/revoke").status == 200, "revoking again changes nothing")

            // Replacing: the old key stops, the new one (same label) works at once.
            let other = try #require(keys.last?["id"] as? String)
            let oldSecret = try #require(created.string("api_key"))
            let reissued = try await server.admin.post("/api/v1/api-keys/\(other)/reissue")
            #expect(reissued.status == 201 && reissued.string("replaces") == other)
            let newSecret = try #require(reissued.string("api_key"))
            #expect(try await TestClient(baseURL: server.baseURL, apiKey: oldSecret).get("/api/v1/me").status == 401)
            #expect(try await TestClient(baseURL: server.baseURL, apiKey: newSecret).get("/api/v1/me").status == 200)

            // Only admins, and only real keys and people.
            let notAdmin = TestClient(baseURL: server.baseURL, apiKey: newSecret)
            #expect(try await notAdmin.get("/api/v1/users/\(userID)/api-keys").status == 403)
            #expect(try await notAdmin.post("/api/v1/users/\(userID)/api-keys", [:]).status == 403)
            #expect(try await server.admin.post("/api/v1/api-keys/\(UUID())/revoke").status == 404)
            #expect(try await server.admin.get("/api/v1/users/\(UUID())/api-keys").status == 404)
            let long = try await server.admin.post("/api/v1/users/\(userID)/api-keys", ["label": String(repeating: "x", count: 500)])
            #expect(long.status == 400 || long.status == 422, "\(long.status)")
        }
    }

    @Test("admins make admins and deactivate staff; the last active admin cannot be demoted nor deactivated")
    func rolesAndDeactivation() async throws {
        try await TestServer.run { server in
            let admin = try #require(try await server.catalog.staffUser(apiKey: server.adminKey))
            let alone = try await server.admin.patch("/api/v1/users/\(admin.id)", ["is_admin": false])
            #expect(alone.status == 409 && alone.errorCode == "conflict" && String(decoding: alone.body, as: UTF8.self).contains("only active admin"))
            #expect(try await server.admin.patch("/api/v1/users/\(admin.id)", ["active": false]).status == 409)

            let created = try await server.admin.post("/api/v1/users", ["name": "Ada Park", "email": "ada@studio.example"])
            let ada = try #require((created.json["user"] as? [String: Any])?["id"] as? String)
            let adaKey = TestClient(baseURL: server.baseURL, apiKey: try #require(created.string("api_key")))
            #expect(try await adaKey.get("/api/v1/users/\(ada)/api-keys").status == 403, "not an admin yet")
            let promoted = try await server.admin.patch("/api/v1/users/\(ada)", ["is_admin": true])
            #expect(promoted.status == 200 && promoted.json["is_admin"] as? Bool == true)
            #expect(try await adaKey.get("/api/v1/users/\(ada)/api-keys").status == 200)

            // Two admins now: Ada may step the first one down, who then may not manage staff.
            #expect(try await adaKey.patch("/api/v1/users/\(admin.id)", ["is_admin": false]).status == 200)
            #expect(try await server.admin.get("/api/v1/users/\(ada)/api-keys").status == 403)
            #expect(try await adaKey.patch("/api/v1/users/\(ada)", ["active": false]).status == 409, "Ada is the only admin left")

            // Deactivating: the key stops, the records stay; reactivating lets them in again.
            let off = try await adaKey.patch("/api/v1/users/\(admin.id)", ["active": false])
            #expect(off.status == 200 && off.string("deactivated_at") != nil)
            #expect(try await server.admin.get("/api/v1/me").status == 401)
            let on = try await adaKey.patch("/api/v1/users/\(admin.id)", ["active": true, "username": "first.admin"])
            #expect(on.status == 200 && on.json["deactivated_at"] == nil && on.string("username") == "first.admin")
            #expect(try await server.admin.get("/api/v1/me").status == 200)
        }
    }

    @Test("jobs filter by project and by version: transcodes by their version, reports by their session's project")
    func jobsByProjectAndVersion() async throws {
        try await TestServer.run { server in
            let catalog = server.catalog
            let feature = try await catalog.createProject(name: "Feature")
            let short = try await catalog.createProject(name: "Short")
            let sh010 = try await catalog.createVersion(projectID: feature.id, VersionFields(name: "sh010"))
            let sh020 = try await catalog.createVersion(projectID: feature.id, VersionFields(name: "sh020"))
            let other = try await catalog.createVersion(projectID: short.id, VersionFields(name: "sh900"))
            var queued: [UUID: UUID] = [:]  // job → version
            for version in [sh010, sh020, other] {
                queued[try await catalog.enqueue(.transcode, payload: TranscodeJob(versionID: version.id, profile: "review-1080")).id] = version.id
            }
            let session = try await catalog.createSession(projectID: feature.id, versionIDs: [sh010.id])
            #expect(try await server.admin.post("/api/v1/review/sessions/\(session.id)/reports", [:]).status == 202)

            func ids(_ query: String) async throws -> Set<String> {
                let answer = try await server.admin.get("/api/v1/jobs?\(query)")
                #expect(answer.status == 200, "\(query): \(answer.status)")
                return Set(answer.data.compactMap { ($0["id"] as? String)?.lowercased() })
            }
            func job(of version: Version) -> String { queued.first { $0.value == version.id }!.key.uuidString.lowercased() }
            let reports = try await ids("project_id=\(feature.id)&kind=report")
            #expect(reports.count == 1, "the report's job, by its session's project")
            #expect(try await ids("project_id=\(feature.id)") == reports.union([job(of: sh010), job(of: sh020)]))
            #expect(try await ids("project_id=\(short.id)") == [job(of: other)])
            #expect(try await ids("version_id=\(sh020.id)&kind=transcode") == [job(of: sh020)])
            #expect(try await ids("version_id=\(UUID())").isEmpty)
            #expect(try await server.admin.get("/api/v1/jobs?project_id=nope").status == 400)
        }
    }
}
