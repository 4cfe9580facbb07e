import Foundation

/// Writes an email as MIME (RFC 5322, 2045–2047, 2387): the header fields, a plain-text part,
/// an optional HTML part beside it (`multipart/alternative`), and images the HTML shows inline
/// (`multipart/related`, `<img src="cid:…">`).
///
/// Header values are checked (no CR or LF can start a field of their own) and written as
/// RFC 2047 encoded words when not ASCII; display names too, the address staying plain.
///
/// ```swift
/// var mail = MailComposer(from: MailAddress("review@studio.example", displayName: "Nørdlight VFX"),
///                         to: [MailAddress("dana@client.example", displayName: "Dana Client")],
///                         subject: "Notes on sh010", text: "Hello Dana,\n…")
/// mail.html = "<p>Hello Dana,</p><img src=\"cid:frame-1042@dailies\">"
/// mail.inlineImages = [.init(contentID: "frame-1042@dailies", data: jpeg)]
/// try mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
/// try await delivery.deliver(try mail.compose())
/// ```
public struct MailComposer: Sendable {
    /// How text parts travel.
    public enum BodyEncoding: Sendable, Hashable {
        /// ASCII text with short enough lines as it is (7bit), anything else quoted-printable:
        /// any relay carries it.
        case quotedPrintable
        /// UTF-8 as it is (8bit) when every line fits in 998 octets, else quoted-printable.
        /// Readable in the raw message; needs a relay that offers 8BITMIME, which
        /// ``SMTPDelivery`` checks and declares.
        case eightBit
    }

    /// An image the HTML part shows by its Content-ID (`<img src="cid:frame-1042@dailies">`).
    public struct InlineImage: Sendable, Hashable {
        /// The id the HTML names after `cid:`, without angle brackets, such as `frame-1042@dailies`.
        public var contentID: String
        /// The media type, such as `image/jpeg`.
        public var mediaType: String
        /// The image's bytes.
        public var data: Data
        /// The file name offered if someone saves the image, ASCII.
        public var filename: String?

        /// An image of `mediaType` (JPEG unless told) that the HTML shows as `cid:contentID`.
        public init(contentID: String, mediaType: String = "image/jpeg", data: Data, filename: String? = nil) {
            self.contentID = contentID
            self.mediaType = mediaType
            self.data = data
            self.filename = filename
        }
    }

    /// The author, in From.
    public var from: MailAddress
    /// The recipients, in To and the envelope.
    public var to: [MailAddress]
    /// Where answers go, when not to ``from``.
    public var replyTo: MailAddress?
    /// The subject, any Unicode on one line.
    public var subject: String
    /// The Date field's moment; now unless set.
    public var date: Date
    /// The time zone the Date field is written in; UTC unless set.
    public var timeZone: TimeZone
    /// The Message-ID without angle brackets (`uuid@studio.example`); `nil` makes a random one
    /// at ``from``'s domain.
    public var messageID: String?
    /// The envelope sender (`MAIL FROM`, where bounces go); `nil` uses ``from``'s address.
    public var envelopeSender: String?
    /// The plain-text body. Line ends may be LF or CRLF; the message has CRLF.
    public var text: String
    /// The HTML body, sent beside the text as an alternative; markup as given, so escape what
    /// people typed before putting it here.
    public var html: String?
    /// Images the HTML shows inline; needs ``html``.
    public var inlineImages: [InlineImage]
    /// How the text and HTML parts travel.
    public var bodyEncoding: BodyEncoding
    /// Fields besides those the composer writes, in order, such as `List-Unsubscribe`.
    public private(set) var extraHeaders: [MailHeader] = []

    /// Names the composer writes itself (lower case): an extra field of these would repeat or
    /// contradict them. Bcc would show the hidden recipients to everyone.
    public static let reservedHeaderNames: Set<String> = [
        "from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "content-id", "content-disposition", "bcc",
    ]

    /// A message from `from` to `to` with `subject` and the plain-text body `text`.
    public init(from: MailAddress, to: [MailAddress], subject: String, text: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.date = Date()
        self.timeZone = TimeZone(identifier: "UTC")!
        self.html = nil
        self.inlineImages = []
        self.bodyEncoding = .quotedPrintable
    }

    /// Adds the field `name`: `value` after the composer's own (such as `List-Unsubscribe` and
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, RFC 8058). Throws for a name the
    /// composer writes itself, and for a name or value that would not stay one field.
    public mutating func addHeader(_ name: String, _ value: String) throws(MailComposerError) {
        try add(try MailHeader(name, value))
    }

    /// Adds `header` after the composer's own fields; throws for a name the composer writes itself.
    public mutating func add(_ header: MailHeader) throws(MailComposerError) {
        guard !Self.reservedHeaderNames.contains(header.name.lowercased()) else {
            throw MailComposerError(.reservedHeaderName, "the composer writes the \(header.name) field itself")
        }
        extraHeaders.append(header)
    }

    /// The message: header fields, then the body as one text part or as MIME parts, every
    /// line ending in CRLF and none longer than 998 octets.
    public func compose() throws(MailComposerError) -> MailMessage {
        guard !to.isEmpty else { throw MailComposerError(.noRecipients, "the message has no recipients") }
        for mailbox in [from] + to + (replyTo.map { [$0] } ?? []) {
            try Self.check(mailbox)
        }
        let sender = envelopeSender ?? from.address
        try Self.checkAddress(sender, in: "the envelope sender")
        try MailHeader.checkValue(subject, of: "Subject")
        let domain = from.domain ?? "dailies.invalid"
        let id = messageID ?? "\(UUID().uuidString.lowercased())@\(domain)"
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && $0 != "<" && $0 != ">" }),
              id.contains("@")
        else {
            throw MailComposerError(.invalidHeaderValue, "the Message-ID '\(id.prefix(80))' is not id@domain in printable ASCII")
        }

        var header = try MIMEEncoding.field("From", MIMEEncoding.mailbox(from))
        header += try MIMEEncoding.field("To", to.map(MIMEEncoding.mailbox).joined(separator: ", "))
        if let replyTo { header += try MIMEEncoding.field("Reply-To", MIMEEncoding.mailbox(replyTo)) }
        header += try MIMEEncoding.field("Subject", MIMEEncoding.unstructured(subject))
        header += try MIMEEncoding.field("Date", MIMEEncoding.date(date, in: timeZone))
        header += try MIMEEncoding.field("Message-ID", "<\(id)>")
        for extra in extraHeaders {
            header += try MIMEEncoding.field(extra.name, MIMEEncoding.unstructured(extra.value))
        }
        header += "MIME-Version: 1.0\r\n"

        let body = try self.body()
        let text = header + body.headerLines + "\r\n" + body.content
        return MailMessage(sender: sender, recipients: to.map(\.address), text: text)
    }

    // MARK: Parts

    /// A MIME entity: its Content- fields and its encoded content.
    private struct Part {
        var fields: [String]
        var content: String

        /// The fields as header lines, each ending in CRLF.
        var headerLines: String { fields.map { $0 + "\r\n" }.joined() }
        /// The whole entity, fields, blank line and content.
        var rendered: String { headerLines + "\r\n" + content }
    }

    private func body() throws(MailComposerError) -> Part {
        let plain = textPart(text, subtype: "plain")
        guard let html else {
            guard inlineImages.isEmpty else {
                throw MailComposerError(.invalidInlineImage, "inline images need an HTML part to show them")
            }
            return plain
        }
        var shown = textPart(html, subtype: "html")
        if !inlineImages.isEmpty {
            var images: [Part] = []
            var seen: Set<String> = []
            for image in inlineImages {
                images.append(try imagePart(image))
                guard seen.insert(image.contentID).inserted else {
                    throw MailComposerError(.invalidInlineImage, "two inline images have the Content-ID \(image.contentID)")
                }
            }
            shown = multipart("related; type=\"text/html\"", [shown] + images)
        }
        return multipart("alternative", [plain, shown])
    }

    private func textPart(_ text: String, subtype: String) -> Part {
        let isASCII = text.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\0" }
        let fits = MIMEEncoding.linesFit(text)
        let encoding: String
        let content: String
        if isASCII && fits {
            (encoding, content) = ("7bit", MIMEEncoding.crlf(text))
        } else if bodyEncoding == .eightBit && fits && !text.contains("\0") {
            (encoding, content) = ("8bit", MIMEEncoding.crlf(text))
        } else {
            (encoding, content) = ("quoted-printable", MIMEEncoding.quotedPrintable(text))
        }
        return Part(fields: ["Content-Type: text/\(subtype); charset=utf-8", "Content-Transfer-Encoding: \(encoding)"],
                    content: content)
    }

    private func imagePart(_ image: InlineImage) throws(MailComposerError) -> Part {
        let token = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~")
        let type = image.mediaType.split(separator: "/", omittingEmptySubsequences: false)
        guard type.count == 2, type.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(token.contains) }) else {
            throw MailComposerError(.invalidInlineImage, "'\(image.mediaType.prefix(80))' is not a media type such as image/jpeg")
        }
        let idCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.@")
        guard !image.contentID.isEmpty, image.contentID.unicodeScalars.allSatisfy(idCharacters.contains) else {
            throw MailComposerError(.invalidInlineImage, "the Content-ID '\(image.contentID.prefix(80))' is not printable "
                                    + "ASCII without spaces, brackets or quotes")
        }
        var disposition = "Content-Disposition: inline"
        if let filename = image.filename {
            guard !filename.isEmpty, filename.unicodeScalars.allSatisfy({ (32...126).contains($0.value) && $0 != "\"" && $0 != "\\" })
            else {
                throw MailComposerError(.invalidInlineImage, "the file name '\(filename.prefix(80))' is not printable ASCII "
                                        + "without quotes or backslashes")
            }
            disposition += "; filename=\"\(filename)\""
        }
        return Part(fields: ["Content-Type: \(image.mediaType)", "Content-Transfer-Encoding: base64",
                             "Content-ID: <\(image.contentID)>", disposition],
                    content: MIMEEncoding.base64Lines(image.data))
    }

    /// A multipart entity of `parts`, with a boundary none of them contains.
    private func multipart(_ subtype: String, _ parts: [Part]) -> Part {
        let rendered = parts.map(\.rendered)
        var boundary = MIMEEncoding.boundary()
        while rendered.contains(where: { $0.contains(boundary) }) { boundary = MIMEEncoding.boundary() }
        // The CRLF before each "--boundary" belongs to the delimiter, not to the part before it.
        let content = rendered.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n"
        return Part(fields: ["Content-Type: multipart/\(subtype); boundary=\"\(boundary)\""], content: content)
    }

    // MARK: Checks

    private static func check(_ mailbox: MailAddress) throws(MailComposerError) {
        try checkAddress(mailbox.address, in: "an address")
        if let name = mailbox.displayName { try MailHeader.checkValue(name, of: "display name of \(mailbox.address)") }
    }

    private static func checkAddress(_ address: String, in place: String) throws(MailComposerError) {
        let forbidden: Set<Unicode.Scalar> = ["<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]"]
        guard let at = address.lastIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex,
              address.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && !forbidden.contains($0) })
        else {
            throw MailComposerError(.invalidAddress, "'\(address.prefix(100))' in \(place) is not an address "
                                    + "local@domain in printable ASCII")
        }
    }
}
