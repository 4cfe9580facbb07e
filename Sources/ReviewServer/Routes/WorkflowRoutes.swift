import Catalog
import Foundation
import Hummingbird

/// What the team works from: each project's status lists, its tasks, notes on versions, and
/// the transfer of a review's feedback onto them. Staff only.
func addWorkflowRoutes(_ api: APIRoutes) {
    addStatusListRoutes(api)
    addTaskRoutes(api)
    addNoteRoutes(api)
    addTransferRoutes(api)
}

private func addStatusListRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/projects/{project_id}/statuses",
                  "The project's version and task status lists, each in order", tag: "workflow", response: "StatusLists") { input in
        try JSONCoding.response(try await input.catalog.statusLists(projectID: try input.id("project_id")))
    }
    api.staff.add(.put, "/api/v1/projects/{project_id}/statuses/{scope}",
                  "Replace one of the project's status lists: an entry with an existing id keeps it (a new name renames it "
                      + "on every version or task that has it); one without is new",
                  tag: "workflow",
                  body: .json(.object([
                      Schema.array(Schema.object([
                          Schema.uuid.described("An entry of this list, to keep (and rename)").optional("id"),
                          Schema.string(FieldRules.statusName).required("name"),
                          Schema(.string(.init(format: .colour))).described("#RRGGBB").required("colour"),
                          Schema.oneOf(WorkflowStatus.Kind.self).required("kind"),
                      ]), count: FieldRules.statusesPerList).required("statuses"),
                  ]), example: ##"{"statuses": [{"name": "pending review", "colour": "#E8A33D", "kind": "review"}, {"name": "approved", "colour": "#3FA45B", "kind": "approved"}, {"name": "requires changes", "colour": "#D9534F", "kind": "needs_work"}]}"##),
                  response: "WorkflowStatusList",
                  refusals: [.rule("Names are unique on a list, letter case aside; ids are the list's own"),
                             .conflict("An entry left out is still the status of a version or task")]) { input in
        struct Body: Decodable { let statuses: [WorkflowStatusEntry] }
        let list = try await input.catalog.setStatusList(projectID: try input.id("project_id"), try statusScope(input),
                                                         try await input.body(Body.self).statuses)
        return try JSONCoding.response(ListResponse(all: list))
    }
}

/// The `{scope}` path parameter.
private func statusScope<Caller>(_ input: RouteInput<Caller>) throws -> WorkflowStatus.Scope {
    guard let text = input.context.parameters.get("scope"), let scope = WorkflowStatus.Scope(rawValue: text) else {
        throw APIError(status: .notFound, code: "not_found", message: "status lists are version or task")
    }
    return scope
}

private func addTaskRoutes(_ api: APIRoutes) {
    let assignees = Schema.array(.uuid, count: FieldRules.assignees, unique: true).described("Staff user ids, in order; replaces the list")
    api.staff.add(.get, "/api/v1/projects/{project_id}/tasks", "The project's tasks, by name", tag: "workflow",
                  parameters: Parameter.page, response: "TaskList") { input in
        try JSONCoding.response(ListResponse(try await input.catalog.tasks(projectID: try input.id("project_id"),
                                                                           page: try input.page())))
    }
    api.staff.add(.post, "/api/v1/projects/{project_id}/tasks", "Create a task", tag: "workflow",
                  body: .json(.object([
                      Schema.string(FieldRules.name).required("name"),
                      Schema.string(FieldRules.statusName).described("On the task list; its first entry when absent").optional("status"),
                      assignees.optional("assignee_ids"),
                  ]), example: #"{"name": "comp", "status": "in progress", "assignee_ids": ["4E1B3A20-9C7D-4F11-8A52-1D3E5F7A9B0C"]}"#),
                  status: .created, response: "Task",
                  refusals: [.rule("The status is on the project's task list; each assignee is a staff user")]) { input in
        let task = try await input.catalog.createTask(projectID: try input.id("project_id"), try await input.body(TaskFields.self),
                                                      createdBy: input.caller.id)
        return try JSONCoding.response(task, status: .created)
    }
    api.staff.add(.get, "/api/v1/tasks/{task_id}", "A task", tag: "workflow", response: "Task") { input in
        try JSONCoding.response(try await input.catalog.task(id: try input.id("task_id")))
    }
    api.staff.add(.patch, "/api/v1/tasks/{task_id}", "Change a task's name, status or assignees", tag: "workflow",
                  body: .json(.object([
                      Schema.string(FieldRules.name).optional("name"),
                      Schema.string(FieldRules.statusName).optional("status"), assignees.optional("assignee_ids"),
                  ]), example: #"{"status": "approved"}"#),
                  response: "Task", refusals: [.rule("The status is on the project's task list; each assignee is a staff user")]) { input in
        try JSONCoding.response(try await input.catalog.updateTask(id: try input.id("task_id"), try await input.body(TaskFields.self)))
    }
    api.staff.add(.delete, "/api/v1/tasks/{task_id}", "Delete a task; its versions stay, without it", tag: "workflow",
                  status: .noContent, response: .empty) { input in
        try await input.catalog.deleteTask(id: try input.id("task_id"))
        return Response(status: .noContent)
    }
}

private func addNoteRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/versions/{version_id}/notes",
                  "A version's notes: whole-version notes first, then by frame and date, each reply after its note",
                  tag: "workflow",
                  parameters: [.query("completed", .boolean, "Only completable notes that are (true) or are not (false) completed")],
                  response: "NoteList") { input in
        let completed = input.query("completed").map { $0 == "true" }
        return try JSONCoding.response(ListResponse(all: try await input.catalog.notes(versionID: try input.id("version_id"),
                                                                                       completed: completed)))
    }
    api.staff.add(.post, "/api/v1/versions/{version_id}/notes", "Write a note on a version", tag: "workflow",
                  body: .json(.object([
                      Schema.string(FieldRules.noteText).required("text"),
                      FeedbackSchemas.anchor.described("Where it sits (the whole version when absent)").optional("anchor"),
                      FeedbackSchemas.drawing.described("Drawn on the anchor's frame (a range's first)").optional("drawing"),
                      Schema.uuid.described("The note this answers").optional("parent_id"),
                      Schema.boolean.described("A to-do someone completes").optional("completable"),
                      Schema.array(.uuid, count: FieldRules.assignees, unique: true)
                          .described("Staff to tell; everyone assigned to the version or its task when absent").optional("recipient_ids"),
                  ]), example: #"{"text": "Soften the flare before the client sees it", "anchor": {"first": 40, "last": 48}, "completable": true}"#),
                  status: .created, response: "Note",
                  refusals: [.rule("Frames are the version's; a drawing needs a frame or range anchor; recipients are staff")]) { input in
        struct Body: Decodable {
            let text: String
            let anchor: Anchor?
            let drawing: Drawing?
            let parentID: UUID?
            let completable: Bool?
            let recipientIDs: [UUID]?
            enum CodingKeys: String, CodingKey {
                case text, anchor, drawing, parentID = "parent_id", completable, recipientIDs = "recipient_ids"
            }
        }
        let body = try await input.body(Body.self)
        let note = try await input.catalog.addNote(
            versionID: try input.id("version_id"),
            NoteDraft(text: body.text, anchor: body.anchor ?? .item, drawing: body.drawing, parentID: body.parentID,
                      completable: body.completable ?? false, recipientIDs: body.recipientIDs),
            by: input.caller)
        return try JSONCoding.response(note, status: .created)
    }
    api.staff.add(.get, "/api/v1/notes/{note_id}", "A note", tag: "workflow", response: "Note") { input in
        try JSONCoding.response(try await input.catalog.note(id: try input.id("note_id")))
    }
    api.staff.add(.patch, "/api/v1/notes/{note_id}",
                  "Change a note: its text (its author only), whether it is completable or completed, its recipients",
                  tag: "workflow",
                  body: .json(.object([
                      Schema.string(FieldRules.noteText).optional("text"), Schema.boolean.optional("completable"),
                      Schema.boolean.optional("completed"),
                      Schema.array(.uuid, count: FieldRules.assignees, unique: true).optional("recipient_ids"),
                  ]), example: #"{"completed": true}"#),
                  response: "Note",
                  refusals: [Refusal(.forbidden, "Only a note's author changes its words"),
                             .rule("Only a completable note is completed")]) { input in
        try JSONCoding.response(try await input.catalog.updateNote(id: try input.id("note_id"), try await input.body(NoteEdit.self),
                                                                   by: input.caller))
    }
    api.staff.add(.delete, "/api/v1/notes/{note_id}", "Delete a note and its replies", tag: "workflow",
                  status: .noContent, response: .empty) { input in
        try await input.catalog.deleteNote(id: try input.id("note_id"))
        return Response(status: .noContent)
    }
    api.staff.add(.get, "/api/v1/notes/{note_id}/receipt",
                  "A transferred note's frame receipt: the exact frame its comment was made on, as a JPEG", tag: "workflow",
                  response: .file(["image/jpeg"]),
                  refusals: [Refusal(.notModified, "The receipt has not changed since the ETag given in If-None-Match")]) { input in
        let note = try await input.catalog.note(id: try input.id("note_id"))
        guard let receipt = note.receipt else {
            throw APIError(status: .notFound, code: "not_found", message: "the note has no frame receipt")
        }
        return try await FileResponse.serve(
            path: input.services.store.absolutePath(receipt.path), sha256: receipt.sha256,
            downloadName: "receipt-\(receipt.frame).jpg", contentType: "image/jpeg", request: input.request, context: input.context)
    }
}

private func addTransferRoutes(_ api: APIRoutes) {
    let transfer = Schema.object([
        Schema.array(.uuid, count: 1...FieldRules.versionsPerRequest.upperBound, unique: true)
            .described("The items; every item of the session when absent").optional("item_ids"),
        Schema.array(.uuid, count: 0...10_000, unique: true)
            .described("The comments to make notes of (on the chosen items); every comment when absent").optional("comment_ids"),
        Schema.boolean.described("Whether the status rule runs (true when absent)").optional("transfer_statuses"),
        Schema.string(FieldRules.statusName)
            .described("What an item every decider approved gets; the list's first approved status when absent")
            .optional("approved_status"),
        Schema.string(FieldRules.statusName)
            .described("What an item a decider asks changes of gets; the list's first needs_work status when absent")
            .optional("changes_status"),
        Schema.boolean.described("Make the notes to-dos to complete").optional("completable"),
        Schema.string(FieldRules.noteText).described("A note of your own on each chosen item's version, to everyone assigned")
            .optional("note"),
    ])
    let example = #"{"item_ids": ["0A4C6F12-8B1D-4E0B-9C44-2F6E5D3A1B90"], "approved_status": "approved", "changes_status": "requires changes", "completable": true}"#
    let rules: [Refusal] = [.rule("Items and comments are this session's, each comment on a chosen item and not deleted; "
                                  + "statuses are on the list the organisation's transfer_status_to names")]
    api.staff.add(.post, "/api/v1/sessions/{session_id}/transfer/preview",
                  "What transferring the session's feedback would do, item by item, without doing it", tag: "workflow",
                  body: .json(transfer, example: example), response: "TransferPlan", refusals: rules) { input in
        try JSONCoding.response(try await input.catalog.previewTransfer(
            sessionID: try input.id("session_id"), try await input.body(FeedbackTransfer.self), by: input.caller))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/transfer",
                  "Transfer the session's feedback: the rule's statuses onto versions (or their tasks), comments into notes "
                      + "that keep their author, date, frames, drawing and receipt. All of it or none; a second transfer of "
                      + "the same comments creates nothing new",
                  tag: "workflow", body: .json(transfer, example: example), response: "TransferPlan", refusals: rules) { input in
        try JSONCoding.response(try await input.catalog.transferFeedback(
            sessionID: try input.id("session_id"), try await input.body(FeedbackTransfer.self), by: input.caller))
    }
}
