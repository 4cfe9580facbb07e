import Catalog
import Foundation

/// Writes what `create`, `update` and `delete` ask through the catalog's own operations, so
/// the same validation, events, notifications and webhooks follow as from the REST API.
/// Types Dailies keeps elsewhere (projects, versions, users…) are read-only here.
struct EntityWriter: Sendable {
    let catalog: Catalog
    let invitations: (any FtrackInvitations)?
    let caller: StaffUser
    let links: NoteLinks

    func create(_ target: EntityTarget, _ prepared: PreparedOperation) async throws {
        switch target.type.name {
        case "ReviewSession":
            let projectID = try target.required(try target.reference("project", or: "project_id"), "project")
            _ = try await catalog.createSession(id: target.id, projectID: projectID, prepared.sessionFields ?? SessionFields(),
                                                createdBy: caller.id)
            if try target.givenText("status") != nil { try await setSessionStatus(target) }
        case "ReviewSessionObject":
            let sessionID = try target.required(try target.reference("review_session", or: "review_session_id"), "review_session")
            let versionID = try target.required(try target.reference("asset_version", or: "version_id"), "asset_version")
            _ = try await catalog.addItems(sessionID: sessionID, versionIDs: [versionID], itemIDs: [target.id], createdBy: caller.id)
            try await updateItem(target, sessionID: sessionID)
        case "ReviewSessionInvitee":
            let sessionID = try target.required(try target.reference("review_session", or: "review_session_id"), "review_session")
            let name = try target.required(try target.givenText("name") ?? target.givenText("email"), "name")
            _ = try await catalog.addCollaborator(id: target.id, sessionID: sessionID, name: name,
                                                  email: try target.givenText("email"), createdBy: caller.id)
        case "ReviewSessionObjectStatus":
            let itemID = try target.required(try target.reference("review_session_object", or: "review_session_object_id"),
                                             "review_session_object")
            let collaboratorID = try target.required(try target.reference("invitee", or: "review_session_invitee_id"), "invitee")
            let status = try Self.reviewStatus(try target.required(try target.givenText("status"), "status"))
            let collaborator = try await catalog.collaborator(id: collaboratorID)
            _ = try await catalog.setStatus(status, sessionID: collaborator.sessionID, itemID: itemID,
                                            onBehalfOf: collaboratorID, by: caller, statusID: target.id)
        case "Note":
            let content = try target.required(try target.givenText("content"), "content")
            let author = try await author(target)
            let replyTo = try target.reference("in_reply_to", or: "in_reply_to_id")
            let parent = try notesParent(target)
            switch parent.type {
            case "ReviewSessionObject":
                // Notes from scripts are staff comments that collaborators see, as ftrack's are.
                _ = try await catalog.addComment(id: target.id, sessionID: try await catalog.sessionID(ofItem: parent.id),
                                                 itemID: parent.id, CommentDraft(text: content, parentID: replyTo),
                                                 by: .staff(author))
            case "AssetVersion":
                _ = try await catalog.addNote(id: target.id, versionID: parent.id, NoteDraft(text: content, parentID: replyTo),
                                              by: author)
            default:
                throw FtrackError(.validation, "A note's parent is a ReviewSessionObject or an AssetVersion, not a \(parent.type)")
            }
        case "ReviewSessionObjectComment":
            let itemID = try target.required(try target.reference("review_session_object", or: "review_session_object_id"),
                                             "review_session_object")
            let text = try target.required(try target.givenText("text"), "text")
            _ = try await catalog.addComment(id: target.id, sessionID: try await catalog.sessionID(ofItem: itemID), itemID: itemID,
                                             CommentDraft(text: text), by: .staff(caller))
        default:
            throw Self.readOnly(target.type)
        }
    }

    func update(_ target: EntityTarget, _ prepared: PreparedOperation) async throws {
        switch target.type.name {
        case "ReviewSession":
            if let fields = prepared.sessionFields, fields.changesSomething {
                _ = try await catalog.updateSession(id: target.id, fields)
            }
            if target.has("status") { try await setSessionStatus(target) }
        case "ReviewSessionObject":
            try await updateItem(target, sessionID: try await catalog.sessionID(ofItem: target.id))
            try await checkLinks(target, "notes", parent: NoteLinks.Parent(type: "ReviewSessionObject", id: target.id))
        case "AssetVersion":
            guard Set(target.data.keys) == ["notes"] else { throw Self.readOnly(target.type) }
            try await checkLinks(target, "notes", parent: NoteLinks.Parent(type: "AssetVersion", id: target.id))
        case "ReviewSessionInvitee":
            let collaborator = try await catalog.collaborator(id: target.id)
            var update = CollaboratorUpdate()
            update.name = try target.givenText("name")
            if let email = try target.text("email") { update.email = .some(email.flatMap { $0.isEmpty ? nil : $0 }) }
            _ = try await catalog.updateCollaborator(sessionID: collaborator.sessionID, id: target.id, update)
        case "ReviewSessionObjectStatus":
            let status = try Self.reviewStatus(try target.required(try target.givenText("status"), "status"))
            let row = try await lookup("ReviewSessionObjectStatus", target.id, ["review_session_object_id", "review_session_invitee_id"])
            guard let itemID = row["review_session_object_id"]?.string.flatMap(UUID.init(uuidString:)),
                  let collaboratorID = row["review_session_invitee_id"]?.string.flatMap(UUID.init(uuidString:))
            else { throw FtrackError(.notFound, "No ReviewSessionObjectStatus \(target.id.uuidString.lowercased())") }
            let collaborator = try await catalog.collaborator(id: collaboratorID)
            _ = try await catalog.setStatus(status, sessionID: collaborator.sessionID, itemID: itemID, onBehalfOf: collaboratorID,
                                            by: caller)
        case "Note", "ReviewSessionObjectComment":
            let field = target.type.name == "Note" ? "content" : "text"
            guard let text = try target.givenText(field) else {
                throw FtrackError(.validation, "Only a \(target.type.name)'s \(field) changes through this face")
            }
            let (parentType, sessionID) = try await noteParent(target.id)
            if parentType == "AssetVersion" {
                _ = try await catalog.updateNote(id: target.id, NoteEdit(text: text), by: caller)
            } else {
                _ = try await catalog.editComment(sessionID: sessionID!, id: target.id, CommentEdit(text: text), by: .staff(caller))
            }
        default:
            throw Self.readOnly(target.type)
        }
    }

    func delete(_ target: EntityTarget) async throws {
        switch target.type.name {
        case "ReviewSession":
            do {
                try await catalog.deleteSession(id: target.id)
            } catch let error as CatalogError where error.code == .conflict {
                throw FtrackError(.conflict, error.message + ". Through the REST API it can be forced: DELETE /api/v1/sessions/"
                                  + target.id.uuidString.lowercased() + "?force=true")
            }
        case "ReviewSessionObject":
            try await catalog.removeItems(sessionID: try await catalog.sessionID(ofItem: target.id), itemIDs: [target.id])
        case "ReviewSessionInvitee":
            let collaborator = try await catalog.collaborator(id: target.id)
            try await catalog.removeCollaborator(sessionID: collaborator.sessionID, id: target.id)
        case "ReviewSessionObjectStatus":
            // Taking a verdict back: pending again, with the change in its history.
            let row = try await lookup("ReviewSessionObjectStatus", target.id, ["review_session_object_id", "review_session_invitee_id"])
            guard let itemID = row["review_session_object_id"]?.string.flatMap(UUID.init(uuidString:)),
                  let collaboratorID = row["review_session_invitee_id"]?.string.flatMap(UUID.init(uuidString:))
            else { throw FtrackError(.notFound, "No ReviewSessionObjectStatus \(target.id.uuidString.lowercased())") }
            let collaborator = try await catalog.collaborator(id: collaboratorID)
            _ = try await catalog.setStatus(.pending, sessionID: collaborator.sessionID, itemID: itemID, onBehalfOf: collaboratorID,
                                            by: caller)
        case "Note", "ReviewSessionObjectComment":
            let (parentType, sessionID) = try await noteParent(target.id)
            if parentType == "AssetVersion" {
                try await catalog.deleteNote(id: target.id)
            } else {
                _ = try await catalog.deleteComment(sessionID: sessionID!, id: target.id, by: .staff(caller))
            }
        default:
            throw Self.readOnly(target.type)
        }
    }

    /// Sends the invitee's current link again (links sent before keep working).
    func sendInvite(collaboratorID: UUID) async throws {
        guard let invitations else {
            throw FtrackError(.validation, "This server sends no invitations")
        }
        let (collaborator, token) = try await catalog.currentInvite(collaboratorID: collaboratorID)
        guard collaborator.email != nil else {
            throw FtrackError(.validation, "\(collaborator.name) has no email address to send the invitation to")
        }
        try await invitations.queueInvitation(to: collaborator, token: token, from: caller)
    }

    // MARK: Pieces

    private func setSessionStatus(_ target: EntityTarget) async throws {
        switch try target.givenText("status")?.lowercased() {
        case "open": _ = try await catalog.reopenSession(id: target.id)
        case "closed": _ = try await catalog.closeSession(id: target.id)
        default: throw FtrackError(.validation, "A ReviewSession's status is Open or Closed")
        }
    }

    private func updateItem(_ target: EntityTarget, sessionID: UUID) async throws {
        var update = SessionItemUpdate()
        if let name = try target.givenText("name") { update.clientName = .some(name) }
        if let description = try target.givenText("description") { update.reason = .some(description) }
        if let version = try target.givenText("version") { update.versionLabel = .some(version) }
        if update.clientName != nil || update.reason != nil || update.versionLabel != nil {
            _ = try await catalog.updateItem(sessionID: sessionID, itemID: target.id, update)
        }
        if let position = try target.integer("sort_order") {
            _ = try await catalog.moveItem(sessionID: sessionID, itemID: target.id, to: position)
        }
    }

    /// Where a new note goes: its parent as a collection update of the same batch links it,
    /// else as its own `parent_id` and `parent_type` say.
    private func notesParent(_ target: EntityTarget) throws(FtrackError) -> NoteLinks.Parent {
        if let linked = links.parents[target.id] { return linked }
        guard let parentID = try target.reference("parent", or: "parent_id"), let type = try target.givenText("parent_type") else {
            throw FtrackError(.validation, "A new Note needs its parent: create it with create_note, or give parent_id and parent_type")
        }
        let spelled = ["reviewsessionobject": "ReviewSessionObject", "assetversion": "AssetVersion", "asset_version": "AssetVersion"]
        return NoteLinks.Parent(type: spelled[type.lowercased()] ?? type, id: parentID)
    }

    /// The note's author: the caller, or (for admins) another staff member.
    private func author(_ target: EntityTarget) async throws -> StaffUser {
        guard let authorID = try target.reference("author", or: "user_id"), authorID != caller.id else { return caller }
        guard caller.isAdmin else {
            throw FtrackError(.permissionDenied, "Only admins write notes in another staff member's name")
        }
        return try await catalog.staffUser(id: authorID)
    }

    /// A collection update only links: each listed entity must already belong to `parent`
    /// (a note the same batch made there does); nothing is ever unlinked by leaving it out.
    private func checkLinks(_ target: EntityTarget, _ name: String, parent: NoteLinks.Parent) async throws {
        guard let ids = try target.collection(name) else { return }
        for id in ids {
            let row = try await lookup("Note", id, ["parent_id", "parent_type"])
            guard row["parent_id"]?.string == parent.id.uuidString.lowercased(), row["parent_type"]?.string == parent.type else {
                throw FtrackError(.validation, "Note \(id.uuidString.lowercased()) is not on this \(parent.type): "
                                  + "a note stays where it was written")
            }
        }
    }

    /// A note's parent type, and its session when it is a comment.
    private func noteParent(_ id: UUID) async throws -> (type: String, sessionID: UUID?) {
        let row = try await lookup("Note", id, ["parent_type", "parent_id"])
        guard let type = row["parent_type"]?.string else { throw FtrackError(.notFound, "No Note \(id.uuidString.lowercased())") }
        guard type == "ReviewSessionObject", let item = row["parent_id"]?.string.flatMap(UUID.init(uuidString:)) else {
            return (type, nil)
        }
        return (type, try await catalog.sessionID(ofItem: item))
    }

    /// Some attributes of one entity, whether listed or not; empty when there is none.
    private func lookup(_ typeName: String, _ id: UUID, _ attributes: [String]) async throws -> [String: WireValue] {
        var runner = QueryRunner(catalog: catalog, caller: caller, limits: .standard, now: Int(Date().timeIntervalSince1970 * 1000))
        let query = FtrackQuery(projections: attributes.map { AttributePath([$0]) }, entityType: typeName,
                                filter: .comparison(AttributePath(["id"]), .equal, .string(id.uuidString)), limit: 1)
        return try await runner.run(query, listedOnly: false).data.first?.object ?? [:]
    }

    static func reviewStatus(_ text: String) throws(FtrackError) -> ReviewStatus {
        switch text.lowercased() {
        case "approved": return .approved
        case "require_changes", "requires_changes": return .requiresChanges
        case "pending": return .pending
        default: throw FtrackError(.validation, "A status is approved, require_changes or pending, not '\(text.prefix(40))'")
        }
    }

    static func readOnly(_ type: EntityType) -> FtrackError {
        FtrackError(.permissionDenied, "\(type.name) is read-only through the ftrack faces: change it with the REST API (/api/v1)")
    }
}

extension SessionFields {
    var changesSomething: Bool {
        title != nil || description != nil || startsAt != nil || endsAt != nil || settings != nil || passphrase != nil
    }
}
