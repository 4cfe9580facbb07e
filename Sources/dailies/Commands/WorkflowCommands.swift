import ArgumentParser
import Catalog
import Foundation

/// `dailies status-list`: a project's version and task status lists.
struct StatusListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status-list", abstract: "Show or set a project's version and task status lists.",
        subcommands: [Show.self, Set.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print both lists, in order.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The project's name or id.") var project: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                let lists = try await catalog.statusLists(projectID: try await resolveProject(project, catalog).id)
                for scope in WorkflowStatus.Scope.allCases {
                    print("\(scope) statuses:")
                    for status in lists[scope] { print("  \(status.name)  \(status.colour)  \(status.kind.rawValue)") }
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace one list.",
            discussion: """
                Give every status of the new list, in order, as NAME:COLOUR:KIND (KIND is in_progress, review, \
                approved or needs_work), for example 'client review:#E8A33D:review'. A status whose name is on \
                the list now stays that status; one left out must not be any version's or task's status.
                """)
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The project's name or id.") var project: String
        @Option(help: "Which list: version or task.") var scope: WorkflowStatus.Scope
        @Argument(help: "The statuses, as NAME:COLOUR:KIND.") var statuses: [String]

        func run() async throws {
            let entries = try statuses.map { text -> WorkflowStatusEntry in
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3, let kind = WorkflowStatus.Kind(rawValue: parts[2]) else {
                    throw ValidationError("'\(text)' is not NAME:COLOUR:KIND (KIND: in_progress, review, approved or needs_work)")
                }
                return WorkflowStatusEntry(name: parts[0], colour: parts[1], kind: kind)
            }
            try await withCatalog(data) { catalog in
                let list = try await catalog.setStatusList(projectID: try await resolveProject(project, catalog).id, scope, entries)
                print("The \(scope) list is now: \(list.map(\.name).joined(separator: ", ")).")
            }
        }
    }
}

extension WorkflowStatus.Scope: ExpressibleByArgument {}

/// `dailies task`: a project's tasks and who is assigned.
struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task", abstract: "Manage a project's tasks and their assignees.", subcommands: [Add.self, List.self, Set.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a task.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The project's name or id.") var project: String
        @Argument(help: "The task's name, such as comp.") var name: String
        @Option(help: "A status on the project's task list (its first, by default).") var status: String?
        @Option(name: .customLong("assignee"), help: "A staff member's email; repeat for more.") var assignees: [String] = []

        func run() async throws {
            try await withCatalog(data) { catalog in
                let task = try await catalog.createTask(
                    projectID: try await resolveProject(project, catalog).id,
                    TaskFields(name: name, status: status, assigneeIDs: try await staffIDs(assignees, catalog)))
                print("Created task \(task.name) (\(task.status)), id \(task.id).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a project's tasks.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The project's name or id.") var project: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                let people = Dictionary(uniqueKeysWithValues: try await catalog.staffUsers(page: .all).items.map { ($0.id, $0.email) })
                for task in try await catalog.tasks(projectID: try await resolveProject(project, catalog).id, page: .all).items {
                    let assigned = task.assigneeIDs.compactMap { people[$0] }.joined(separator: ", ")
                    print("\(task.id)  \(task.name)  \(task.status)\(assigned.isEmpty ? "" : "  " + assigned)")
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a task's status or assignees.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "A status on the project's task list.") var status: String?
        @OptionGroup var assignees: AssigneeOptions

        func run() async throws {
            try await withCatalog(data) { catalog in
                let people = try await assignees.ids(catalog)
                let task = try await catalog.updateTask(id: try parseID(id), TaskFields(status: status, assigneeIDs: people))
                print("Task \(task.name): \(task.status), \(task.assigneeIDs.count) assigned.")
            }
        }
    }
}

/// `dailies note`: notes on versions.
struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Write, list and complete notes on versions.", subcommands: [Add.self, List.self, Complete.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a note on a version; everyone assigned to it or its task is told, unless --recipient is given.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The version's id.") var version: String
        @Option(help: "Who writes it: a staff member's email.") var by: String
        @Argument(help: "The note's text.") var text: String
        @Option(help: "The frame (an index from 0) it is about.") var frame: Int?
        @Flag(help: "A to-do someone completes.") var completable = false
        @Option(name: .customLong("recipient"), help: "A staff member's email; repeat for more.") var recipients: [String] = []

        func run() async throws {
            try await withCatalog(data) { catalog in
                let author = try await staffUser(email: by, catalog)
                let note = try await catalog.addNote(
                    versionID: try parseID(version),
                    NoteDraft(text: text, anchor: frame.map(Anchor.frame) ?? .item, completable: completable,
                              recipientIDs: recipients.isEmpty ? nil : try await staffIDs(recipients, catalog)),
                    by: author)
                print("Added note \(note.id) for \(note.recipientIDs.count) recipient\(note.recipientIDs.count == 1 ? "" : "s").")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a version's notes.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The version's id.") var version: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                for note in try await catalog.notes(versionID: try parseID(version)) {
                    let place = switch note.anchor {
                    case .item: "whole version"
                    case .frame(let frame): "frame \(note.labels?.number(frame) ?? frame)"
                    case .range(let first, let last): "frames \(note.labels?.number(first) ?? first)–\(note.labels?.number(last) ?? last)"
                    }
                    let state = note.completable ? (note.completedAt == nil ? "  [to do]" : "  [done]") : ""
                    let from = note.source == nil ? "" : "  (from review)"
                    print("\(note.id)  \(note.parentID == nil ? "" : "  ↳ ")\(note.author.name), \(place)\(state)\(from): \(note.text)")
                }
            }
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a completable note done (or not, with --undo).")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The note's id.") var id: String
        @Option(help: "Who completes it: a staff member's email.") var by: String
        @Flag(help: "Mark it not done.") var undo = false

        func run() async throws {
            try await withCatalog(data) { catalog in
                let note = try await catalog.updateNote(id: try parseID(id), NoteEdit(completed: !undo),
                                                        by: try await staffUser(email: by, catalog))
                print(note.completedAt == nil ? "Not done." : "Done.")
            }
        }
    }
}

/// `dailies transfer`: a session's feedback onto its versions and tasks.
struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Transfer a review session's feedback onto its versions and tasks.",
        discussion: """
            Each item's deciders give its status: any asking for changes gives --changes-status, all approving \
            gives --approved-status, otherwise it stays (statuses go to the version, or to its task when the \
            organisation's transfer_status_to says so). Each comment becomes a note on the version keeping its \
            author, date, frames, drawing and frame receipt. Nothing is done twice: a second transfer of the same \
            comments creates nothing. --preview shows what would happen and changes nothing.
            """)
    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The session's id.") var session: String
    @Option(help: "Who transfers: a staff member's email.") var by: String
    @Option(name: .customLong("item"), help: "An item's id; repeat for more (every item, by default).") var items: [String] = []
    @Option(name: .customLong("comment"), help: "A comment's id; repeat for more (every comment, by default).") var comments: [String] = []
    @Option(help: "The status for items every decider approved.") var approvedStatus: String?
    @Option(help: "The status for items a decider asks changes of.") var changesStatus: String?
    @Flag(help: "Leave statuses alone: transfer only notes.") var noStatuses = false
    @Flag(help: "Make the notes to-dos to complete.") var completable = false
    @Option(help: "A note of your own on each item's version, to everyone assigned.") var note: String?
    @Flag(help: "Show what would happen; change nothing.") var preview = false

    func run() async throws {
        try await withCatalog(data) { catalog in
            let request = FeedbackTransfer(
                itemIDs: items.isEmpty ? nil : try items.map(parseID), commentIDs: comments.isEmpty ? nil : try comments.map(parseID),
                transferStatuses: !noStatuses, approvedStatus: approvedStatus, changesStatus: changesStatus,
                completable: completable, note: note)
            let user = try await staffUser(email: by, catalog)
            let sessionID = try parseID(session)
            let plan = preview ? try await catalog.previewTransfer(sessionID: sessionID, request, by: user)
                : try await catalog.transferFeedback(sessionID: sessionID, request, by: user)
            for item in plan.items {
                let status = item.statusChange.map { "\($0.scope) \($0.from) → \($0.to)" } ?? item.statusNote ?? "status stays"
                let fresh = item.notes.filter { !$0.alreadyTransferred }.count
                print("\(item.versionName): \(item.verdict.replacingOccurrences(of: "_", with: " ")); \(status); "
                      + "\(fresh) new note\(fresh == 1 ? "" : "s")\(item.notes.count > fresh ? ", \(item.notes.count - fresh) already transferred" : "")")
            }
            print(preview ? "Preview: nothing changed." : "Transferred: \(plan.notesCreated) notes, \(plan.statusesChanged) statuses.")
        }
    }
}

/// `--assignee EMAIL…` or `--unassign`: a new list of assignees, or none given.
struct AssigneeOptions: ParsableArguments {
    @Option(name: .customLong("assignee"), help: "A staff member's email; repeat for more. Replaces the list.")
    var emails: [String] = []
    @Flag(help: "Assign no one.") var unassign = false

    func validate() throws {
        guard !(unassign && !emails.isEmpty) else { throw ValidationError("--unassign goes without --assignee") }
    }

    /// The staff ids, `[]` for `--unassign`, `nil` when neither was given.
    func ids(_ catalog: Catalog) async throws -> [UUID]? {
        if unassign { return [] }
        return emails.isEmpty ? nil : try await staffIDs(emails, catalog)
    }
}

/// The staff member with `email`.
func staffUser(email: String, _ catalog: Catalog) async throws -> StaffUser {
    guard let user = try await catalog.staffUser(email: email) else {
        throw CatalogError(.notFound, "no staff member with email \(email)")
    }
    return user
}

/// The ids of the staff members with `emails`, in order.
func staffIDs(_ emails: [String], _ catalog: Catalog) async throws -> [UUID] {
    var ids: [UUID] = []
    for email in emails { ids.append(try await staffUser(email: email, catalog).id) }
    return ids
}

/// `dailies version set`: a version's status, task and assignees.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Change a version's status, task or assignees.", subcommands: [Set.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a version's status, task or assignees.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The version's id.") var id: String
        @Option(help: "A status on the project's version list.") var status: String?
        @Option(help: "The project's task of this name (made when there is none).") var task: String?
        @OptionGroup var assignees: AssigneeOptions

        func run() async throws {
            try await withCatalog(data) { catalog in
                let people = try await assignees.ids(catalog)
                let version = try await catalog.updateVersion(
                    id: try parseID(id), VersionFields(task: task.map { .some($0) }, status: status, assigneeIDs: people))
                print("\(version.name): \(version.status), \(version.assigneeIDs.count) assigned.")
            }
        }
    }
}
