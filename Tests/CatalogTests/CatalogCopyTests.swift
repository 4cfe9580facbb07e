import Foundation
import Logging
import MediaTestSupport
import SQLKit
import Synchronization
import Testing

@testable import Catalog

/// An embedded catalog in a fresh folder, for copying from; the folder is removed afterwards.
private func withSourceFolder(_ body: (_ folder: String, _ path: String) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-copy-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try await body(folder, (folder as NSString).appendingPathComponent(Catalog.fileName))
}

/// Opens the SQLite catalog at `path`, runs `body` on it and closes it.
private func withSQLiteCatalog(_ path: String, _ body: (Catalog) async throws -> Void) async throws {
    try await withCatalog(at: .sqlite(path: path), passphraseCost: .testing, body)
}

/// The code and message of the `CatalogError` that `body` throws.
private func refusal(_ body: () async throws -> Void) async -> CatalogError? {
    do {
        try await body()
        Issue.record("expected a refusal")
        return nil
    } catch let error as CatalogError {
        return error
    } catch {
        Issue.record("expected a CatalogError, got \(error)")
        return nil
    }
}

/// Refusals that come before any database is opened, and a target that cannot be reached:
/// these need no PostgreSQL server.
@Suite("Catalog copy: what it refuses at once")
struct CatalogCopyInputTests {
    @Test("a --from that is not sqlite:, and a --to that is not postgres://, are refused by name")
    func wrongEngines() async throws {
        let from = await refusal {
            _ = try await CatalogCopy.copy(from: .postgres(url: "postgres://a@h/x"), to: .postgres(url: "postgres://a@h/y"))
        }
        #expect(from?.code == .invalidField && from?.field == "from")
        let to = await refusal {
            _ = try await CatalogCopy.copy(from: .sqlite(path: "/nowhere/catalog.sqlite"), to: .sqlite(path: "/elsewhere.sqlite"))
        }
        #expect(to?.code == .invalidField && to?.field == "to")
    }

    @Test("a missing source file is refused and not made; a folder is refused with the file to name")
    func missingSource() async throws {
        try await withSourceFolder { folder, path in
            let missing = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: "postgres://a@127.0.0.1:1/x"))
            }
            #expect(missing?.code == .notFound && missing?.message.contains(path) == true)
            #expect(!FileManager.default.fileExists(atPath: path), "no catalog was made where none was")
            #expect(!FileManager.default.fileExists(atPath: folder))

            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let isFolder = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: folder), to: .postgres(url: "postgres://a@127.0.0.1:1/x"))
            }
            #expect(isFolder?.code == .invalidField && isFolder?.message.contains("sqlite:\(path)") == true)
        }
    }

    @Test("a target that cannot be reached is refused as unavailable, and the source is left as it was")
    func unreachableTarget() async throws {
        try await withSourceFolder { _, path in
            try await withSQLiteCatalog(path) { catalog in
                _ = try await catalog.createProject(name: "Show")
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            // Port 1 on loopback: nothing listens, so the connection is refused at once.
            let unreachable = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: "postgres://dailies@127.0.0.1:1/dailies"))
            }
            #expect(unreachable?.code == .unavailable)
            #expect(unreachable?.message.contains("127.0.0.1:1") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }
}

/// Copies into a real PostgreSQL server's fresh databases (the test command's, named in
/// `DAILIES_TEST_POSTGRES`).
// Once per test run: in the SQLite round (the copy's source is always SQLite), not again
// when the catalog suites run on PostgreSQL.
@Suite("Catalog copy to PostgreSQL", .enabled(if: TestCatalogs.postgresServer != nil && !TestCatalogs.onPostgres,
                                              "needs the test PostgreSQL; runs in the SQLite round"))
struct CatalogCopyTests {
    static var logger: Logger {
        var logger = Logger(label: "test.copy")
        logger.logLevel = .warning
        return logger
    }

    /// A new, empty database on the test server.
    static func newTarget() async throws -> String {
        try await TestCatalogs.newDatabase(on: TestCatalogs.postgresServer!)
    }

    /// Every base table in `url`'s database, with its rows: what "left as it was" is checked by.
    static func contents(of url: String) async throws -> [String: Int] {
        let database = try await CatalogDatabase.open(.postgres(url: url), readers: 1, logger: logger)
        do {
            let contents = try await database.read { db in
                var contents: [String: Int] = [:]
                let tables = try await db.raw("""
                    SELECT table_name::text AS name FROM information_schema.tables
                    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                    """).all(decodingColumn: "name", as: String.self)
                for table in tables {
                    contents[table] = try await db.count(table) { $0 }
                }
                return contents
            }
            try await database.close()
            return contents
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// Runs `statement` on the database at `address`, bypassing the catalog's rules.
    static func tamper(_ address: CatalogAddress, _ statement: SQLQueryString) async throws {
        let database = try await CatalogDatabase.open(address, readers: 1, logger: logger)
        do {
            try await database.write { db in try await db.raw(statement).run() }
            try await database.close()
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// What a studio's catalog holds after some weeks: staff with keys, a project with a task
    /// list and a versioned shot with media, a session with collaborators, threaded comments
    /// with a drawing, statuses, notes with a reply, jobs, a frame check, and heartbeats of
    /// processes long stopped.
    struct Studio {
        let project: Project
        let session: ReviewSession
        let staff: StaffUser
        let apiKey: String
        let versions: [Version]
        let task: ProjectTask
        let comments: [ReviewComment]
    }

    static let lateParent = "FFFFFFFF-0000-4000-8000-000000000001"
    static let earlyReply = "00000000-0000-4000-8000-000000000002"

    static func populate(_ catalog: Catalog) async throws -> Studio {
        let review = try await FeedbackTests.review(catalog)
        let project = try await catalog.project(id: try await catalog.version(id: review.item.versionID).projectID)
        let (ada, key) = try await catalog.createStaffUser(name: "Ada Lead", email: "ada@studio.example", isAdmin: true)
        // A task made after the versions and referred to by one: `versions` refers to
        // `tasks`, a table the migrations create after it.
        let task = try await catalog.createTask(projectID: project.id, TaskFields(name: "comp", assigneeIDs: [ada.id, review.staff.id]))
        let tasked = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh020_comp", taskID: .some(task.id),
                                                                                         assigneeIDs: [ada.id]))
        try await giveMedia(catalog, versionID: tasked.id, playback: FeedbackTests.playback)

        let top = try await review.comment("the flare pops", .frame(41), by: review.danaActor, drawing: FeedbackTests.drawing)
        let reply = try await review.comment("fixing it", by: review.staffActor, parent: top.id)
        let range = try await review.comment("slow this down", .range(first: 10, last: 33), by: review.samActor)
        let staffOnly = try await review.comment("client is picky", .item, by: review.staffActor, internal: true)
        _ = try await catalog.setResolved(true, sessionID: review.session.id, id: range.id, by: review.staffActor)
        _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.item.id, by: review.dana)
        _ = try await catalog.setStatus(.requiresChanges, sessionID: review.session.id, itemID: review.item.id, by: review.sam)
        _ = try await catalog.recordFrameCheck(sessionID: review.session.id, itemID: review.item.id, by: review.danaActor.author,
                                               during: .seek, expected: 41, presented: 40, mediaTime: 41.0 / 24.0,
                                               userAgent: "Chromium")

        let note = try await catalog.addNote(versionID: tasked.id, NoteDraft(text: "Hold the flare", anchor: .range(first: 4, last: 9),
                                                                              drawing: FeedbackTests.drawing, completable: true), by: ada)
        _ = try await catalog.addNote(versionID: tasked.id, NoteDraft(text: "On it", parentID: note.id, recipientIDs: []),
                                      by: review.staff)
        _ = try await catalog.updateNote(id: note.id, NoteEdit(completed: true), by: ada)

        // A reply whose id sorts before its parent's, as random ids often do: the copy, going
        // by key, meets the reply first.
        try await catalog.database.write { db in
            let columns = try await db.raw("SELECT name FROM pragma_table_info('comments')").all(decodingColumn: "name", as: String.self)
            for (id, parent) in [(Self.lateParent, nil), (Self.earlyReply, Self.lateParent)] as [(String, String?)] {
                let values = columns.map { column -> SQLQueryString in
                    switch column {
                    case "id": "\(bind: id)"
                    case "parent_id": "\(bind: parent)"
                    case "thread_id": "\(bind: Self.lateParent)"
                    default: "\(ident: column)"
                    }
                }
                try await db.raw("""
                    INSERT INTO comments (\(columns.map { name -> SQLQueryString in "\(ident: name)" }.joined(separator: ", ")))
                    SELECT \(values.joined(separator: ", ")) FROM comments WHERE id = \(bind: top.id.uuidString)
                    """).run()
            }
        }

        // Processes that stopped a minute ago: their rows are copied, and they do not hold it up.
        try await catalog.registerWorker(id: "worker-old", host: "render-01", pid: 101, concurrency: 2)
        try await catalog.registerServer(id: "server-old", host: "web-01", pid: 202, url: "http://web-01:8080")
        let aMinuteAgo = Timestamp().addingTimeInterval(-60).storedMilliseconds
        try await catalog.database.write { db in
            try await db.raw("UPDATE workers SET heartbeat_at = \(bind: aMinuteAgo)").run()
            try await db.raw("UPDATE servers SET heartbeat_at = \(bind: aMinuteAgo)").run()
        }

        let versions = try await catalog.versions(projectID: project.id, page: .all).items
        return Studio(project: project, session: review.session, staff: review.staff, apiKey: key.value, versions: versions,
                      task: task, comments: [top, reply, range, staffOnly])
    }

    @Test("a populated catalog arrives whole: the same objects, ids and times, read back through the catalog")
    func copiesEverything() async throws {
        try await withSourceFolder { _, path in
            var studio: Studio!
            try await withSQLiteCatalog(path) { studio = try await Self.populate($0) }
            let target = try await Self.newTarget()

            let progress = ProgressLog()
            let report = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger) {
                progress.record($0, $1)
            }
            #expect(report.matches && report.schemaVersion == Migrations.steps.last!.version)
            #expect(progress.entries.map(\.table) == report.tables.map(\.table), "told of every table, in the copy's order")
            #expect(progress.entries.map(\.rows) == report.tables.map(\.target.rows))
            #expect(!report.tables.map(\.table).contains("schema_migrations"))
            let order = report.tables.map(\.table)
            #expect(order.firstIndex(of: "tasks")! < order.firstIndex(of: "versions")!, "versions refer to tasks")
            #expect(order.firstIndex(of: "projects")! < order.firstIndex(of: "tasks")!)
            for table in ["organization", "staff_users", "api_keys", "projects", "versions", "components", "review_sessions",
                          "session_items", "collaborators", "jobs", "comments", "review_statuses", "status_changes", "notes",
                          "tasks", "task_assignees", "frame_checks", "workers", "servers", "session_events"] {
                #expect((report.tables.first { $0.table == table }?.source.rows ?? 0) > 0, "\(table) had rows to copy")
            }
            // What it says it checked, an independent look confirms.
            let verified = try await CatalogCopy.verify(source: .sqlite(path: path), target: .postgres(url: target), logger: Self.logger)
            #expect(verified == report)

            try await Self.expectSame(source: path, copy: target, studio)
        }
    }

    /// The SQLite catalog at `source` and its copy at `copy` answer alike about everything in `studio`.
    static func expectSame(source: String, copy: String, _ studio: Studio) async throws {
        try await withSQLiteCatalog(source) { original in
            try await withCatalog(at: .postgres(url: copy), passphraseCost: .testing) { copy in
                try await Self.expectSame(original, copy, studio)
            }
        }
    }

    /// `original` and `copy` answer alike about everything in `studio`.
    static func expectSame(_ original: Catalog, _ copy: Catalog, _ studio: Studio) async throws {
        #expect(try await copy.organization() == original.organization())
        #expect(try await copy.staffUsers(page: .all).items == original.staffUsers(page: .all).items)
        #expect(try await copy.staffUser(apiKey: studio.apiKey)?.email == "ada@studio.example", "the key's digest came too")
        #expect(try await copy.project(id: studio.project.id) == original.project(id: studio.project.id))
        let project = try await copy.project(id: studio.project.id)
        #expect(project.createdAt == studio.project.createdAt, "to the millisecond")
        #expect(try await copy.versions(projectID: studio.project.id, page: .all).items == studio.versions)
        for version in studio.versions {
            #expect(try await copy.components(versionID: version.id) == original.components(versionID: version.id))
            #expect(try await copy.notes(versionID: version.id) == original.notes(versionID: version.id))
        }
        #expect(try await copy.task(id: studio.task.id) == original.task(id: studio.task.id))
        #expect(try await copy.session(id: studio.session.id) == original.session(id: studio.session.id))
        #expect(try await copy.items(sessionID: studio.session.id) == original.items(sessionID: studio.session.id))
        #expect(try await copy.collaborators(sessionID: studio.session.id) == original.collaborators(sessionID: studio.session.id))
        let staff = Viewer.staff(studio.staff.id)
        let comments = try await copy.comments(sessionID: studio.session.id, for: staff, page: .all).items
        #expect(try await comments == original.comments(sessionID: studio.session.id, for: staff, page: .all).items)
        #expect(Set(studio.comments.map(\.id)).isSubset(of: comments.map(\.id)))
        #expect(comments.first { $0.id == studio.comments[0].id }?.drawing == FeedbackTests.drawing)
        #expect(comments.first { $0.id == studio.comments[1].id }?.parentID == studio.comments[0].id)
        #expect(comments.first { $0.id.uuidString == earlyReply }?.parentID?.uuidString == lateParent)
        #expect(try await copy.statuses(sessionID: studio.session.id) == original.statuses(sessionID: studio.session.id))
        #expect(try await copy.events(sessionID: studio.session.id, after: 0, for: staff)
                == original.events(sessionID: studio.session.id, after: 0, for: staff))
        #expect(try await copy.lastEventSeq(sessionID: studio.session.id) == original.lastEventSeq(sessionID: studio.session.id))
        #expect(try await copy.frameChecks(sessionID: studio.session.id, page: .all).items
                == original.frameChecks(sessionID: studio.session.id, page: .all).items)
        #expect(try await copy.jobs(page: .all).items == original.jobs(page: .all).items)
        #expect(try await copy.liveWorkers().isEmpty)
        #expect(try await copy.liveServers().isEmpty)
    }

    @Test("one row per statement, so that a reply goes in before its parent and keys are paged through one by one")
    func copiesRowByRow() async throws {
        try await withSourceFolder { _, path in
            var studio: Studio!
            try await withSQLiteCatalog(path) { studio = try await Self.populate($0) }
            let target = try await Self.newTarget()
            let report = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger,
                                                    rowsPerStatement: 1) { _, _ in }
            #expect(report.matches)
            try await Self.expectSame(source: path, copy: target, studio)
        }
    }

    @Test("a target with catalog rows is refused, naming them, and left as it was; one with only the schema is taken")
    func refusesOccupiedTarget() async throws {
        try await withSourceFolder { _, path in
            try await withSQLiteCatalog(path) { _ = try await $0.createProject(name: "Show") }

            // A database a server has opened: the studio's row is there, and someone's project.
            let used = try await Self.newTarget()
            let server = try await Catalog.open(.postgres(url: used), passphraseCost: .testing)
            let theirs = try await server.createProject(name: "Theirs")
            try await server.close()
            let before = try await Self.contents(of: used)
            let occupied = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: used), logger: Self.logger)
            }
            #expect(occupied?.code == .conflict)
            #expect(occupied?.message.contains("organization (1 row)") == true && occupied?.message.contains("projects (1 row)") == true)
            #expect(try await Self.contents(of: used) == before)
            let reopened = try await Catalog.open(.postgres(url: used), passphraseCost: .testing)
            #expect(try await reopened.projects(page: .all).items.map(\.id) == [theirs.id])
            try await reopened.close()

            // The schema alone, as the migrations make it: empty, so it is taken.
            let schemaOnly = try await Self.newTarget()
            let database = try await CatalogDatabase.open(.postgres(url: schemaOnly), readers: 1, logger: Self.logger)
            try await Migrations.run(on: database)
            try await database.close()
            let report = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: schemaOnly), logger: Self.logger)
            #expect(report.matches && report.tables.first { $0.table == "projects" }?.target.rows == 1)
        }
    }

    @Test("a live server or worker on the source is refused by host and pid; nothing is made in the target")
    func refusesLiveSource() async throws {
        try await withSourceFolder { _, path in
            try await withSQLiteCatalog(path) { catalog in
                try await catalog.registerWorker(id: "w1", host: "render-07", pid: 4242, concurrency: 2)
                try await Self.keepBeating(catalog, table: "workers")
            }
            let target = try await Self.newTarget()
            let worker = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger)
            }
            #expect(worker?.code == .conflict)
            #expect(worker?.message.contains("a worker on render-07 (pid 4242)") == true)
            #expect(try await Self.contents(of: target).isEmpty)

            try await withSQLiteCatalog(path) { catalog in
                try await catalog.registerServer(id: "s1", host: "web-01", pid: 17, url: "http://web-01:8080")
                try await Self.keepBeating(catalog, table: "servers")
            }
            let both = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger)
            }
            #expect(both?.message.contains("a server on web-01 (pid 17, http://web-01:8080)") == true)
            #expect(both?.message.contains("render-07") == true)
            #expect(try await Self.contents(of: target).isEmpty)

            // Once they have stopped (said goodbye), the copy goes ahead.
            try await withSQLiteCatalog(path) { catalog in
                try await catalog.removeWorker(id: "w1")
                try await catalog.removeServer(id: "s1")
            }
            #expect(try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger).matches)
        }
    }

    /// Dates the heartbeats in `table` an hour ahead: they count as live for the whole test,
    /// however slowly a loaded machine gets through it (a real process beats every 5 s).
    static func keepBeating(_ catalog: Catalog, table: String) async throws {
        try await catalog.database.write { db in
            try await db.update(table).set("heartbeat_at", to: catalog.now.addingTimeInterval(3600).bind).run()
        }
    }

    @Test("the verifier catches a changed text, a flipped flag and a time off by a millisecond, and names the tables")
    func verifierCatchesChanges() async throws {
        try await withSourceFolder { _, path in
            var studio: Studio!
            try await withSQLiteCatalog(path) { studio = try await Self.populate($0) }
            let target = try await Self.newTarget()
            _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger)
            let address = CatalogAddress.postgres(url: target)
            let notACopy = await refusal {
                _ = try await CatalogCopy.verify(source: .sqlite(path: path), target: .postgres(url: try await Self.newTarget()),
                                                 logger: Self.logger)
            }
            #expect(notACopy?.code == .conflict && notACopy?.message.contains("no steps") == true)
            #expect(try await CatalogCopy.verify(source: .sqlite(path: path), target: address, logger: Self.logger).matches)

            try await Self.tamper(address, "UPDATE comments SET text = 'the flare pops!' WHERE id = \(bind: studio.comments[0].id.uuidString)")
            var report = try await CatalogCopy.verify(source: .sqlite(path: path), target: address, logger: Self.logger)
            #expect(report.mismatches.map(\.table) == ["comments"])
            #expect(report.mismatches.first.map { $0.source.rows == $0.target.rows && $0.source.checksum != $0.target.checksum } == true)

            try await Self.tamper(address, "UPDATE projects SET allow_comments = NOT allow_comments")
            try await Self.tamper(address, "UPDATE versions SET updated_at = updated_at + 1 WHERE id = \(bind: studio.versions[0].id.uuidString)")
            report = try await CatalogCopy.verify(source: .sqlite(path: path), target: address, logger: Self.logger)
            #expect(Set(report.mismatches.map(\.table)) == ["comments", "projects", "versions"])

            try await Self.tamper(address, "DELETE FROM frame_checks")
            report = try await CatalogCopy.verify(source: .sqlite(path: path), target: address, logger: Self.logger)
            let frameChecks = report.mismatches.first { $0.table == "frame_checks" }
            #expect(frameChecks?.source.rows == 1 && frameChecks?.target.rows == 0)
            #expect(report.tables.filter(\.matches).count == report.tables.count - 4)
        }
    }

    @Test("text keys are ordered as bytes on both sides, whatever collation the target's columns have")
    func textKeysOrderAsBytes() async throws {
        try await withSourceFolder { _, path in
            try await withSQLiteCatalog(path) { _ in }
            try await Self.tamper(.sqlite(path: path), """
                INSERT INTO throttles (key, attempts, wait_until, updated_at) VALUES
                ('link:b', 1, 0, 0), ('link:B', 2, 0, 0), ('link:a', 3, 0, 0), ('link:Z', 4, 0, 0), ('link:é', 5, 0, 0)
                """)
            let target = try await Self.newTarget()
            let database = try await CatalogDatabase.open(.postgres(url: target), readers: 1, logger: Self.logger)
            try await Migrations.run(on: database)
            // English as ICU sorts it puts a before B and é before Z; bytes put B before a, and é last.
            try await database.write { db in
                try await db.raw(#"ALTER TABLE throttles ALTER COLUMN key TYPE TEXT COLLATE "en-US-x-icu""#).run()
            }
            try await database.close()
            let report = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger)
            #expect(report.matches)
            #expect(report.tables.first { $0.table == "throttles" }?.target.rows == 5)
        }
    }

    @Test("a value PostgreSQL cannot hold fails the copy after other tables went in, and the target is left empty")
    func failureLeavesTargetAsItWas() async throws {
        try await withSourceFolder { _, path in
            var studio: Studio!
            try await withSQLiteCatalog(path) { studio = try await Self.populate($0) }
            // A flag of 2: SQLite keeps it, a BOOLEAN cannot, and copying it as true would change it.
            try await Self.tamper(.sqlite(path: path), "UPDATE comments SET is_range = 2 WHERE id = \(bind: studio.comments[2].id.uuidString)")
            let target = try await Self.newTarget()
            let damaged = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger)
            }
            #expect(damaged?.code == .damaged)
            #expect(damaged?.message.contains("comments row \(studio.comments[2].id.uuidString)") == true)
            #expect(damaged?.message.contains("is_range") == true)
            #expect(try await Self.contents(of: target).isEmpty, "no schema, no rows: the one transaction was rolled back")
        }
    }

    @Test("a source behind the current schema step is refused with what to run, and not migrated")
    func refusesOldSource() async throws {
        try await withSourceFolder { folder, path in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let old = try await CatalogDatabase.open(.sqlite(path: path), readers: 1, logger: Self.logger)
            try await Migrations.run(on: old, through: 12)
            try await old.close()
            let target = try await Self.newTarget()
            let behind = await refusal {
                _ = try await CatalogCopy.copy(from: .sqlite(path: path), to: .postgres(url: target), logger: Self.logger)
            }
            #expect(behind?.code == .conflict)
            #expect(behind?.message.contains("schema step 12") == true && behind?.message.contains("dailies user list") == true)
            #expect(try await Self.contents(of: target).isEmpty)

            let source = try await CatalogDatabase.open(.sqlite(path: path), readers: 1, logger: Self.logger)
            let steps = try await source.read { db in
                try await db.select().column("version").from("schema_migrations").all(decodingColumn: "version", as: Int.self)
            }
            try await source.close()
            #expect(steps.max() == 12)
        }
    }
}

/// What a copy's progress said, in order.
private final class ProgressLog: Sendable {
    private let log = Mutex<[(table: String, rows: Int)]>([])

    func record(_ table: String, _ rows: Int) { log.withLock { $0.append((table, rows)) } }

    var entries: [(table: String, rows: Int)] { log.withLock { $0 } }
}
