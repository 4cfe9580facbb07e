import Foundation
import MediaTestSupport
import SQLKit
import Testing

@testable import Catalog

@Suite("Catalog")
struct CatalogTests {
    @Test("staff API keys are stored hashed and found again")
    func apiKeys() async throws {
        try await withCatalog { catalog in
            #expect(try await catalog.staffUserCount() == 0)
            let (user, key) = try await catalog.createStaffUser(name: "Ada", email: "Ada@Studio.example", isAdmin: true)
            #expect(user.email == "ada@studio.example")
            #expect(key.value.hasPrefix("dk_") && key.value.count > 40)
            #expect(try await catalog.staffUser(apiKey: key.value) == user)
            #expect(try await catalog.staffUser(apiKey: key.value + "x") == nil)
            let stored = try await catalog.database.read { db in
                try await db.select().column("key_digest").from("api_keys").all().map { try $0.decode(column: "key_digest", as: String.self) }
            }
            #expect(stored == [key.digest] && !stored.contains(key.value))
            #expect(await catalogErrorCode { _ = try await catalog.createStaffUser(name: "Ada 2", email: "ada@studio.example") } == .conflict)
            #expect(await catalogErrorCode { _ = try await catalog.createStaffUser(name: "Bob", email: "not an email") } == .invalidField)
        }
    }

    @Test("the schema is migrated once and survives reopening")
    func reopen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let address = try await TestCatalogs.address(dataDirectory: directory.path)
        let first = try await Catalog.open(address)
        let project = try await first.createProject(name: "Persisted")
        let key = try await first.cookieSigningKey()
        try await first.close()
        let second = try await Catalog.open(address)
        #expect(try await second.project(id: project.id) == project)
        #expect(try await second.cookieSigningKey() == key)
        if !address.isPostgres {
            let journal = try await second.database.read { db in
                try await db.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            }
            #expect(journal == "wal")
        }
        try await second.close()
    }

    @Test("projects validate their fields and defaults")
    func projects() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(name: "  Feature  ", code: "FT")
            #expect(project.name == "Feature" && project.defaults == .standard)
            #expect(await catalogErrorCode { _ = try await catalog.createProject(name: "Feature") } == .conflict)
            #expect(await catalogErrorCode { _ = try await catalog.createProject(name: "") } == .invalidField)
            #expect(await catalogErrorCode { _ = try await catalog.createProject(name: String(repeating: "x", count: 201)) } == .invalidField)
            let updated = try await catalog.updateProject(id: project.id, ProjectUpdate(
                code: .some(nil), defaults: ProjectDefaultsUpdate(settings: .init(downloadOriginal: true), shareDays: 14)))
            #expect(updated.code == nil && updated.defaults.shareDays == 14 && updated.defaults.settings.downloadOriginal)
            #expect(await catalogErrorCode {
                _ = try await catalog.updateProject(id: project.id, ProjectUpdate(defaults: ProjectDefaultsUpdate(shareDays: 0)))
            } == .invalidField)
            #expect(try await catalog.project(id: project.id) == updated, "a refused update changes nothing")
            #expect(await catalogErrorCode { _ = try await catalog.project(id: UUID()) } == .notFound)
        }
    }

    @Test("a new session has the defaults; settings inherit until overridden")
    func sessionDefaults() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(
                name: "Show", defaults: ProjectDefaultsUpdate(settings: .init(downloadOriginal: true)))
            let before = Date()
            let session = try await catalog.createSession(projectID: project.id)
            #expect(session.title == "New review session" && session.description.isEmpty)
            // Starts now: within a minute of asking, however loaded the machine.
            #expect(abs(session.startsAt.timeIntervalSince(before)) < 60)
            #expect(session.endsAt.timeIntervalSince(session.startsAt) == 7 * 86_400)
            #expect(session.settings.downloadOriginal && session.overrides.downloadOriginal == nil)

            let changed = try await catalog.updateSession(id: session.id, SessionFields(
                settings: SessionSettingsUpdate(downloadOriginal: .some(false), allowComments: .some(false))))
            #expect(!changed.settings.downloadOriginal && !changed.settings.allowComments)
            _ = try await catalog.updateProject(
                id: project.id, ProjectUpdate(defaults: ProjectDefaultsUpdate(settings: .init(downloadProxy: false))))
            #expect(try await catalog.session(id: session.id).settings.downloadProxy == false, "still inherited")
            let inherited = try await catalog.updateSession(id: session.id, SessionFields(
                settings: SessionSettingsUpdate(downloadOriginal: .some(nil))))
            #expect(inherited.settings.downloadOriginal && inherited.overrides.downloadOriginal == nil)

            #expect(await catalogErrorCode {
                _ = try await catalog.updateSession(id: session.id, SessionFields(endsAt: session.startsAt.addingTimeInterval(-1)))
            } == .invalidField)
            #expect(try await catalog.session(id: session.id) == inherited)
        }
    }

    @Test("items keep a clean order through adds, moves, removes and a whole new order")
    func itemOrder() async throws {
        try await withCatalog { catalog in
            let (project, versions, session) = try await makeSession(catalog, versions: 4)
            var items = try await catalog.items(sessionID: session.id)
            #expect(items.map(\.position) == [0, 1, 2, 3])
            #expect(items.map(\.versionID) == versions.map(\.id))
            #expect(items[0].versionName == "sh00_comp" && items[0].versionLabel == "v001")

            items = try await catalog.moveItem(sessionID: session.id, itemID: items[3].id, to: 0)
            #expect(items.map(\.versionID) == [versions[3], versions[0], versions[1], versions[2]].map(\.id))
            try await catalog.removeItems(sessionID: session.id, itemIDs: [items[1].id, items[2].id])
            items = try await catalog.items(sessionID: session.id)
            #expect(items.map(\.position) == [0, 1] && items.map(\.versionID) == [versions[3].id, versions[2].id])

            let extra = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh050_comp"))
            _ = try await catalog.addItems(sessionID: session.id, versionIDs: [extra.id, versions[0].id], at: 1)
            items = try await catalog.items(sessionID: session.id)
            #expect(items.map(\.versionID) == [versions[3], extra, versions[0], versions[2]].map(\.id))
            #expect(items.map(\.position) == [0, 1, 2, 3])

            let reversed = Array(items.map(\.id).reversed())
            #expect(try await catalog.setItemOrder(sessionID: session.id, itemIDs: reversed).map(\.id) == reversed)

            // Refusals change nothing.
            let other = try await catalog.createProject(name: "Other")
            let stranger = try await catalog.createVersion(projectID: other.id, VersionFields(name: "x"))
            #expect(await catalogErrorCode { _ = try await catalog.addItems(sessionID: session.id, versionIDs: [stranger.id]) } == .invalidField)
            #expect(await catalogErrorCode { _ = try await catalog.addItems(sessionID: session.id, versionIDs: [extra.id]) } == .conflict)
            #expect(await catalogErrorCode { _ = try await catalog.setItemOrder(sessionID: session.id, itemIDs: Array(reversed.dropLast())) } == .invalidField)
            #expect(await catalogErrorCode { _ = try await catalog.moveItem(sessionID: session.id, itemID: reversed[0], to: 4) } == .invalidField)
            #expect(await catalogErrorCode { try await catalog.removeItems(sessionID: session.id, itemIDs: [reversed[0], UUID()]) } == .notFound)
            #expect(try await catalog.items(sessionID: session.id).map(\.id) == reversed)
        }
    }

    @Test("50 concurrent adds, moves and removes leave positions 0…n−1")
    func concurrentOrder() async throws {
        try await withCatalog { catalog in
            let (project, _, session) = try await makeSession(catalog, versions: 10)
            var spare: [Version] = []
            for number in 0..<20 {
                spare.append(try await catalog.createVersion(projectID: project.id, VersionFields(name: "extra\(number)")))
            }
            let start = try await catalog.items(sessionID: session.id)
            let spareIDs = spare.map(\.id)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for operation in 0..<50 {
                    group.addTask {
                        switch operation % 3 {
                        case 0:
                            _ = try await catalog.addItems(sessionID: session.id, versionIDs: [spareIDs[operation / 3]], at: 0)
                        case 1:
                            let items = try await catalog.items(sessionID: session.id)
                            // A concurrent remove may take the item first; that refusal is fine.
                            _ = try? await catalog.moveItem(sessionID: session.id, itemID: items[operation % items.count].id,
                                                            to: (operation * 7) % items.count)
                        default:
                            try? await catalog.removeItems(sessionID: session.id, itemIDs: [start[(operation / 3) % start.count].id])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let items = try await catalog.items(sessionID: session.id)
            #expect(items.map(\.position) == Array(0..<items.count))
            #expect(Set(items.map(\.versionID)).count == items.count)
            // 17 adds of distinct versions; the 16 removes hit each of the 10 original items.
            #expect(items.count == 17)
        }
    }

    @Test("a closed session changes nothing until reopened")
    func closed() async throws {
        try await withCatalog { catalog in
            let (project, _, session) = try await makeSession(catalog, versions: 2)
            let items = try await catalog.items(sessionID: session.id)
            _ = try await catalog.closeSession(id: session.id)
            let extra = try await catalog.createVersion(projectID: project.id, VersionFields(name: "late"))
            #expect(await catalogErrorCode { _ = try await catalog.addItems(sessionID: session.id, versionIDs: [extra.id]) } == .sessionClosed)
            #expect(await catalogErrorCode { _ = try await catalog.moveItem(sessionID: session.id, itemID: items[1].id, to: 0) } == .sessionClosed)
            #expect(await catalogErrorCode { try await catalog.removeItems(sessionID: session.id, itemIDs: [items[0].id]) } == .sessionClosed)
            #expect(try await catalog.items(sessionID: session.id) == items)
            _ = try await catalog.reopenSession(id: session.id)
            _ = try await catalog.addItems(sessionID: session.id, versionIDs: [extra.id])
            #expect(try await catalog.items(sessionID: session.id).count == 3)
        }
    }

    @Test("collaborators reach their session only while it is open, in schedule and unrevoked")
    func accessRules() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1)
            let (client, token) = try await catalog.addCollaborator(sessionID: session.id, name: "Client", email: "c@client.example")
            #expect(try await catalog.logIn(inviteToken: token.value, passphrase: nil, from: "192.0.2.1").access.collaborator == client)
            #expect(await catalogErrorCode { _ = try await catalog.logIn(inviteToken: "di_forged", passphrase: nil, from: "192.0.2.1").access } == .invalidToken)

            _ = try await catalog.updateSession(id: session.id, SessionFields(startsAt: Date().addingTimeInterval(3600),
                                                                            endsAt: Date().addingTimeInterval(7200)))
            #expect(await catalogErrorCode { _ = try await catalog.access(collaboratorID: client.id) } == .sessionNotStarted)
            _ = try await catalog.updateSession(id: session.id, SessionFields(startsAt: Date().addingTimeInterval(-7200),
                                                                            endsAt: Date().addingTimeInterval(-3600)))
            #expect(await catalogErrorCode { _ = try await catalog.access(collaboratorID: client.id) } == .sessionExpired)
            _ = try await catalog.updateSession(id: session.id, SessionFields(endsAt: Date().addingTimeInterval(3600)))
            _ = try await catalog.closeSession(id: session.id)
            #expect(await catalogErrorCode { _ = try await catalog.access(collaboratorID: client.id) } == .sessionClosed)
            _ = try await catalog.reopenSession(id: session.id)
            _ = try await catalog.updateCollaborator(sessionID: session.id, id: client.id, CollaboratorUpdate(revoked: true))
            #expect(await catalogErrorCode { _ = try await catalog.logIn(inviteToken: token.value, passphrase: nil, from: "192.0.2.1").access } == .accessRevoked)
            _ = try await catalog.updateCollaborator(sessionID: session.id, id: client.id, CollaboratorUpdate(revoked: false))
            #expect(try await catalog.access(collaboratorID: client.id).session.id == session.id)

            // A fresh invite replaces the old link.
            let (_, fresh) = try await catalog.issueInvite(sessionID: session.id, collaboratorID: client.id)
            #expect(await catalogErrorCode { _ = try await catalog.logIn(inviteToken: token.value, passphrase: nil, from: "192.0.2.1").access } == .invalidToken)
            #expect(try await catalog.logIn(inviteToken: fresh.value, passphrase: nil, from: "192.0.2.1").access.collaborator.id == client.id)
        }
    }

    @Test("passphrases are hashed, checked, and asked for")
    func passphrase() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1, fields: SessionFields(
                settings: SessionSettingsUpdate(requirePassphrase: .some(true)), passphrase: .some("open sesame")))
            #expect(session.hasPassphrase && session.settings.requirePassphrase)
            let stored = try await catalog.database.read { db in
                try await db.select().column("passphrase_hash").from("review_sessions").first()?
                    .decode(column: "passphrase_hash", as: String.self)
            }
            #expect(stored?.hasPrefix("scrypt$32768$8$1$") == true && stored?.contains("open sesame") == false)
            let (_, token) = try await catalog.addCollaborator(sessionID: session.id, name: "Client", email: nil)
            #expect(await catalogErrorCode { _ = try await catalog.logIn(inviteToken: token.value, passphrase: nil, from: "192.0.2.1").access } == .passphraseRequired)
            #expect(await catalogErrorCode { _ = try await catalog.logIn(inviteToken: token.value, passphrase: "open sesam", from: "192.0.2.1").access } == .passphraseWrong)
            #expect(try await catalog.logIn(inviteToken: token.value, passphrase: "open sesame", from: "192.0.2.1").access.session.id == session.id)
            #expect(await catalogErrorCode {
                _ = try await catalog.updateSession(id: session.id, SessionFields(passphrase: .some("abc")))
            } == .invalidField)
        }
    }

    @Test("shareable links let visitors join by name, unless turned off here or studio-wide")
    func shareLink() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1)
            let link = try await catalog.rotateShareLink(sessionID: session.id)
            let visitor = try await catalog.join(shareToken: link.value, name: "Visitor", email: nil, passphrase: nil, from: "192.0.2.1").access
            #expect(visitor.collaborator.joinedByShareLink && visitor.collaborator.role == .reviewer)
            #expect(try await catalog.collaborators(sessionID: session.id).count == 1)
            _ = try await catalog.updateOrganization(OrganizationUpdate(shareLinksEnabled: false))
            #expect(await catalogErrorCode { _ = try await catalog.join(shareToken: link.value, name: "V2", email: nil, passphrase: nil, from: "192.0.2.1").access } == .shareLinkDisabled)
            _ = try await catalog.updateOrganization(OrganizationUpdate(shareLinksEnabled: true))
            _ = try await catalog.disableShareLink(sessionID: session.id)
            #expect(await catalogErrorCode { _ = try await catalog.join(shareToken: link.value, name: "V3", email: nil, passphrase: nil, from: "192.0.2.1").access } == .invalidToken)
            #expect(try await catalog.collaborators(sessionID: session.id).count == 1, "refused joins add no one")
        }
    }

    @Test("cloning copies description, settings and collaborators with fresh links, not items")
    func clone() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 2, fields: SessionFields(
                title: "Dailies Monday", description: "Comp notes", settings: SessionSettingsUpdate(downloadOriginal: .some(true))))
            let (_, oldToken) = try await catalog.addCollaborator(sessionID: session.id, name: "Client", email: "c@x.example",
                                                                  role: .approver)
            let (clone, invites) = try await catalog.cloneSession(id: session.id)
            #expect(clone.title == "Dailies Monday (copy)" && clone.description == "Comp notes")
            #expect(clone.settings == session.settings)
            #expect(try await catalog.items(sessionID: clone.id).isEmpty)
            #expect(invites.count == 1 && invites[0].0.role == .approver && invites[0].1 != oldToken)
            #expect(try await catalog.logIn(inviteToken: invites[0].1.value, passphrase: nil, from: "192.0.2.1").access.session.id == clone.id)
            #expect(try await catalog.logIn(inviteToken: oldToken.value, passphrase: nil, from: "192.0.2.1").access.session.id == session.id)
        }
    }

    @Test("staff who open a session join it once, as approvers")
    func openSession() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1)
            let (staff, _) = try await catalog.createStaffUser(name: "Sup", email: "sup@studio.example")
            let first = try await catalog.openSession(id: session.id, as: staff)
            let second = try await catalog.openSession(id: session.id, as: staff)
            #expect(first == second && first.role == .approver && first.staffUserID == staff.id)
            #expect(try await catalog.collaborators(sessionID: session.id).count == 1)
        }
    }
}

@Suite("Job queue")
struct JobQueueTests {
    private func transcode(_ catalog: Catalog) async throws -> (Version, Job) {
        let project = try await catalog.createProject(name: "Q \(UUID().uuidString.prefix(6))")
        let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "v"))
        let (_, job) = try await catalog.registerOriginal(versionID: version.id, path: "originals/x.mov", fileName: "x.mov",
                                                          size: 1, sha256: String(repeating: "a", count: 64), profile: "review-1080")
        return (version, job)
    }

    @Test("a job is claimed by one worker at a time, and again once its lease runs out")
    func claims() async throws {
        try await withCatalog { catalog in
            let (_, job) = try await transcode(catalog)
            let claims = try await withThrowingTaskGroup(of: Job?.self) { group in
                for worker in 0..<8 {
                    group.addTask { try await catalog.claimJob(kinds: [.transcode], owner: "w\(worker)", lease: .seconds(600)) }
                }
                return try await group.reduce(into: [Job]()) { if let job = $1 { $0.append(job) } }
            }
            #expect(claims.map(\.id) == [job.id], "exactly one claim")
            #expect(try await catalog.claimJob(kinds: [.transcode], owner: "late", lease: .seconds(1)) == nil)
            // The worker dies: time passes beyond its lease (set back in the catalog, not slept through).
            try await catalog.database.write { db in
                try await db.update("jobs").set("lease_expires_at", to: SQLBind(Int64(0))).run()
            }
            let again = try await catalog.claimJob(kinds: [.transcode], owner: "rescuer", lease: .seconds(30))
            #expect(again?.id == job.id && again?.attempts == 2)
            #expect(try await catalog.heartbeat(jobID: job.id, owner: claims[0].leaseOwner!, lease: .seconds(1),
                                                progressDone: 1, progressTotal: 2) == .lost, "the first worker lost it")
            #expect(try await catalog.completeJob(jobID: job.id, owner: "rescuer"))
        }
    }

    @Test("failures retry with backoff, then fail the job and its version; enqueueing again is idempotent")
    func retries() async throws {
        try await withCatalog { catalog in
            let (version, job) = try await transcode(catalog)
            let same = try await catalog.enqueue(.transcode, payload: TranscodeJob(versionID: version.id, profile: "review-1080"),
                                                 idempotencyKey: TranscodeJob(versionID: version.id, profile: "review-1080").idempotencyKey)
            #expect(same.id == job.id, "one active job per version and profile")
            _ = try await catalog.claimJob(kinds: [.transcode], owner: "w", lease: .seconds(30))
            let failedAt = Date()
            let retried = try #require(try await catalog.failJob(jobID: job.id, owner: "w", error: "disk hiccup"))
            #expect(retried.state == .queued && retried.runAfter.timeIntervalSince(failedAt) > 1.5, "backoff before the next try")
            let early = try await catalog.claimJob(kinds: [.transcode], owner: "w", lease: .seconds(30))
            if Date() < retried.runAfter { #expect(early == nil, "not before the backoff ends") }

            // A worker that dies on the last attempt: the lease runs out and the job and version fail.
            try await catalog.database.write { db in
                try await db.update("jobs").set("state", to: SQLBind("queued")).set("lease_owner", to: SQLBind(String?.none))
                    .set("run_after", to: SQLBind(Int64(0))).set("attempts", to: SQLBind(2)).run()
            }
            _ = try await catalog.claimJob(kinds: [.transcode], owner: "w", lease: .seconds(600))
            try await catalog.database.write { db in
                try await db.update("jobs").set("lease_expires_at", to: SQLBind(Int64(0))).run()
            }
            #expect(try await catalog.claimJob(kinds: [.transcode], owner: "w2", lease: .seconds(30)) == nil)
            #expect(try await catalog.job(id: job.id).state == .failed)
            #expect(try await catalog.version(id: version.id).mediaState == .failed)
        }
    }

    @Test("outputs register only with the job's lease, all at once, replacing the previous run's")
    func registration() async throws {
        try await withCatalog { catalog in
            let (version, job) = try await transcode(catalog)
            _ = try await catalog.claimJob(kinds: [.transcode], owner: "w", lease: .seconds(30))
            let outputs = [Catalog.Output(kind: .proxy, path: "derived/run1/proxy.mp4", fileName: "proxy.mp4", size: 1,
                                          sha256: String(repeating: "b", count: 64), mediaInfo: nil)]
            #expect(try await catalog.registerOutputs(versionID: version.id, profile: "review-1080", sourceSHA256: "a",
                                                      outputs, completingJob: job.id, owner: "impostor") == .lost)
            #expect(try await catalog.components(versionID: version.id).map(\.kind) == [.original], "nothing registered")
            #expect(try await catalog.registerOutputs(versionID: version.id, profile: "review-1080", sourceSHA256: "a",
                                                      outputs, completingJob: job.id, owner: "w") == .held)
            #expect(try await catalog.job(id: job.id).state == .succeeded)
            #expect(try await catalog.version(id: version.id).mediaState == .ready)
            let kinds = try await catalog.components(versionID: version.id).map(\.kind)
            #expect(kinds.sorted { $0.rawValue < $1.rawValue } == [.original, .proxy])
        }
    }
}
