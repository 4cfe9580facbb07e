import Foundation
import MediaTestSupport
import Testing

/// The status-list, task, version and note commands on a data directory, as staff would type them.
@Suite("dailies status-list, task, version, note")
struct WorkflowCommandTests {
    @Test("lists, tasks, assignees and notes from the command line; bad input exits 65 naming the problem")
    func commands() throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        func run(_ arguments: String...) throws -> Subprocess {
            let result = try dailies(Array(arguments) + ["--data-dir", data])
            return result
        }
        #expect(try run("user", "add", "Ada Park", "--email", "ada@studio.example").status == 0)
        #expect(try run("project", "add", "Feature").status == 0)

        let lists = try run("status-list", "show", "--project", "Feature")
        #expect(lists.status == 0 && lists.standardOutputText.contains("  pending review  #E8A33D  review"))
        let set = try run("status-list", "set", "--project", "Feature", "--scope", "version",
                          "pending review:#E8A33D:review", "final:#3fa45b:approved", "redo:#D9534F:needs_work")
        #expect(set.standardOutputText == "The version list is now: pending review, final, redo.\n")
        let badColour = try run("status-list", "set", "--project", "Feature", "--scope", "task", "x:#12:review")
        #expect(badColour.status == 65 && badColour.standardErrorText.contains("statuses[0].colour"))
        let badForm = try run("status-list", "set", "--project", "Feature", "--scope", "task", "just a name")
        #expect(badForm.status != 0 && badForm.standardErrorText.contains("NAME:COLOUR:KIND"))

        let task = try run("task", "add", "comp", "--project", "Feature", "--assignee", "ada@studio.example")
        #expect(task.status == 0 && task.standardOutputText.hasPrefix("Created task comp (not started), id "))
        let taskID = String(try #require(task.standardOutputText.split(separator: " ").last).dropLast(2))
        #expect(try run("task", "set", taskID, "--status", "In Progress").standardOutputText == "Task comp: in progress, 1 assigned.\n")
        #expect(try run("task", "list", "--project", "Feature").standardOutputText.contains("comp  in progress  ada@studio.example"))
        #expect(try run("task", "set", taskID, "--assignee", "nobody@studio.example").status == 65)

        // A version made by ingest, for its task by name.
        let ingested = try run("ingest", "--project", "Feature", "--name", "sh010", "--task", "COMP", Fixture.path("still.jpg"))
        #expect(ingested.status == 0, "\(ingested.standardErrorText)")
        let versionID = try #require(ingested.standardOutputText.split(separator: "(").dropFirst().first?.prefix(36)).description
        let version = try run("version", "set", versionID, "--status", "FINAL", "--assignee", "ada@studio.example")
        #expect(version.standardOutputText == "sh010: final, 1 assigned.\n", "\(version.standardErrorText)")
        #expect(try run("version", "set", versionID, "--status", "approved").standardErrorText
                .contains("approved is not on the project's version status list (pending review, final, redo)"))

        let note = try run("note", "add", "--version", versionID, "--by", "ada@studio.example", "Soften the <flare>", "--completable")
        #expect(note.standardOutputText.hasSuffix("for 1 recipient.\n"), "\(note.standardErrorText)")
        let noteID = String(note.standardOutputText.dropFirst("Added note ".count).prefix(36))
        #expect(try run("note", "list", "--version", versionID).standardOutputText
                == "\(noteID)  Ada Park, whole version  [to do]: Soften the <flare>\n")
        #expect(try run("note", "complete", noteID, "--by", "ada@studio.example").standardOutputText == "Done.\n")
        #expect(try run("note", "list", "--version", versionID).standardOutputText.contains("[done]"))
    }
}
