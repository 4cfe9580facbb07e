/// Why a webhook delivery failed, in the words recorded on its job.
public struct WebhookDeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The target's address is one deliveries may not reach (loopback, link-local, an
        /// unlisted private network…). Not retried: the same answer would come again.
        public static let refusedAddress = Code("refused_address")
        /// The webhook's URL cannot be delivered to. Not retried.
        public static let badTarget = Code("bad_target")
        /// The host name did not resolve.
        public static let unresolved = Code("unresolved")
        /// No connection could be made to any of the host's addresses.
        public static let connectFailed = Code("connect_failed")
        /// The TLS handshake failed (an untrusted or mismatched certificate…).
        public static let tls = Code("tls")
        /// The receiver did not answer in time.
        public static let timedOut = Code("timed_out")
        /// The connection broke or the answer was not HTTP.
        public static let protocolError = Code("protocol_error")

        public var description: String { value }
    }

    public let code: Code
    /// A sentence for people: what went wrong and with which address.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether trying again later may succeed.
    public var isRetryable: Bool { code != .refusedAddress && code != .badTarget }

    public var description: String { message }
}
