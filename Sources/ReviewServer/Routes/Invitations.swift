import Catalog
import Foundation
import Logging
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
    let poster = try await invitationPoster(session, services: input.services)
    var invites: [CollaboratorInvite] = []
    for collaborator in chosen {
        let (invited, token) = try await catalog.issueInvite(sessionID: sessionID, collaboratorID: collaborator.id)
        let emailed = try await queueInvitation(to: invited, token: token, session: session, organization: organization,
                                                message: message, poster: poster, services: input.services,
                                                logger: input.context.logger)
        invites.append(CollaboratorInvite(collaborator: invited, inviteURL: input.services.inviteURL(token), emailed: emailed))
    }
    return invites
}

/// Writes the invitation mail with `token`'s link to `collaborator` into the outbox (a worker
/// delivers it). Returns `false`, having logged why, for one that cannot be written (a name
/// that cannot go into a header): staff then pass the link on another way.
func queueInvitation(to collaborator: Collaborator, token: SecretToken, session: ReviewSession,
                     organization: OrganizationSettings, message: String?, poster: Data?, services: ServerServices,
                     logger: Logger) async throws -> Bool {
    guard let email = collaborator.email else { return false }
    do {
        let mail = try InvitationMail.render(organization: organization, session: session, collaborator: collaborator,
                                             email: email, link: services.inviteURL(token), message: message,
                                             publicURL: services.publicURL, poster: poster)
        try await services.catalog.queueMail(sender: mail.sender, recipients: mail.recipients, message: mail.text)
        return true
    } catch let error as MailComposerError {
        logger.warning("invite to \(email) not written: \(error)")
        return false
    }
}

/// The poster of the session's first item with one, for the invitation, when the project
/// allows thumbnails in mail.
func invitationPoster(_ session: ReviewSession, services: ServerServices) async throws -> Data? {
    guard try await services.catalog.project(id: session.projectID).defaults.emailThumbnails else { return nil }
    for item in try await services.catalog.items(sessionID: session.id) {
        let components = try await services.catalog.components(versionID: item.versionID)
        guard let poster = components.first(where: { $0.kind == .poster && $0.profile == services.ingest.profile }) else {
            continue
        }
        let path = services.store.absolutePath(poster.path)
        // A file read: on the blocking pool, not the request's thread.
        return try await services.fileWork.run { FileManager.default.contents(atPath: path) }
    }
    return nil
}
