/// An email ready to send: its envelope addresses and the whole message text (RFC 5322).
///
/// ``MailComposer`` makes one from parts; anything that delivers mail takes one.
public struct MailMessage: Sendable, Hashable {
    /// The envelope sender (`MAIL FROM`), where bounces go; empty for the null sender.
    public let sender: String
    /// The envelope recipients (`RCPT TO`), each a bare address such as `dana@client.example`.
    public let recipients: [String]
    /// Headers and body, lines ending in CRLF.
    public let text: String

    /// A message with these envelope addresses and this text (headers and body, CRLF line ends).
    public init(sender: String, recipients: [String], text: String) {
        self.sender = sender
        self.recipients = recipients
        self.text = text
    }
}
