import Foundation
import MediaTestSupport
import SQLKit
import Testing

@testable import Catalog

/// What the ftrack faces need of the catalog: assets, usernames, several operations as one
/// unit of work, invite links sent again, verdicts set on a collaborator's behalf.
@Suite("Assets, usernames and units of work")
struct AssetAndScriptTests {
    @Test("a version's asset is the one named, or its name without the version suffix; (asset, number) is unique")
    func assets() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(name: "Feature")
            let v3 = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_comp_v003", versionNumber: 3))
            #expect(v3.asset == "sh010_comp")
            let v4 = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_comp_v004", versionNumber: 4))
            #expect(v4.assetID == v3.assetID, "one asset per name per project")
            let named = try await catalog.createVersion(
                projectID: project.id, VersionFields(name: "hero turntable", versionNumber: 1, asset: "characters"))
            #expect(named.asset == "characters")
            #expect(await catalogErrorCode {
                _ = try await catalog.createVersion(projectID: project.id, VersionFields(name: "again", versionNumber: 3, asset: "sh010_comp"))
            } == .conflict)
            #expect(await catalogErrorCode {
                _ = try await catalog.updateVersion(id: v4.id, VersionFields(versionNumber: 3))
            } == .conflict)
            let moved = try await catalog.updateVersion(id: v4.id, VersionFields(asset: "sh020_comp"))
            #expect(moved.asset == "sh020_comp" && moved.assetID != v3.assetID)
            #expect(try await catalog.version(id: v4.id).asset == "sh020_comp")
            #expect(try await catalog.assets(projectID: project.id).map(\.name) == ["characters", "sh010_comp", "sh020_comp"])
            // Another project has its own assets of the same names.
            let other = try await catalog.createProject(name: "Other")
            let elsewhere = try await catalog.createVersion(projectID: other.id, VersionFields(name: "sh010_comp_v003", versionNumber: 3))
            #expect(elsewhere.assetID != v3.assetID)
        }
    }

    @Test("asset names from version names", arguments: [
        ("sh010_comp_v003", "sh010_comp"), ("sh010_comp.v2", "sh010_comp"), ("plate-V10", "plate"), ("matte v1", "matte"),
        ("v003", "v003"), ("sh010_comp", "sh010_comp"), ("review", "review"), ("v", "v"), ("sh010v2", "sh010"),
    ])
    func assetNames(version: String, asset: String) {
        #expect(Asset.name(given: nil, versionName: version) == asset)
        #expect(Asset.name(given: "  given ", versionName: version) == "given")
    }

    @Test("staff get a unique username, from their email unless chosen; it can be changed")
    func usernames() async throws {
        try await withCatalog { catalog in
            let (ada, _) = try await catalog.createStaffUser(name: "Ada", email: "Ada.Park@studio.example")
            #expect(ada.username == "ada.park")
            let (other, _) = try await catalog.createStaffUser(name: "Ada 2", email: "ada.park@other.example")
            #expect(other.username == "ada.park2")
            let (chosen, _) = try await catalog.createStaffUser(name: "Bo", email: "bo@studio.example", username: "Bo_Lead")
            #expect(chosen.username == "bo_lead")
            #expect(await catalogErrorCode {
                _ = try await catalog.createStaffUser(name: "X", email: "x@studio.example", username: "ADA.PARK")
            } == .conflict)
            #expect(await catalogErrorCode { _ = try await catalog.setUsername("bad name!", userID: ada.id) } == .invalidField)
            #expect(await catalogErrorCode { _ = try await catalog.setUsername("bo_lead", userID: ada.id) } == .conflict)
            #expect(try await catalog.setUsername("ada", userID: ada.id).username == "ada")
            #expect(try await catalog.staffUser(username: "ADA")?.id == ada.id)
            #expect(try await catalog.staffUser(username: "ada.park") == nil)
        }
    }

    @Test("a unit of work is one transaction: a failure anywhere in it keeps nothing of it")
    func unitOfWork() async throws {
        try await withCatalog { catalog in
            let (project, versions, session) = try await makeSession(catalog, versions: 2)
            let before = try await catalog.lastEventSeq(sessionID: session.id)
            let newID = UUID()
            #expect(await catalogErrorCode {
                _ = try await catalog.unitOfWork {
                    _ = try await catalog.createSession(id: newID, projectID: project.id, SessionFields(title: "Made in a unit"))
                    _ = try await catalog.updateSession(id: session.id, SessionFields(title: "Renamed"))
                    // The same version twice: refused, after two writes that must not stay.
                    _ = try await catalog.addItems(sessionID: session.id, versionIDs: [versions[0].id])
                }
            } == .conflict)
            #expect(await catalogErrorCode { _ = try await catalog.session(id: newID) } == .notFound)
            #expect(try await catalog.session(id: session.id).title != "Renamed")
            #expect(try await catalog.lastEventSeq(sessionID: session.id) == before, "no event of a unit rolled back")

            let (made, renamed) = try await catalog.unitOfWork {
                let made = try await catalog.createSession(id: newID, projectID: project.id, SessionFields(title: "Made in a unit"))
                // Reads inside the unit see its own writes.
                let items = try await catalog.addItems(sessionID: made.id, versionIDs: [versions[1].id])
                #expect(try await catalog.items(sessionID: made.id).map(\.id) == items.map(\.id))
                return (made, try await catalog.updateSession(id: session.id, SessionFields(title: "Renamed")))
            }
            #expect(made.id == newID && renamed.title == "Renamed")
            #expect(try await catalog.items(sessionID: newID).count == 1)
            #expect(await catalogErrorCode {
                _ = try await catalog.createSession(id: newID, projectID: project.id)
            } == .conflict, "an id given twice is refused")
        }
    }

    @Test("sending an invite again sends the same link, and the links sent before keep working")
    func inviteLinks() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1)
            let (dana, first) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana", email: "dana@client.example")
            let (_, again) = try await catalog.currentInvite(collaboratorID: dana.id)
            #expect(again == first)
            let (sent, third) = try await catalog.currentInvite(collaboratorID: dana.id)
            #expect(third == first && sent.invitedAt != nil)
            _ = try await catalog.logIn(inviteToken: first.value, passphrase: nil, from: "test")
            // A fresh link (staff's "send invites") replaces it.
            let (_, fresh) = try await catalog.issueInvite(sessionID: session.id, collaboratorID: dana.id)
            #expect(fresh != first)
            #expect(await catalogErrorCode { _ = try await catalog.logIn(inviteToken: first.value, passphrase: nil, from: "test") }
                    == .invalidToken)
            #expect(try await catalog.currentInvite(collaboratorID: dana.id).1 == fresh)
        }
    }

    @Test("a verdict set on a collaborator's behalf names the staff member in its history")
    func onBehalf() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1)
            let item = try await catalog.items(sessionID: session.id)[0]
            let (staff, _) = try await catalog.createStaffUser(name: "Mo Producer", email: "mo@studio.example")
            let (dana, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana", email: nil)
            let statusID = UUID()
            let set = try await catalog.setStatus(.approved, sessionID: session.id, itemID: item.id, onBehalfOf: dana.id,
                                                  by: staff, statusID: statusID)
            #expect(set.status == .approved)
            #expect(set.history.map(\.setBy) == [FeedbackAuthor(kind: .staff, id: staff.id, name: "Mo Producer")])
            let access = try await catalog.access(collaboratorID: dana.id)
            let own = try await catalog.setStatus(.requiresChanges, sessionID: session.id, itemID: item.id, by: access)
            #expect(own.history.map(\.setBy) == [FeedbackAuthor(kind: .staff, id: staff.id, name: "Mo Producer"), nil])
            let events = try await catalog.events(sessionID: session.id, after: 0, for: .staff(staff.id))
            #expect(events.filter { $0.kind == .statusChanged }.count == 2)
            let observer = try await catalog.addCollaborator(sessionID: session.id, name: "Obs", email: nil, role: .observer).0
            #expect(await catalogErrorCode {
                _ = try await catalog.setStatus(.approved, sessionID: session.id, itemID: item.id, onBehalfOf: observer.id, by: staff)
            } == .forbidden)
        }
    }

    @Test("a catalog from before assets gets them from its versions, and its staff usernames and verdict ids")
    func upgrade() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-upgrade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let address = try await TestCatalogs.address(dataDirectory: directory.path)
        let old = try await CatalogDatabase.open(address, readers: 1, logger: .init(label: "test"))
        try await Migrations.run(on: old, through: 13)
        let project = UUID()
        let versions: [(UUID, String, String?)] = [
            (UUID(), "sh010_comp_v001", nil), (UUID(), "sh010_comp_v002", nil), (UUID(), "turntable", "characters"),
            (UUID(), "hero_v003", "characters"),
        ]
        let staff = [(UUID(), "ada@studio.example"), (UUID(), "ada@other.example")]
        try await old.write { db in
            try await db.raw("""
                INSERT INTO projects (id, name, code, require_passphrase, share_days, allow_comments, comments_visible,
                    download_original, download_proxy, email_thumbnails, share_link_enabled, created_at, created_by)
                VALUES (\(bind: project.uuidString), 'Show', NULL, FALSE, 14, TRUE, TRUE, FALSE, TRUE, TRUE, TRUE, 0, NULL)
                """).run()
            for (index, (id, name, asset)) in versions.enumerated() {
                try await db.raw("""
                    INSERT INTO versions (id, project_id, name, version_number, shot, asset, status, client_name,
                        default_reason, media_state, media_error, created_at, created_by, updated_at)
                    VALUES (\(bind: id.uuidString), \(bind: project.uuidString), \(bind: name), \(bind: index + 1), NULL,
                        \(bind: asset), 'pending review', NULL, NULL, 'none', NULL, \(bind: index), NULL, 0)
                    """).run()
            }
            for (index, (id, email)) in staff.enumerated() {
                try await db.raw("""
                    INSERT INTO staff_users (id, name, email, is_admin, created_at, created_by)
                    VALUES (\(bind: id.uuidString), 'Ada', \(bind: email), FALSE, \(bind: index), NULL)
                    """).run()
            }
        }
        try await old.close()

        try await withCatalog(at: address) { catalog in
            let upgraded = try await versions.asyncMap { try await catalog.version(id: $0.0) }
            #expect(upgraded.map(\.asset) == ["sh010_comp", "sh010_comp", "characters", "characters"])
            #expect(upgraded[0].assetID == upgraded[1].assetID && upgraded[2].assetID == upgraded[3].assetID)
            #expect(try await catalog.assets(projectID: project).count == 2)
            #expect(try await catalog.staffUser(id: staff[0].0).username == "ada")
            #expect(try await catalog.staffUser(id: staff[1].0).username == "ada2")
        }
    }
}
