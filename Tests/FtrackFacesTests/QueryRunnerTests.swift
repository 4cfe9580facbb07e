import Catalog
import Foundation
import MediaTestSupport
import Testing

@testable import FtrackFaces

/// Queries in ftrack's language against a real catalog seeded through its own operations,
/// each answer worked out by hand from the seed.
@Suite("ftrack queries on the catalog")
struct QueryRunnerTests {
    /// The seed: two projects; "My Project" has `characters` v1, v2 and `sh010_comp` v1…v3, a
    /// session "Concept Art Review" with characters v1 and v2, two invitees (Dana approved
    /// v1, Eli asks for changes on v2), a staff comment on v1.
    struct Seed {
        let catalog: Catalog
        let admin: StaffUser
        let staff: StaffUser
        let project: Project
        let characters: [Version]
        let comps: [Version]
        let session: ReviewSession
        let items: [SessionItem]
        let dana: Collaborator
        let eli: Collaborator
        let comment: ReviewComment
    }

    static func withSeed(_ body: (Seed) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-ftrack-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try await TestCatalogs.open(dataDirectory: directory.path, passphraseCost: .testing)
        do {
            let (admin, _) = try await catalog.createStaffUser(name: "Admin", email: "admin@studio.example", isAdmin: true)
            let (staff, _) = try await catalog.createStaffUser(name: "Mo Producer", email: "mo@studio.example")
            let project = try await catalog.createProject(name: "My Project")
            let other = try await catalog.createProject(name: "Other Project")
            var characters: [Version] = []
            for number in 1...2 {
                characters.append(try await catalog.createVersion(
                    projectID: project.id, VersionFields(name: "characters_v00\(number)", versionNumber: number)))
            }
            var comps: [Version] = []
            for number in 1...3 {
                comps.append(try await catalog.createVersion(
                    projectID: project.id, VersionFields(name: "sh010_comp_v00\(number)", versionNumber: number)))
            }
            _ = try await catalog.createVersion(projectID: other.id, VersionFields(name: "characters_v001", versionNumber: 1))
            let session = try await catalog.createSession(projectID: project.id, SessionFields(title: "Concept Art Review"),
                                                          versionIDs: characters.map(\.id), createdBy: admin.id)
            _ = try await catalog.createSession(projectID: other.id, SessionFields(title: "Elsewhere"))
            let items = try await catalog.items(sessionID: session.id)
            let (dana, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana", email: "dana@client.example")
            let (eli, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Eli", email: "eli@client.example")
            _ = try await catalog.setStatus(.approved, sessionID: session.id, itemID: items[0].id, onBehalfOf: dana.id, by: admin)
            _ = try await catalog.setStatus(.requiresChanges, sessionID: session.id, itemID: items[1].id, onBehalfOf: eli.id, by: admin)
            let comment = try await catalog.addComment(sessionID: session.id, itemID: items[0].id,
                                                       CommentDraft(text: "Warmer, please"), by: .staff(staff))
            try await body(Seed(catalog: catalog, admin: admin, staff: staff, project: project, characters: characters,
                                comps: comps, session: session, items: items, dana: dana, eli: eli, comment: comment))
            try await catalog.close()
        } catch {
            try? await catalog.close()
            throw error
        }
    }

    /// The ids a query answers, lower case, in order.
    static func ids(_ faces: FtrackFaces, _ query: String, as caller: StaffUser) async throws -> [String] {
        try await faces.query(query, as: caller).data.map { $0["id"]?.string ?? "?" }
    }

    static func id(_ value: UUID) -> String { value.uuidString.lowercased() }

    @Test("the queries a review-session script sends find the rows worked out by hand")
    func scriptQueries() async throws {
        try await Self.withSeed { (seed: Seed) async throws in
            let faces = FtrackFaces(catalog: seed.catalog)
            let project = try await faces.query(
                "select context_type, id, name from Project where name is \"My Project\" limit 2", as: seed.admin)
            #expect(project.data == [.object(["__entity_type__": .string("Project"), "id": .string(Self.id(seed.project.id)),
                                              "context_type": .string("show"), "name": .string("My Project")])])
            #expect(project.next == nil)
            #expect(try await Self.ids(faces, "select id from AssetVersion where asset.name is \"characters\" and version is 1 limit 2",
                                       as: seed.admin).count == 2, "the other project has a characters v1 too")
            #expect(try await Self.ids(faces, "select id from AssetVersion where asset.name is \"characters\" and version is 1 "
                                       + "and asset.project.name is \"My Project\" limit 2", as: seed.admin) == [Self.id(seed.characters[0].id)])
            #expect(try await Self.ids(faces, "select id from ReviewSessionObject where review_session.name is \"Concept Art Review\" limit 1",
                                       as: seed.admin) == [Self.id(seed.items[0].id)])
            let statuses = try await faces.query("select status, invitee.email from ReviewSessionObjectStatus "
                                                 + "where review_session_object.id is \(Self.id(seed.items[1].id)) offset 0 limit 500",
                                                 as: seed.admin).data
            #expect(statuses.count == 1)
            #expect(statuses.first?["status"] == .string("require_changes"))
            #expect(statuses.first?["invitee"]?["email"] == .string("eli@client.example"))
            let comments = try await faces.query("select text from ReviewSessionObjectComment where review_session_object.id is "
                                                 + "\"\(Self.id(seed.items[0].id))\"", as: seed.admin).data
            #expect(comments.map { $0["text"] } == [.string("Warmer, please")])
            let notes = try await faces.query("select content, author.username, parent_type, frame_number from Note where parent_id is \"\(Self.id(seed.items[0].id))\"",
                                              as: seed.admin).data
            #expect(notes.first?["content"] == .string("Warmer, please"))
            #expect(notes.first?["author"]?["username"] == .string("mo"))
            #expect(notes.first?["parent_type"] == .string("ReviewSessionObject"))
            #expect(notes.first?["frame_number"] == .null, "a comment on the whole item has no frame")
            let session = try await faces.query("select status, is_open, review_session_objects.asset_version.version from ReviewSession "
                                                + "where id is \"\(Self.id(seed.session.id))\" limit 2", as: seed.admin).data
            #expect(session.first?["status"] == .string("Open"))
            #expect(session.first?["is_open"] == .bool(true))
            let versions = session.first?["review_session_objects"].flatMap { value -> [WireValue]? in
                if case .array(let items) = value { return items.compactMap { $0["asset_version"]?["version"] } }
                return nil
            }
            #expect(versions == [.int(1), .int(2)])
        }
    }

    @Test("in, has, any, like, not, none and paging")
    func operators() async throws {
        try await Self.withSeed { (seed: Seed) async throws in
            let faces = FtrackFaces(catalog: seed.catalog)
            let comps = seed.comps.map { Self.id($0.id) }
            #expect(try await Self.ids(faces, "select id from AssetVersion where id in (\(comps[2]),\(comps[0]))", as: seed.admin)
                    == [comps[0], comps[2]], "in the default order: created_at, then id")
            #expect(try await Self.ids(faces, "AssetVersion where id in ()", as: seed.admin).isEmpty)
            #expect(try await Self.ids(faces, "select id from ReviewSession where review_session_objects any (asset_version.version is 2)",
                                       as: seed.admin) == [Self.id(seed.session.id)])
            #expect(try await Self.ids(faces, "select id from AssetVersion where asset has (name like \"SH010%\")", as: seed.admin)
                    == comps, "like ignores letter case on both engines")
            #expect(try await Self.ids(faces, "select id from AssetVersion where project.name is \"My Project\" and not asset.name is \"characters\"",
                                       as: seed.admin) == comps)
            #expect(try await Self.ids(faces, "select id from AssetVersion where task is none and version >= 3", as: seed.admin) == [comps[2]])
            #expect(try await Self.ids(faces, "select id from ReviewSessionInvitee where statuses any (status is \"approved\")",
                                       as: seed.admin) == [Self.id(seed.dana.id)])
            let first = try await faces.query("select id from AssetVersion where project.name is \"My Project\" order by version desc limit 2",
                                              as: seed.admin)
            #expect(first.next == 2)
            let rest = try await faces.query("select id from AssetVersion where project.name is \"My Project\" order by version desc offset 2 limit 2",
                                             as: seed.admin)
            #expect(rest.next == 4)
            let last = try await faces.query("select id from AssetVersion where project.name is \"My Project\" order by version desc offset 4 limit 2",
                                             as: seed.admin)
            #expect(last.next == nil && last.data.count == 1)
            #expect(Set((first.data + rest.data + last.data).compactMap { $0["id"]?.string }).count == 5)
        }
    }

    @Test("values are bound, never pasted: quotes, comments and semicolons are inert")
    func injection() async throws {
        try await Self.withSeed { (seed: Seed) async throws in
            let faces = FtrackFaces(catalog: seed.catalog)
            for text in ["x'; DROP TABLE versions; --", "\\\" OR 1=1 --", "a' OR 'a'='a", "/* */ ; DELETE FROM projects"] {
                let quoted = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                #expect(try await Self.ids(faces, "select id from Project where name is \"\(quoted)\"", as: seed.admin).isEmpty)
                #expect(try await Self.ids(faces, "select id from Project where name like \"%\(quoted)%\"", as: seed.admin).isEmpty)
            }
            #expect(try await seed.catalog.projects().items.count == 2)
            #expect(try await seed.catalog.versions(projectID: seed.project.id).items.count == 5)
        }
    }

    @Test("unknown types and attributes, write-only and computed attributes, and who sees users")
    func refusals() async throws {
        try await Self.withSeed { (seed: Seed) async throws in
            let faces = FtrackFaces(catalog: seed.catalog)
            for query in ["select id from Shot", "select nope from Project", "Project where nope is 1",
                          "ReviewSession where passphrase is \"x\"", "Note where frame_number is 1",
                          "Project where name.first is 1", "Project where review_sessions is 1", "Project where", "select"] {
                await #expect(throws: FtrackError.self, "\(query)") { _ = try await faces.query(query, as: seed.admin) }
            }
            #expect(try await Self.ids(faces, "select id from User", as: seed.admin).count == 2)
            #expect(try await Self.ids(faces, "select id from User", as: seed.staff) == [Self.id(seed.staff.id)],
                    "staff who are not admins see only themselves")
        }
    }
}
