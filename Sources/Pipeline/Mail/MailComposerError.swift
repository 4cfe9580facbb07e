/// Why ``MailComposer`` would not make a message: something in it would break the message's
/// form or smuggle in header fields of its own.
public struct MailComposerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// A header field name that is empty or has characters a field name may not.
        public static let invalidHeaderName = Code("invalid_header_name")
        /// A header value (a subject, a display name, an extra field) with CR, LF or NUL,
        /// which would end the field and start another, or too long to fold into lines.
        public static let invalidHeaderValue = Code("invalid_header_value")
        /// An extra header field the composer writes itself (From, Subject, Content-Type…).
        public static let reservedHeaderName = Code("reserved_header_name")
        /// An address that is not `local@domain` in printable ASCII.
        public static let invalidAddress = Code("invalid_address")
        /// A message to nobody.
        public static let noRecipients = Code("no_recipients")
        /// An inline image with a bad or repeated Content-ID or media type, or with no HTML
        /// part to show it in.
        public static let invalidInlineImage = Code("invalid_inline_image")

        public var description: String { value }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for people: what went wrong and where.
    public let message: String

    /// An error of `code`, described by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
