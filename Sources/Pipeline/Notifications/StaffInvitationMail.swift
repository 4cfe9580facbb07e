import Catalog
import Foundation

/// The mail that invites a staff member to the studio's Dailies: from the studio, with their
/// link to choose a password (good for one use, until `expiresAt`), and an optional personal
/// message from the admin who sent it.
public enum StaffInvitationMail {
    /// Throws when the organization's or the member's name or address cannot go into a header.
    public static func render(organization: OrganizationSettings, staff: StaffUser, invitedBy: StaffUser?, link: String,
                              expiresAt: Date, message: String?, publicURL: String) throws(MailComposerError) -> MailMessage
    {
        let host = StudioMail.host(publicURL: publicURL)
        let sender = StudioMail.sender(organization, publicURL: publicURL)
        let when = StudioMail.timeFormatter(organization, format: "EEE d MMM yyyy HH:mm")
        var body = "Hello \(staff.name),\n\n"
        let who = invitedBy.map { "\($0.name) invites you" } ?? "You are invited"
        body += "\(who) to \(organization.name)'s Dailies, where the studio sets up client reviews.\n\n"
        if let message, !message.isEmpty { body += message + "\n\n" }
        body += "Choose your password here (this link is yours alone, and works once):\n\(link)\n\n"
        body += "The link works until \(when.string(from: expiresAt)). You sign in with \(staff.email).\n"
        body += "\n-- \n\(organization.name)\n"
        var mail = MailComposer(from: MailAddress(sender, displayName: organization.name),
                                to: [MailAddress(staff.email, displayName: staff.name)],
                                subject: "\(organization.name): your Dailies account", text: body)
        mail.replyTo = organization.replyTo.map { MailAddress($0) }
        mail.messageID = "\(UUID().uuidString)@\(host)"
        mail.timeZone = when.timeZone
        mail.bodyEncoding = .eightBit
        return try mail.compose()
    }
}
