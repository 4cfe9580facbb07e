import Catalog
import Foundation
import Testing

@testable import ReviewServer

/// Every route of the API, tried by every kind of caller, in every state a session can be in.
///
/// The routes come from the served OpenAPI document, so a route added without a row here
/// fails the test. Each (state, route) gets a fresh world, so routes that delete or change
/// things cannot disturb the next.
@Suite("Access matrix")
struct AccessMatrixTests {
    enum State: String, CaseIterable, Sendable {
        case withinSchedule, beforeStart, afterEnd, closed, passphraseMissing, passphraseWrong, revoked
    }

    enum Actor: String, CaseIterable {
        case none, otherCollaborator, linkVisitor, collaborator, staff
    }

    /// What a route is, for the expectations.
    enum Kind {
        case open
        /// Staff routes; `blockedWhenClosed` changes items, which a closed session refuses.
        case staff(blockedWhenClosed: Bool)
        case collaborator
        case inviteExchange
        case shareJoin
    }

    static let passphrase = "north light"

    /// The world one route is tried in.
    struct World {
        let projectID: UUID
        let sessionID: UUID
        let versionIDs: [UUID]
        let spareVersionID: UUID
        let itemIDs: [UUID]
        let collaboratorID: UUID
        let inviteToken: String
        let shareToken: String
        let clients: [Actor: TestClient]
    }

    static func makeWorld(_ server: TestServer, state: State) async throws -> World {
        let catalog = server.catalog
        let project = try await catalog.createProject(name: "Show \(UUID().uuidString.prefix(8))")
        var versions: [UUID] = []
        for name in ["sh010", "sh020", "sh030"] {
            versions.append(try await catalog.createVersion(projectID: project.id, VersionFields(name: name)).id)
        }
        let needsPassphrase = state == .passphraseMissing || state == .passphraseWrong
        let session = try await catalog.createSession(
            projectID: project.id,
            SessionFields(settings: SessionSettingsUpdate(requirePassphrase: .some(needsPassphrase)),
                          passphrase: needsPassphrase ? .some(passphrase) : nil),
            versionIDs: Array(versions.prefix(2)))
        let (collaborator, invite) = try await catalog.addCollaborator(sessionID: session.id, name: "Client", email: "c@client.example")
        let share = try await catalog.rotateShareLink(sessionID: session.id)

        // Another session's collaborator, let in to their own session.
        let elsewhere = try await catalog.createSession(projectID: project.id)
        let (_, otherInvite) = try await catalog.addCollaborator(sessionID: elsewhere.id, name: "Other", email: nil)
        let other = server.anonymous
        #expect(try await other.post("/api/v1/review/access", ["token": otherInvite.value]).status == 200)

        // This session's collaborator and a link visitor try to come in, as the state has it.
        let offered: String? = switch state {
        case .passphraseMissing: nil
        case .passphraseWrong: "south dark"
        default: nil
        }
        let client = server.anonymous
        let visitor = server.anonymous
        var entry: [String: Any] = ["token": invite.value]
        var join: [String: Any] = ["share_token": share.value, "name": "Visitor"]
        if let offered {
            entry["passphrase"] = offered
            join["passphrase"] = offered
        }
        let entered = try await client.post("/api/v1/review/access", entry)
        let joined = try await visitor.post("/api/v1/review/join", join)
        #expect((entered.status == 200) == !needsPassphrase && (joined.status == 200) == !needsPassphrase)

        // Then the session moves into the state.
        let hour: TimeInterval = 3600
        switch state {
        case .beforeStart:
            _ = try await catalog.updateSession(id: session.id, SessionFields(startsAt: Date().addingTimeInterval(hour),
                                                                            endsAt: Date().addingTimeInterval(2 * hour)))
        case .afterEnd:
            _ = try await catalog.updateSession(id: session.id, SessionFields(startsAt: Date().addingTimeInterval(-2 * hour),
                                                                            endsAt: Date().addingTimeInterval(-hour)))
        case .closed:
            _ = try await catalog.closeSession(id: session.id)
        case .revoked:
            _ = try await catalog.updateCollaborator(sessionID: session.id, id: collaborator.id, CollaboratorUpdate(revoked: true))
        case .withinSchedule, .passphraseMissing, .passphraseWrong:
            break
        }
        return World(
            projectID: project.id, sessionID: session.id, versionIDs: versions, spareVersionID: versions[2],
            itemIDs: try await catalog.items(sessionID: session.id).map(\.id), collaboratorID: collaborator.id,
            inviteToken: invite.value, shareToken: share.value,
            clients: [.none: server.anonymous, .otherCollaborator: other, .linkVisitor: visitor, .collaborator: client,
                      .staff: server.admin])
    }

    /// The kind of each route and the body it is tried with, by "METHOD path".
    static func route(_ key: String, _ world: World, state: State) -> (Kind, Any?)? {
        let items = world.itemIDs.map(\.uuidString)
        let offered: Any = state == .passphraseMissing ? NSNull() : state == .passphraseWrong ? "south dark" : passphrase
        switch key {
        case "GET /healthz", "GET /api/v1/openapi.json": return (.open, nil)
        case "POST /api/v1/review/logout": return (.open, [:])
        case "POST /api/v1/review/access": return (.inviteExchange, ["token": world.inviteToken, "passphrase": offered])
        case "POST /api/v1/review/join":
            return (.shareJoin, ["share_token": world.shareToken, "name": "Another", "passphrase": offered])
        case "GET /api/v1/review/sessions/{session_id}", "GET /api/v1/review/sessions/{session_id}/items":
            return (.collaborator, nil)
        case "POST /api/v1/sessions/{session_id}/items":
            return (.staff(blockedWhenClosed: true), ["version_ids": [world.spareVersionID.uuidString]])
        case "POST /api/v1/sessions/{session_id}/items/remove":
            return (.staff(blockedWhenClosed: true), ["item_ids": [items[1]]])
        case "PUT /api/v1/sessions/{session_id}/items/order":
            return (.staff(blockedWhenClosed: true), ["item_ids": Array(items.reversed())])
        case "PATCH /api/v1/sessions/{session_id}/items/{item_id}":
            return (.staff(blockedWhenClosed: true), ["reason": "New grade"])
        case "POST /api/v1/sessions/{session_id}/items/{item_id}/move":
            return (.staff(blockedWhenClosed: true), ["position": 1])
        case "PATCH /api/v1/organization": return (.staff(blockedWhenClosed: false), ["name": "Northlight"])
        case "POST /api/v1/users":
            return (.staff(blockedWhenClosed: false), ["name": "New", "email": "new-\(UUID().uuidString.prefix(6))@studio.example"])
        case "POST /api/v1/projects": return (.staff(blockedWhenClosed: false), ["name": "P \(UUID().uuidString)"])
        case "PATCH /api/v1/projects/{project_id}": return (.staff(blockedWhenClosed: false), ["code": "FT"])
        case "POST /api/v1/projects/{project_id}/versions": return (.staff(blockedWhenClosed: false), ["name": "sh040"])
        case "PATCH /api/v1/versions/{version_id}": return (.staff(blockedWhenClosed: false), ["status": "approved"])
        case "POST /api/v1/projects/{project_id}/sessions": return (.staff(blockedWhenClosed: false), ["title": "Another"])
        case "PATCH /api/v1/sessions/{session_id}": return (.staff(blockedWhenClosed: false), ["description": "Notes"])
        case "POST /api/v1/sessions/{session_id}/collaborators": return (.staff(blockedWhenClosed: false), ["name": "New"])
        case "PATCH /api/v1/sessions/{session_id}/collaborators/{collaborator_id}":
            return (.staff(blockedWhenClosed: false), ["role": "observer"])
        case "POST /api/v1/sessions/{session_id}/invites": return (.staff(blockedWhenClosed: false), ["message": "Hello"])
        default:
            // Reads, deletes and actions without a body.
            guard key.hasPrefix("GET /api/v1/") || key.hasPrefix("DELETE /api/v1/") || key.hasPrefix("POST /api/v1/sessions/")
            else { return nil }
            return (.staff(blockedWhenClosed: false), key.hasPrefix("POST") ? [:] : nil)
        }
    }

    static func expected(_ kind: Kind, actor: Actor, state: State, success: Int) -> Int {
        switch kind {
        case .open:
            return success
        case .staff(let blockedWhenClosed):
            guard actor == .staff else { return 401 }
            return blockedWhenClosed && state == .closed ? 409 : success
        case .inviteExchange, .shareJoin:
            // Credentials make no difference here: the token in the body decides.
            switch state {
            case .withinSchedule: return 200
            case .beforeStart: return 403
            case .afterEnd: return 410
            case .closed: return 409
            case .passphraseMissing: return 401
            case .passphraseWrong:
                // The world's own failed try and the four callers before staff make five
                // wrong passphrases from this address for this link: the fifth caller is throttled.
                return actor == .staff ? 429 : 403
            case .revoked: return kind.isShareJoin ? 200 : 403
            }
        case .collaborator:
            switch actor {
            case .none, .staff: return 401
            case .otherCollaborator: return 403
            case .collaborator, .linkVisitor:
                switch state {
                case .withinSchedule: return 200
                case .beforeStart: return 403
                case .afterEnd: return 410
                case .closed: return 409
                case .passphraseMissing, .passphraseWrong: return 401  // never let in: no cookie
                case .revoked: return actor == .linkVisitor ? 200 : 403
                }
            }
        }
    }

    @Test("every route, every caller, every state", arguments: State.allCases)
    func matrix(state: State) async throws {
        try await TestServer.run { server in
            let document = try await server.anonymous.get("/api/v1/openapi.json").json
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            var tried = 0
            for (path, methods) in paths.sorted(by: { $0.key < $1.key }) {
                for (method, operation) in methods.sorted(by: { $0.key < $1.key }) {
                    let key = "\(method.uppercased()) \(path)"
                    let success = try #require((operation["responses"] as? [String: Any])?.keys.compactMap(Int.init).first)
                    let world = try await Self.makeWorld(server, state: state)
                    guard let (kind, body) = Self.route(key, world, state: state) else {
                        Issue.record("the matrix has no row for \(key)")
                        continue
                    }
                    let concrete = path
                        .replacingOccurrences(of: "{project_id}", with: world.projectID.uuidString)
                        .replacingOccurrences(of: "{session_id}", with: world.sessionID.uuidString)
                        .replacingOccurrences(of: "{version_id}", with: world.versionIDs[0].uuidString)
                        .replacingOccurrences(of: "{item_id}", with: world.itemIDs[0].uuidString)
                        .replacingOccurrences(of: "{collaborator_id}", with: world.collaboratorID.uuidString)
                    for actor in Actor.allCases {
                        let answer = try await world.clients[actor]!.send(method.uppercased(), concrete, json: body)
                        let want = Self.expected(kind, actor: actor, state: state, success: success)
                        #expect(answer.status == want,
                                "\(state) · \(actor) · \(key): got \(answer.status) \(answer.errorCode ?? ""), want \(want)")
                        tried += 1
                    }
                }
            }
            #expect(tried >= 200)
        }
    }

    @Test("each way of being refused has its own code")
    func distinctCodes() async throws {
        try await TestServer.run { server in
            var codes: [State: String] = [:]
            for state in State.allCases where state != .withinSchedule {
                let world = try await Self.makeWorld(server, state: state)
                var body: [String: Any] = ["token": world.inviteToken]
                if state == .passphraseWrong { body["passphrase"] = "south dark" }
                codes[state] = try await server.anonymous.post("/api/v1/review/access", body).errorCode
            }
            #expect(codes == [.beforeStart: "session_not_started", .afterEnd: "session_expired", .closed: "session_closed",
                              .passphraseMissing: "passphrase_required", .passphraseWrong: "passphrase_wrong",
                              .revoked: "access_revoked"])
            #expect(try await server.anonymous.post("/api/v1/review/access", ["token": "di_forged"]).errorCode == "invalid_token")
        }
    }

    @Test("repeated wrong passphrases are throttled")
    func throttle() async throws {
        try await TestServer.run { server in
            // A passphrase session whose collaborator has not tried yet (no passphrase is no guess).
            let world = try await Self.makeWorld(server, state: .passphraseMissing)
            let client = server.anonymous
            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(try await client.post("/api/v1/review/access",
                                                      ["token": world.inviteToken, "passphrase": "guess"]).status)
            }
            #expect(statuses == [403, 403, 403, 403, 403, 429], "\(statuses)")
            let refused = try await client.post("/api/v1/review/access", ["token": world.inviteToken, "passphrase": Self.passphrase])
            #expect(refused.status == 429 && Int(refused.headers["retry-after"] ?? "") ?? 0 > 0,
                    "even the right passphrase waits its turn")
        }
    }
}

extension AccessMatrixTests.Kind {
    var isShareJoin: Bool {
        if case .shareJoin = self { return true }
        return false
    }
}
