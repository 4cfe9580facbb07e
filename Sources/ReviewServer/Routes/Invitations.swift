import Catalog
import Foundation
import Pipeline

/// Issues fresh links to `collaboratorIDs` (every collaborator with an email and access,
/// when `nil`) and queues an invitation mail to each in the outbox (a worker delivers it,
/// retrying a relay that is down). An invitation that cannot be written (a name that cannot
/// go into a header) is reported (`emailed: false`) with the link, so staff can pass it on
/// another way.
func sendInvites(sessionID: UUID, to collaboratorIDs: [UUID]?, message: String?, input: RouteInput<StaffUser>) async throws
    -> [CollaboratorInvite]
{
    let catalog = input.catalog
    let session = try await catalog.session(id: sessionID)
    let organization = try await catalog.organization()
    let everyone = try await catalog.collaborators(sessionID: sessionID)
    let chosen: [Collaborator]
    if let collaboratorIDs {
        chosen = try collaboratorIDs.map { id in
            guard let collaborator = everyone.first(where: { $0.id == id }) else {
                throw CatalogError(.notFound, "no collaborator \(id) in this session")
            }
            guard collaborator.email != nil else {
                throw CatalogError(.invalidField, "collaborator_ids: \(collaborator.name) has no email address",
                                   field: "collaborator_ids")
            }
            return collaborator
        }
    } else {
        chosen = everyone.filter { $0.email != nil && !$0.isRevoked && $0.staffUserID == nil }
    }
    let poster = try await invitationPoster(session, input: input)
    var invites: [CollaboratorInvite] = []
    for collaborator in chosen {
        let (invited, token) = try await catalog.issueInvite(sessionID: sessionID, collaboratorID: collaborator.id)
        let link = input.services.inviteURL(token)
        var emailed = true
        do {
            let mail = try InvitationMail.render(organization: organization, session: session, collaborator: invited,
                                                 email: invited.email!, link: link, message: message,
                                                 publicURL: input.services.publicURL, poster: poster)
            try await catalog.queueMail(sender: mail.sender, recipients: mail.recipients, message: mail.text)
        } catch let error as MailComposerError {
            input.context.logger.warning("invite to \(invited.email!) not written: \(error)")
            emailed = false
        }
        invites.append(CollaboratorInvite(collaborator: invited, inviteURL: link, emailed: emailed))
    }
    return invites
}

/// The poster of the session's first item with one, for the invitation, when the project
/// allows thumbnails in mail.
private func invitationPoster(_ session: ReviewSession, input: RouteInput<StaffUser>) async throws -> Data? {
    guard try await input.catalog.project(id: session.projectID).defaults.emailThumbnails else { return nil }
    for item in try await input.catalog.items(sessionID: session.id) {
        let components = try await input.catalog.components(versionID: item.versionID)
        guard let poster = components.first(where: { $0.kind == .poster && $0.profile == input.services.ingest.profile }) else {
            continue
        }
        let path = input.services.store.absolutePath(poster.path)
        // A file read: on the blocking pool, not the request's thread.
        return try await input.services.fileWork.run { FileManager.default.contents(atPath: path) }
    }
    return nil
}
