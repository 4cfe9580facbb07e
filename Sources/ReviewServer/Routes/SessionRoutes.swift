import Catalog
import Foundation
import Hummingbird

/// Review sessions: create, edit, list, delete, clone, close, reopen, open, share.
func addSessionRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/projects/{project_id}/sessions", "A project's review sessions, newest first", tag: "sessions",
                  parameters: Parameter.page, response: "ReviewSessionList") { input in
        try JSONCoding.response(ListResponse(try await input.catalog.sessions(projectID: try input.id("project_id"),
                                                                              page: try input.page())))
    }
    api.staff.add(.post, "/api/v1/projects/{project_id}/sessions",
                  "Create a review session, optionally from a selection of versions (title, schedule and settings default from the project)",
                  tag: "sessions", body: .json(sessionFields(creating: true),
                                               example: #"{"title": "Client review 23 Nov", "description": "Comp finals", "starts_at": "2026-11-23T09:00:00Z", "ends_at": "2026-11-30T09:00:00Z", "settings": {"download_original": false, "require_passphrase": true}, "passphrase": "north light", "version_ids": ["6F0F3A5E-3C4B-4A8E-9A55-0D5C1B6D2E11"]}"#),
                  status: .created, response: "ReviewSession",
                  refusals: sessionRules + [.rule("Each version belongs to the project")]) { input in
        struct Body: Decodable {
            let fields: SessionFields
            let versionIDs: [UUID]
            enum CodingKeys: String, CodingKey { case versionIDs = "version_ids" }
            init(from decoder: any Decoder) throws {
                fields = try SessionFields(from: decoder)
                versionIDs = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([UUID].self, forKey: .versionIDs) ?? []
            }
        }
        let body = try await input.body(Body.self)
        let session = try await input.catalog.createSession(projectID: try input.id("project_id"), body.fields,
                                                            versionIDs: body.versionIDs,
                                                            createdBy: input.caller.id)
        return try JSONCoding.response(session, status: .created)
    }
    api.staff.add(.get, "/api/v1/sessions/{session_id}", "A review session with its settings in force", tag: "sessions",
                  response: "ReviewSession") { input in
        try JSONCoding.response(try await input.catalog.session(id: try input.id("session_id")))
    }
    api.staff.add(.patch, "/api/v1/sessions/{session_id}",
                  "Change title, description, schedule, settings (null inherits the project's) or passphrase (null removes it)",
                  tag: "sessions", body: .json(sessionFields(creating: false),
                                               example: #"{"title": "Client review", "ends_at": "2026-12-07T18:00:00Z", "settings": {"download_proxy": null}, "passphrase": null}"#),
                  response: "ReviewSession", refusals: sessionRules) { input in
        try JSONCoding.response(try await input.catalog.updateSession(id: try input.id("session_id"),
                                                                      try await input.body(SessionFields.self)))
    }
    api.staff.add(.delete, "/api/v1/sessions/{session_id}",
                  "Delete a review session; one with feedback (comments, statuses) only with ?force=true, which deletes that too",
                  tag: "sessions",
                  parameters: [.query("force", .boolean, "Delete the session's feedback with it (the refusal says what would go)")],
                  status: .noContent, response: .empty,
                  refusals: [.conflict("The session has feedback and force is not true: the error says how much")]) { input in
        let sessionID = try input.id("session_id")
        try await input.catalog.deleteSession(id: sessionID, force: input.query("force") == "true")
        // Its reports went with its rows; their files go too.
        input.services.store.removeReports(sessionID: sessionID)
        return Response(status: .noContent)
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/clone",
                  "A new session with the same description, settings and collaborators (fresh links), from now",
                  tag: "sessions", status: .created, response: "ClonedSession") { input in
        let (session, invites) = try await input.catalog.cloneSession(id: try input.id("session_id"),
                                                                      createdBy: input.caller.id)
        let links = invites.map { CollaboratorInvite(collaborator: $0.0, inviteURL: input.services.inviteURL($0.1)) }
        return try JSONCoding.response(ClonedSession(session: session, invites: links), status: .created)
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/close", "Close a session: read-only for everyone until reopened",
                  tag: "sessions", response: "ReviewSession") { input in
        try JSONCoding.response(try await input.catalog.closeSession(id: try input.id("session_id")))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/reopen", "Reopen a closed session", tag: "sessions", response: "ReviewSession") { input in
        try JSONCoding.response(try await input.catalog.reopenSession(id: try input.id("session_id")))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/open",
                  "Open a session as staff, joining it as an approver (once): the answer carries your personal link, which "
                      + "enters the review site as that collaborator",
                  tag: "sessions", response: "CollaboratorInvite") { input in
        let joined = try await input.catalog.openSession(id: try input.id("session_id"), as: input.caller)
        let (collaborator, token) = try await input.catalog.currentInvite(collaboratorID: joined.id)
        return try JSONCoding.response(CollaboratorInvite(collaborator: collaborator, inviteURL: input.services.inviteURL(token)))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/share-link",
                  "Turn the shareable link on with a new address (the old one stops working); shown this once",
                  tag: "sessions", status: .created, response: "ShareLink") { input in
        let token = try await input.catalog.rotateShareLink(sessionID: try input.id("session_id"))
        return try JSONCoding.response(ShareLink(url: input.services.shareURL(token)), status: .created)
    }
    api.staff.add(.delete, "/api/v1/sessions/{session_id}/share-link", "Turn the shareable link off", tag: "sessions",
                  response: "ReviewSession") { input in
        try JSONCoding.response(try await input.catalog.disableShareLink(sessionID: try input.id("session_id")))
    }
}

/// The versions in a session, in order.
func addItemRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/sessions/{session_id}/items", "A session's items in review order", tag: "items",
                  response: "SessionItemList") { input in
        try JSONCoding.response(ListResponse(all: try await input.catalog.items(sessionID: try input.id("session_id"))))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/items",
                  "Add versions of the project, in the order given, at a position (the end by default)", tag: "items",
                  body: .json(.object([
                      versionIDs.required("version_ids"),
                      Schema.integer(0...Int(Int32.max)).described("Where the first goes: 0 is first; the end by default")
                          .optional("position"),
                  ]), example: #"{"version_ids": ["6F0F3A5E-3C4B-4A8E-9A55-0D5C1B6D2E11"], "position": 0}"#),
                  status: .created, response: "SessionItemList",
                  refusals: [.rule("Each version belongs to the session's project; the position is at most the number of items")]) { input in
        struct Body: Decodable {
            let versionIDs: [UUID]
            let position: Int?
            enum CodingKeys: String, CodingKey { case versionIDs = "version_ids", position }
        }
        let body = try await input.body(Body.self)
        let added = try await input.catalog.addItems(sessionID: try input.id("session_id"), versionIDs: body.versionIDs,
                                                     at: body.position, createdBy: input.caller.id)
        return try JSONCoding.response(ListResponse(all: added), status: .created)
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/items/remove", "Remove several items at once; the rest close up",
                  tag: "items", body: .json(itemIDs, example: #"{"item_ids": ["0A4C6F12-8B1D-4E0B-9C44-2F6E5D3A1B90"]}"#),
                  response: "SessionItemList") { input in
        let sessionID = try input.id("session_id")
        try await input.catalog.removeItems(sessionID: sessionID, itemIDs: try await input.body(ItemIDs.self).itemIDs)
        return try JSONCoding.response(ListResponse(all: try await input.catalog.items(sessionID: sessionID)))
    }
    api.staff.add(.put, "/api/v1/sessions/{session_id}/items/order", "Set the whole order: every item once", tag: "items",
                  body: .json(itemIDs, example: #"{"item_ids": ["0A4C6F12-8B1D-4E0B-9C44-2F6E5D3A1B90"]}"#),
                  response: "SessionItemList", refusals: [.rule("The list holds each of the session's items exactly once")]) { input in
        let items = try await input.catalog.setItemOrder(sessionID: try input.id("session_id"),
                                                         itemIDs: try await input.body(ItemIDs.self).itemIDs)
        return try JSONCoding.response(ListResponse(all: items))
    }
    api.staff.add(.patch, "/api/v1/sessions/{session_id}/items/{item_id}", "Change an item's client-facing name or reason",
                  tag: "items", body: .json(.object([
                      Schema.string(FieldRules.label).orNull("show the version's name").optional("client_name"),
                      Schema.string(FieldRules.reason).orNull("none").optional("reason"),
                  ]), example: #"{"client_name": "Opening shot", "reason": "New grade"}"#),
                  response: "SessionItem") { input in
        try JSONCoding.response(try await input.catalog.updateItem(
            sessionID: try input.id("session_id"), itemID: try input.id("item_id"), try await input.body(SessionItemUpdate.self)))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/items/{item_id}/move", "Move an item to a position (0 is first)",
                  tag: "items", body: .json(.object([Schema.integer(0...Int(Int32.max)).required("position")]),
                                            example: #"{"position": 0}"#),
                  response: "SessionItemList", refusals: [.rule("The position is less than the number of items")]) { input in
        struct Body: Decodable { let position: Int }
        let items = try await input.catalog.moveItem(sessionID: try input.id("session_id"), itemID: try input.id("item_id"),
                                                     to: try await input.body(Body.self).position)
        return try JSONCoding.response(ListResponse(all: items))
    }
}

/// A body listing items: `{"item_ids": [...]}`.
private struct ItemIDs: Decodable {
    let itemIDs: [UUID]
    enum CodingKeys: String, CodingKey { case itemIDs = "item_ids" }
}

/// Who is invited to a session, and their invitations.
func addCollaboratorRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/sessions/{session_id}/collaborators", "A session's collaborators", tag: "collaborators",
                  response: "CollaboratorList") { input in
        try JSONCoding.response(ListResponse(all: try await input.catalog.collaborators(sessionID: try input.id("session_id"))))
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/collaborators",
                  "Invite someone (no account needed); the answer carries their personal link", tag: "collaborators",
                  body: .json(.object([
                      Schema.string(FieldRules.name).required("name"),
                      Schema.email.orNull("none (they get their link some other way)").optional("email"),
                      Schema.oneOf(Collaborator.Role.self).described("reviewer by default").optional("role"),
                  ]), example: #"{"name": "Dana Client", "email": "dana@client.example", "role": "approver"}"#),
                  status: .created, response: "CollaboratorInvite") { input in
        struct Body: Decodable {
            let name: String
            let email: String?
            let role: Collaborator.Role?
        }
        let body = try await input.body(Body.self)
        let (collaborator, token) = try await input.catalog.addCollaborator(
            sessionID: try input.id("session_id"), name: body.name, email: body.email, role: body.role ?? .reviewer,
            createdBy: input.caller.id)
        return try JSONCoding.response(CollaboratorInvite(collaborator: collaborator, inviteURL: input.services.inviteURL(token)),
                                       status: .created)
    }
    api.staff.add(.patch, "/api/v1/sessions/{session_id}/collaborators/{collaborator_id}",
                  "Change a collaborator's name, email or role, or revoke (or restore) their access", tag: "collaborators",
                  body: .json(.object([
                      Schema.string(FieldRules.name).optional("name"),
                      Schema.email.orNull("remove their email").optional("email"),
                      Schema.oneOf(Collaborator.Role.self).optional("role"),
                      Schema.boolean.described("true ends their access at once; false restores it").optional("revoked"),
                  ]), example: #"{"role": "observer", "revoked": true}"#),
                  response: "Collaborator") { input in
        try JSONCoding.response(try await input.catalog.updateCollaborator(
            sessionID: try input.id("session_id"), id: try input.id("collaborator_id"),
            try await input.body(CollaboratorUpdate.self)))
    }
    api.staff.add(.delete, "/api/v1/sessions/{session_id}/collaborators/{collaborator_id}", "Remove a collaborator",
                  tag: "collaborators", status: .noContent, response: .empty) { input in
        try await input.catalog.removeCollaborator(sessionID: try input.id("session_id"), id: try input.id("collaborator_id"))
        return Response(status: .noContent)
    }
    api.staff.add(.post, "/api/v1/sessions/{session_id}/invites",
                  "Email invitations (to all, or the collaborators listed) with an optional message; each gets a fresh link",
                  tag: "collaborators", body: .json(.object([
                      Schema.array(.uuid, count: 1...1000, unique: true).described("Everyone with an email when absent")
                          .optional("collaborator_ids"),
                      Schema.string(FieldRules.inviteMessage).optional("message"),
                  ]), example: #"{"collaborator_ids": ["2B7D9E10-5C3A-4F6B-8E21-7A9C0D4B3E55"], "message": "Notes by Friday, please."}"#),
                  response: "CollaboratorInviteList",
                  refusals: [.rule("Each collaborator listed belongs to the session and has an email address")]) { input in
        struct Body: Decodable {
            let collaboratorIDs: [UUID]?
            let message: String?
            enum CodingKeys: String, CodingKey { case collaboratorIDs = "collaborator_ids", message }
        }
        let sessionID = try input.id("session_id")
        let body = try await input.body(Body.self)
        return try JSONCoding.response(ListResponse(all: try await sendInvites(
            sessionID: sessionID, to: body.collaboratorIDs, message: body.message, input: input)))
    }
}

/// Up to 1000 versions, each once.
private let versionIDs = Schema.array(.uuid, count: FieldRules.versionsPerRequest, unique: true)

/// `{"item_ids": [...]}`: at least one item, each once.
private let itemIDs = Schema.object([Schema.array(.uuid, count: 1...10_000, unique: true).required("item_ids")])

/// A session's fields, as created (everything optional, defaults from the project) or changed.
private func sessionFields(creating: Bool) -> Schema {
    let settingsChange = ResponseSchemas.settings(Schema.boolean.orNull("inherit the project's default"), required: false)
    var properties: [Schema.Property] = [
        Schema.string(FieldRules.name).described(creating ? "\"New review session\" by default" : nil).optional("title"),
        Schema.string(FieldRules.description).optional("description"),
        Schema.dateTime.described(creating ? "Now by default" : nil).optional("starts_at"),
        Schema.dateTime.described(creating ? "The project's share days after the start by default" : nil).optional("ends_at"),
        settingsChange.optional("settings"),
        Schema.string(TextRule.passphrase).orNull("no passphrase").optional("passphrase"),
    ]
    if creating {
        properties.append(versionIDs.described("Versions of the project to review, in order").optional("version_ids"))
    }
    return .object(properties)
}

/// What a session's schema cannot say.
private let sessionRules: [Refusal] = [
    .rule("The schedule ends after it starts; a session that requires a passphrase has one"),
]
