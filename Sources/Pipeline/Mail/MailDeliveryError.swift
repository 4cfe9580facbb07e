/// Why a message was not delivered, and whether trying again later may help.
///
/// An outbox with retries reads ``isPermanent``: a relay's 4xx answer, a timeout or a dropped
/// connection may go away; a 5xx answer, a certificate the relay will present again, or
/// credentials that may not be sent will not.
public struct MailDeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// No connection could be made to the relay: the name did not resolve, the port
        /// refused, or no connection came within the timeout.
        public static let connectFailed = Code("connect_failed")
        /// The relay did not answer a command (or greet) within the timeout.
        public static let timedOut = Code("timed_out")
        /// TLS could not be set up: the relay does not offer STARTTLS where it is required,
        /// refused it, or its certificate did not verify for the relay's host name.
        public static let tlsFailed = Code("tls_failed")
        /// The relay refused with a permanent (5xx) answer: a recipient, the sender, the message.
        public static let relayRefused = Code("relay_refused")
        /// The relay deferred with a temporary (4xx) answer; it may accept later.
        public static let relayDeferred = Code("relay_deferred")
        /// The connection closed before the conversation ended.
        public static let connectionDropped = Code("connection_dropped")
        /// The relay refused the credentials, or offers no AUTH mechanism Dailies speaks.
        public static let authenticationRefused = Code("authentication_refused")
        /// Credentials are configured but the connection is not encrypted, so they were not
        /// sent: AUTH goes only over TLS.
        public static let authenticationWithoutTLS = Code("authentication_without_tls")
        /// The relay's answer is not SMTP, or not an answer that step allows.
        public static let protocolError = Code("protocol_error")
        /// The message cannot be sent as it is: no recipients, an address that is not one,
        /// a line longer than SMTP allows, or 8-bit text for a relay without 8BITMIME.
        public static let unsendableMessage = Code("unsendable_message")
        /// The maildir outbox could not be written.
        public static let outboxUnwritable = Code("outbox_unwritable")
        /// The task delivering the message was cancelled.
        public static let cancelled = Code("cancelled")

        public var description: String { value }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for people: what went wrong, at which step, with which relay.
    public let message: String
    /// The relay's reply code (such as 450 or 550) when a reply caused the failure.
    public let replyCode: Int?
    /// The relay's reply text (lines joined with a newline) when a reply caused the failure.
    public let replyText: String?

    /// An error of `code`, described by `message`, caused by the reply `replyCode` `replyText` if any.
    public init(_ code: Code, _ message: String, replyCode: Int? = nil, replyText: String? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
        self.replyText = replyText
    }

    /// Whether the same delivery would fail again, so retrying is pointless.
    ///
    /// A reply code decides when there is one (5xx permanent, 4xx temporary); otherwise the
    /// kind does: an untrusted certificate or a missing STARTTLS stays until a person acts.
    public var isPermanent: Bool {
        switch code {
        case .relayRefused, .authenticationWithoutTLS, .unsendableMessage:
            return true
        case .relayDeferred, .connectFailed, .timedOut, .connectionDropped, .protocolError, .outboxUnwritable, .cancelled:
            return false
        default:
            // tlsFailed, authenticationRefused: a 454 or 432 says "later"; a 5xx or no reply at all says "never".
            return replyCode.map { $0 >= 500 } ?? true
        }
    }

    public var description: String {
        "\(message) (\(code)\(isPermanent ? ", permanent" : ", temporary"))"
    }
}
