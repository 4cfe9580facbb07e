import Catalog
import Foundation
import Pipeline

/// The invitation email: from the studio, with the session's title, the collaborator's own
/// link, the schedule and an optional personal message.
enum InviteMessage {
    /// Throws when the organization's or the collaborator's name or address cannot go into a
    /// header (a line break, an address that is not one).
    static func render(organization: OrganizationSettings, session: ReviewSession, collaborator: Collaborator,
                       email: String, link: String, message: String?, publicURL: String) throws(MailComposerError)
        -> MailMessage
    {
        let host = URL(string: publicURL)?.host ?? "localhost"
        let sender = organization.replyTo ?? "no-reply@\(host)"
        let when = formatter("EEE d MMM yyyy HH:mm 'UTC'")
        var body = "Hello \(collaborator.name),\n\n"
        body += "\(organization.name) invites you to review \"\(session.title)\".\n\n"
        if let message, !message.isEmpty { body += message + "\n\n" }
        if !session.description.isEmpty { body += session.description + "\n\n" }
        body += "Open the session here (this link is yours alone):\n\(link)\n\n"
        body += "The session is open from \(when.string(from: session.startsAt)) to \(when.string(from: session.endsAt)).\n"
        if session.settings.requirePassphrase {
            body += "You will be asked for a passphrase, which \(organization.name) will give you separately.\n"
        }
        body += "\n-- \n\(organization.name)\n"

        var mail = MailComposer(from: MailAddress(sender, displayName: organization.name),
                                to: [MailAddress(email, displayName: collaborator.name)],
                                subject: "\(organization.name): please review \"\(session.title)\"", text: body)
        mail.replyTo = organization.replyTo.map { MailAddress($0) }
        mail.messageID = "\(UUID().uuidString)@\(host)"
        // UTF-8 as it is, as invitations always went: readable in the maildir outbox, and every
        // relay in use offers 8BITMIME (SMTPDelivery checks).
        mail.bodyEncoding = .eightBit
        return try mail.compose()
    }

    /// English month and day names in UTC, whatever the server's locale, for the schedule in the body.
    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }
}

/// Issues fresh links to `collaboratorIDs` (every collaborator with an email and access,
/// when `nil`) and emails each an invitation. A failed delivery is reported (`emailed: false`)
/// with the link, so staff can pass it on another way.
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
    var invites: [CollaboratorInvite] = []
    for collaborator in chosen {
        let (invited, token) = try await catalog.issueInvite(sessionID: sessionID, collaboratorID: collaborator.id)
        let link = input.services.inviteURL(token)
        var emailed = true
        do {
            let mail = try InviteMessage.render(organization: organization, session: session, collaborator: invited,
                                                email: invited.email!, link: link, message: message,
                                                publicURL: input.services.publicURL)
            try await input.services.mailer.deliver(mail)
        } catch {
            input.context.logger.warning("invite to \(invited.email!) not delivered: \(error)")
            emailed = false
        }
        invites.append(CollaboratorInvite(collaborator: invited, inviteURL: link, emailed: emailed))
    }
    return invites
}
