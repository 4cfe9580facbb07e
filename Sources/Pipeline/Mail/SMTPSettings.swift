/// Where and how ``SMTPDelivery`` reaches the relay: the studio's own mail server, a local
/// mail agent, or a mail service.
public struct SMTPSettings: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is protected.
    public enum Security: Sendable, Hashable, CaseIterable {
        /// Plain text throughout. Credentials are refused: AUTH needs TLS.
        case none
        /// STARTTLS, required: a relay that does not offer it fails the delivery.
        case startTLS
        /// STARTTLS when the relay offers it, plain text otherwise (with no AUTH then).
        case startTLSIfOffered
        /// TLS from the first byte ("implicit TLS", usually port 465).
        case tls
    }

    /// The relay's host name or address; TLS checks the relay's certificate against it.
    public var host: String
    /// The relay's port: 25 or 587 for plain and STARTTLS, 465 for ``Security-swift.enum/tls``.
    public var port: Int
    /// How the connection is protected.
    public var security: Security
    /// The user name for AUTH (PLAIN or LOGIN, whichever the relay offers), or `nil` for none.
    /// Sent only over TLS.
    public var username: String?
    /// The password for AUTH.
    public var password: String?
    /// A PEM file of CA certificates to trust for the relay's certificate besides the system's
    /// roots, such as the studio's own CA.
    public var caFile: String?
    /// How long the connection, and then each reply, may take.
    public var timeout: Duration
    /// The name Dailies gives in EHLO; `nil` gives the connection's own address as a literal
    /// (`[192.0.2.7]`), which RFC 5321 allows for a client without a host name.
    public var clientName: String?

    /// Settings for the relay at `host` and `port`.
    public init(host: String, port: Int = 25, security: Security = .startTLSIfOffered, username: String? = nil,
                password: String? = nil, caFile: String? = nil, timeout: Duration = .seconds(30),
                clientName: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.timeout = timeout
        self.clientName = clientName
    }

    /// The settings without the password, for logs.
    public var description: String {
        var text = "SMTP \(host):\(port) security \(security)"
        if let username { text += " user \(username)" + (password == nil ? " (no password)" : " (password set)") }
        if let caFile { text += " CA file \(caFile)" }
        return text
    }
}
