import Foundation
import MediaTestSupport
import SQLKit
import Testing

@testable import Catalog

/// Status lists, tasks, assignees and notes on a real SQLite catalog, and the upgrade of a
/// catalog from before them.
@Suite("Workflow")
struct WorkflowTests {
    @Test("a new project has both standard lists; versions take names on its list, in its spelling")
    func standardLists() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(name: "Show")
            let lists = try await catalog.statusLists(projectID: project.id)
            #expect(lists.version.map(\.name) == WorkflowStatus.defaultList(.version).map(\.name))
            #expect(lists.task.map(\.name) == WorkflowStatus.defaultList(.task).map(\.name))
            #expect(lists.version.map(\.position) == Array(0..<lists.version.count))

            let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010"))
            #expect(version.status == "pending review")
            let approved = try await catalog.updateVersion(id: version.id, VersionFields(status: "  APPROVED "))
            #expect(approved.status == "approved")
            #expect(await catalogErrorCode { _ = try await catalog.updateVersion(id: version.id, VersionFields(status: "final final")) }
                    == .invalidField)
            #expect(try await catalog.version(id: version.id).status == "approved")
        }
    }

    @Test("a list is replaced whole: renames carry versions along, even swapped; an entry in use stays")
    func replaceList() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(name: "Show")
            let list = try await catalog.statusLists(projectID: project.id).version
            let review = try #require(list.first { $0.name == "pending review" })
            let approved = try #require(list.first { $0.name == "approved" })
            let waiting = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010"))
            let done = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh020", status: "approved"))

            // Swap two names, add one, drop one nobody has.
            let entries = [
                WorkflowStatusEntry(id: review.id, name: "approved", colour: "#e8a33d", kind: .review),
                WorkflowStatusEntry(id: approved.id, name: "pending review", colour: "#3FA45B", kind: .approved),
                WorkflowStatusEntry(name: "on hold", colour: "#777777", kind: .inProgress),
            ]
            let replaced = try await catalog.setStatusList(projectID: project.id, .version, entries)
            #expect(replaced.map(\.name) == ["approved", "pending review", "on hold"])
            #expect(replaced[0].id == review.id && replaced[0].colour == "#E8A33D")
            #expect(try await catalog.version(id: waiting.id).status == "approved")
            #expect(try await catalog.version(id: done.id).status == "pending review")

            // Leaving out an entry a version has is refused, and changes nothing.
            #expect(await catalogErrorCode {
                _ = try await catalog.setStatusList(projectID: project.id, .version, [entries[2]])
            } == .conflict)
            #expect(try await catalog.statusLists(projectID: project.id).version.count == 3)
            for bad in [[WorkflowStatusEntry(name: "a", colour: "#12345", kind: .review)],
                        [WorkflowStatusEntry(name: "a", colour: "#123456", kind: .review),
                         WorkflowStatusEntry(name: "A", colour: "#123456", kind: .review)],
                        [WorkflowStatusEntry(id: UUID(), name: "a", colour: "#123456", kind: .review)], []] {
                #expect(await catalogErrorCode { _ = try await catalog.setStatusList(projectID: project.id, .version, bad) }
                        == .invalidField, "\(bad)")
            }
        }
    }

    @Test("tasks: statuses from the task list, assignees who are staff, versions linked by id or by name")
    func tasks() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(name: "Show")
            let other = try await catalog.createProject(name: "Other")
            let (ada, _) = try await catalog.createStaffUser(name: "Ada", email: "ada@studio.example", isAdmin: false)
            let (ben, _) = try await catalog.createStaffUser(name: "Ben", email: "ben@studio.example", isAdmin: false)
            let comp = try await catalog.createTask(projectID: project.id, TaskFields(name: "comp", assigneeIDs: [ben.id, ada.id]))
            #expect(comp.status == "not started" && comp.assigneeIDs == [ben.id, ada.id])
            #expect(await catalogErrorCode {
                _ = try await catalog.createTask(projectID: project.id, TaskFields(name: "x", assigneeIDs: [UUID()]))
            } == .invalidField)
            #expect(await catalogErrorCode {
                _ = try await catalog.createTask(projectID: project.id, TaskFields(name: "x", status: "pending review?"))
            } == .invalidField)
            let moved = try await catalog.updateTask(id: comp.id, TaskFields(status: "In Progress", assigneeIDs: [ada.id]))
            #expect(moved.status == "in progress" && moved.assigneeIDs == [ada.id])

            // By name, letter case aside: the project's task, or a new one.
            let v1 = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010", task: "COMP"))
            #expect(v1.taskID == comp.id)
            let v2 = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh020", task: "roto",
                                                                                          assigneeIDs: [ben.id]))
            let roto = try #require(try await catalog.tasks(projectID: project.id, page: .all).items.first { $0.name == "roto" })
            #expect(v2.taskID == roto.id && v2.assigneeIDs == [ben.id])
            #expect(try await catalog.version(id: v2.id).assigneeIDs == [ben.id])
            let foreign = try await catalog.createTask(projectID: other.id, TaskFields(name: "comp"))
            #expect(await catalogErrorCode { _ = try await catalog.updateVersion(id: v1.id, VersionFields(taskID: .some(foreign.id))) }
                    == .invalidField)

            try await catalog.deleteTask(id: comp.id)
            #expect(try await catalog.version(id: v1.id).taskID == nil)
        }
    }

    @Test("notes: anchors on the version's frames, recipients from its assignees, completion recorded")
    func notes() async throws {
        try await withCatalog { catalog in
            let project = try await catalog.createProject(name: "Show")
            let (ada, _) = try await catalog.createStaffUser(name: "Ada", email: "ada@studio.example", isAdmin: false)
            let (ben, _) = try await catalog.createStaffUser(name: "Ben", email: "ben@studio.example", isAdmin: false)
            let task = try await catalog.createTask(projectID: project.id, TaskFields(name: "comp", assigneeIDs: [ben.id, ada.id]))
            let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010", taskID: .some(task.id),
                                                                                               assigneeIDs: [ada.id]))
            // No media yet: only the whole version can be noted.
            #expect(await catalogErrorCode {
                _ = try await catalog.addNote(versionID: version.id, NoteDraft(text: "x", anchor: .frame(3)), by: ada)
            } == .invalidField)
            try await giveMedia(catalog, versionID: version.id, playback: FeedbackTests.playback)
            let note = try await catalog.addNote(versionID: version.id, NoteDraft(text: "Hold the flare", anchor: .range(first: 4, last: 9),
                                                                                   drawing: FeedbackTests.drawing, completable: true), by: ada)
            #expect(note.recipientIDs == [ada.id, ben.id], "the version's assignees, then its task's, each once")
            #expect(note.anchor == .range(first: 4, last: 9) && note.labels?.number(4) == 1005 && note.drawing == FeedbackTests.drawing)
            let reply = try await catalog.addNote(versionID: version.id, NoteDraft(text: "On it", parentID: note.id, recipientIDs: []),
                                                  by: ben)
            #expect(await catalogErrorCode {
                _ = try await catalog.addNote(versionID: version.id, NoteDraft(text: "Nested", parentID: reply.id), by: ada)
            } == .invalidField, "replies are one level deep")
            let whole = try await catalog.addNote(versionID: version.id, NoteDraft(text: "Overall: good"), by: ben)
            #expect(try await catalog.notes(versionID: version.id).map(\.id) == [whole.id, note.id, reply.id])
            #expect(await catalogErrorCode { _ = try await catalog.updateNote(id: note.id, NoteEdit(text: "mine now"), by: ben) }
                    == .forbidden)
            let done = try await catalog.updateNote(id: note.id, NoteEdit(completed: true), by: ben)
            #expect(done.completedBy == ben.id && done.completedAt != nil)
            #expect(try await catalog.notes(versionID: version.id, completed: true).map(\.id) == [note.id])
            #expect(await catalogErrorCode { _ = try await catalog.updateNote(id: whole.id, NoteEdit(completed: true), by: ben) }
                    == .invalidField)

            // A version with notes is only marked removed; a project with notes is not deleted.
            #expect(await catalogErrorCode { try await catalog.deleteProject(id: project.id) } == .conflict)
            try await catalog.deleteVersion(id: version.id)
            #expect(await catalogErrorCode { _ = try await catalog.version(id: version.id) } == .notFound)
            #expect(try await catalog.note(id: reply.id).parentID == note.id)
            try await catalog.deleteNote(id: note.id)
            #expect(await catalogErrorCode { _ = try await catalog.note(id: reply.id) } == .notFound, "replies go with their note")
        }
    }

    @Test("a catalog from before status lists and tasks upgrades without losing a status or a task")
    func upgrade() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-upgrade-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let address = try await TestCatalogs.address(dataDirectory: directory.path)

        // The schema as the feedback issue left it, and data written the way it was then.
        let old = try await CatalogDatabase.open(address, readers: 1, logger: .init(label: "test"))
        try await Migrations.run(on: old, through: 5)
        let projects = [UUID(), UUID()]
        let rows: [(UUID, String, String?)] = [
            (projects[0], "pending review", "comp"), (projects[0], "Approved", "Comp"), (projects[0], "CBB", "roto"),
            (projects[0], "Needs fixes", nil), (projects[0], "in progress", "comp"), (projects[1], "approved", "comp"),
            (projects[1], "waiting on client", "lighting"),
        ]
        var versionIDs: [UUID] = []
        try await old.write { db in
            for (index, project) in projects.enumerated() {
                try await db.raw("""
                    INSERT INTO projects (id, name, code, require_passphrase, share_days, allow_comments, comments_visible,
                        download_original, download_proxy, email_thumbnails, share_link_enabled, created_at, created_by)
                    VALUES (\(bind: project.uuidString), \(bind: "Show \(index)"), NULL, FALSE, 14, TRUE, TRUE, FALSE, TRUE,
                        TRUE, TRUE, 0, NULL)
                    """).run()
            }
            for (index, (project, status, task)) in rows.enumerated() {
                let id = UUID()
                versionIDs.append(id)
                try await db.raw("""
                    INSERT INTO versions (id, project_id, name, version_number, shot, asset, task, status, client_name,
                        default_reason, media_state, media_error, created_at, created_by, updated_at)
                    VALUES (\(bind: id.uuidString), \(bind: project.uuidString), \(bind: "v\(index)"), NULL, NULL, NULL,
                        \(bind: task), \(bind: status), NULL, NULL, 'none', NULL, \(bind: index), NULL, 0)
                    """).run()
            }
        }
        try await old.close()

        let catalog = try await Catalog.open(address)
        do {
            let versions = try await versionIDs.asyncMap { try await catalog.version(id: $0) }
            #expect(versions.map(\.status) == ["pending review", "approved", "CBB", "Needs fixes", "in progress", "approved",
                                               "waiting on client"])
            let first = try await catalog.statusLists(projectID: projects[0]).version
            #expect(first.map(\.name) == WorkflowStatus.defaultList(.version).map(\.name) + ["CBB", "Needs fixes"])
            #expect(first.suffix(2).map(\.kind) == [.approved, .needsWork])
            let second = try await catalog.statusLists(projectID: projects[1]).version
            #expect(second.last?.name == "waiting on client" && second.last?.kind == .inProgress)

            let tasks = try await catalog.tasks(projectID: projects[0], page: .all).items
            #expect(Set(tasks.map(\.name)) == ["Comp", "roto"], "one task per name, letter case aside")
            let comp = try #require(tasks.first { $0.name.lowercased() == "comp" })
            #expect([versions[0], versions[1], versions[4]].allSatisfy { $0.taskID == comp.id })
            #expect(versions[3].taskID == nil)
            let lighting = try await catalog.tasks(projectID: projects[1], page: .all).items
            #expect(lighting.map(\.name).sorted() == ["comp", "lighting"] && versions[5].taskID != comp.id)
            try await catalog.close()
        } catch {
            try? await catalog.close()
            throw error
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
