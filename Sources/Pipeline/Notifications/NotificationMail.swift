import Catalog
import Foundation

/// The mail that gathers one recipient's notices of one session: from the studio (its name
/// as the sender's), listing each comment, reply and status change with its version, frame
/// number, timecode and author, in the studio's time zone; the frame receipts inline when the
/// project allows thumbnails; and a one-click unsubscribe for the session (RFC 8058).
///
/// Every name and every comment is escaped in the HTML part, and shown as written in the
/// plain-text part beside it.
public enum NotificationMail {
    /// The message for `pending`, with receipts read through `store`.
    ///
    /// - Parameter receipts: the JPEG of each receipt path (an unreadable one is left out).
    public static func render(_ pending: PendingMail, receipts: [String: Data]) throws -> MailMessage {
        let organization = pending.organization
        let zone = TimeZone(identifier: organization.timeZone) ?? .gmt
        let base = (pending.publicURL ?? "http://localhost").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let host = StudioMail.host(publicURL: base)
        let sender = StudioMail.sender(organization, publicURL: base)
        let unsubscribe = "\(base)/unsubscribe/\(pending.unsubscribeToken)"
        let count = pending.entries.count
        let comments = pending.entries.filter { $0.notice.kind != .status }.count
        let statuses = count - comments

        var summary: [String] = []
        if comments > 0 { summary.append("\(comments) new comment\(comments == 1 ? "" : "s")") }
        if statuses > 0 { summary.append("\(statuses) status change\(statuses == 1 ? "" : "s")") }
        let headline = summary.joined(separator: " and ")

        let time = StudioMail.timeFormatter(organization, format: "d MMM HH:mm")

        var text = "Hello \(pending.recipientName),\n\n\(headline) in \"\(pending.sessionTitle)\":\n\n"
        var html = """
            <!doctype html><html><body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; \
            color: #1d1d1f; max-width: 640px">
            <p>Hello \(escape(pending.recipientName)),</p>
            <p>\(escape(headline)) in <b>\(escape(pending.sessionTitle))</b>:</p>
            <table cellspacing="0" cellpadding="8" style="border-collapse: collapse; width: 100%">

            """
        var images: [MailComposer.InlineImage] = []
        for (index, entry) in pending.entries.enumerated() {
            let notice = entry.notice
            let details = notice.details
            let place = Self.place(details)
            let when = time.string(from: notice.createdAt)
            let what: String
            switch notice.kind {
            case .status:
                what = "\(details.author.name) \(Self.verdict(details.status))"
            case .comment, .reply:
                what = "\(details.author.name)\(notice.kind == .reply ? " replied" : "")\(details.isInternal ? " (internal)" : ""):"
            }
            text += "• \(details.versionName)\(place.map { ", \($0)" } ?? "") — \(when)\n  \(what)"
            text += details.text.map { "\n  " + $0.replacingOccurrences(of: "\n", with: "\n  ") } ?? ""
            text += "\n\n"

            var thumbnail = ""
            if let path = entry.receiptPath, let jpeg = receipts[path] {
                let contentID = "receipt-\(index + 1)@dailies"
                images.append(MailComposer.InlineImage(contentID: contentID, data: jpeg, filename: "frame-\(index + 1).jpg"))
                thumbnail = """
                    <td style="vertical-align: top; width: 168px"><img src="cid:\(contentID)" width="160" \
                    alt="\(escape(place ?? details.versionName))" style="display: block; border-radius: 4px"></td>
                    """
            }
            html += """
                <tr style="border-top: 1px solid #e5e5ea">\(thumbnail)<td style="vertical-align: top">\
                <div style="color: #6e6e73; font-size: 13px">\(escape(details.versionName))\(place.map { " · " + escape($0) } ?? "") · \
                \(escape(when))</div><div><b>\(escape(what))</b></div>
                """
            if let words = details.text {
                html += "<div style=\"white-space: pre-wrap\">\(escape(words))</div>"
            }
            html += "</td></tr>\n"
        }
        text += "Stop these mails for this session: \(unsubscribe)\n\n-- \n\(organization.name)\n"
        html += """
            </table>
            <p style="color: #6e6e73; font-size: 12px">You receive this because you take part in \
            \(escape(pending.sessionTitle)). <a href="\(escape(unsubscribe))">Stop these mails for this session</a>.</p>
            <p style="color: #6e6e73; font-size: 12px">\(escape(organization.name))</p>
            </body></html>
            """

        var mail = MailComposer(from: MailAddress(sender, displayName: organization.name),
                                to: [MailAddress(pending.recipientEmail, displayName: pending.recipientName)],
                                subject: "\(organization.name): \(headline) in \"\(pending.sessionTitle)\"", text: text)
        mail.html = html
        mail.inlineImages = images
        mail.timeZone = zone
        mail.replyTo = organization.replyTo.map { MailAddress($0) }
        try mail.addHeader("List-Unsubscribe", "<\(unsubscribe)>")
        try mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        try mail.addHeader("Auto-Submitted", "auto-generated")
        return try mail.compose()
    }

    /// Where a comment sits, as people number the frames: `frame 1042 (01:00:01:17)`.
    static func place(_ details: Notice.Details) -> String? {
        guard let first = details.frameNumber else { return nil }
        let timecode = details.timecode.map { " (\($0))" } ?? ""
        if let last = details.lastFrameNumber, last != first { return "frames \(first)–\(last)\(timecode)" }
        return "frame \(first)\(timecode)"
    }

    static func verdict(_ status: ReviewStatus?) -> String {
        switch status {
        case .approved: "approved"
        case .requiresChanges: "asked for changes"
        case .pending, nil: "set the status back to pending"
        }
    }

    /// `text` safe inside HTML text and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
