import Catalog
import Foundation

/// The invitation email: from the studio (its name as the sender's), with the session's
/// title, the collaborator's own link, the schedule in the studio's time zone, an optional
/// personal message, and the first version's poster when the project allows thumbnails.
public enum InvitationMail {
    /// Throws when the organization's or the collaborator's name or address cannot go into a
    /// header (a line break, an address that is not one).
    public static func render(organization: OrganizationSettings, session: ReviewSession, collaborator: Collaborator,
                              email: String, link: String, message: String?, publicURL: String, poster: Data? = nil)
        throws(MailComposerError) -> MailMessage
    {
        let host = StudioMail.host(publicURL: publicURL)
        let sender = StudioMail.sender(organization, publicURL: publicURL)
        let when = StudioMail.timeFormatter(organization, format: "EEE d MMM yyyy HH:mm")
        let schedule = "from \(when.string(from: session.startsAt)) to \(when.string(from: session.endsAt))"
        var body = "Hello \(collaborator.name),\n\n"
        body += "\(organization.name) invites you to review \"\(session.title)\".\n\n"
        if let message, !message.isEmpty { body += message + "\n\n" }
        if !session.description.isEmpty { body += session.description + "\n\n" }
        body += "Open the session here (this link is yours alone):\n\(link)\n\n"
        body += "The session is open \(schedule).\n"
        let passphrase = "You will be asked for a passphrase, which \(organization.name) will give you separately."
        if session.settings.requirePassphrase { body += passphrase + "\n" }
        body += "\n-- \n\(organization.name)\n"

        var mail = MailComposer(from: MailAddress(sender, displayName: organization.name),
                                to: [MailAddress(email, displayName: collaborator.name)],
                                subject: "\(organization.name): please review \"\(session.title)\"", text: body)
        mail.replyTo = organization.replyTo.map { MailAddress($0) }
        mail.messageID = "\(UUID().uuidString)@\(host)"
        mail.timeZone = when.timeZone
        // UTF-8 as it is, as invitations always went: readable in the maildir outbox, and every
        // relay in use offers 8BITMIME (SMTPDelivery checks).
        mail.bodyEncoding = .eightBit
        if let poster {
            let escape = NotificationMail.escape
            var html = """
                <!doctype html><html><body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; \
                color: #1d1d1f; max-width: 640px">
                <p>Hello \(escape(collaborator.name)),</p>
                <p>\(escape(organization.name)) invites you to review <b>\(escape(session.title))</b>.</p>
                <p><img src="cid:poster@dailies" width="480" alt="\(escape(session.title))" style="border-radius: 6px"></p>

                """
            if let message, !message.isEmpty { html += "<p style=\"white-space: pre-wrap\">\(escape(message))</p>\n" }
            if !session.description.isEmpty { html += "<p style=\"white-space: pre-wrap\">\(escape(session.description))</p>\n" }
            html += """
                <p><a href="\(escape(link))">Open the session</a> (this link is yours alone).</p>
                <p>The session is open \(escape(schedule)).\(session.settings.requirePassphrase ? " " + escape(passphrase) : "")</p>
                <p style="color: #6e6e73; font-size: 12px">\(escape(organization.name))</p>
                </body></html>
                """
            mail.html = html
            mail.inlineImages = [MailComposer.InlineImage(contentID: "poster@dailies", data: poster, filename: "poster.jpg")]
        }
        return try mail.compose()
    }
}
