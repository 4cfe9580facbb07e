/// A request the catalog refused, saying why in words people and programs can use.
///
/// The HTTP API turns each code into a status and `{"error": {"code", "message"}}`; the CLI
/// prints the message. A refused request changes nothing.
public struct CatalogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of refusal, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// No such record (or none visible to the caller).
        public static let notFound = Code("not_found")
        /// A field is missing, malformed, too long or contradicts another.
        public static let invalidField = Code("invalid_field")
        /// The request clashes with the current state (a duplicate name, a closed session).
        public static let conflict = Code("conflict")
        /// The session is closed: nothing in it changes until staff reopen it.
        public static let sessionClosed = Code("session_closed")
        /// The session's schedule has not started yet.
        public static let sessionNotStarted = Code("session_not_started")
        /// The session's schedule has ended.
        public static let sessionExpired = Code("session_expired")
        /// The invite or share link is not one the catalog issued (or was replaced).
        public static let invalidToken = Code("invalid_token")
        /// Staff revoked this collaborator's access.
        public static let accessRevoked = Code("access_revoked")
        /// The session asks for a passphrase and none was given.
        public static let passphraseRequired = Code("passphrase_required")
        /// The passphrase was wrong.
        public static let passphraseWrong = Code("passphrase_wrong")
        /// The email and password do not sign anyone in (an unknown email, a wrong password and
        /// a member without a password all answer this, so it tells a guesser nothing).
        public static let invalidCredentials = Code("invalid_credentials")
        /// The staff member is deactivated: their keys and password no longer let them in.
        public static let accountDeactivated = Code("account_deactivated")
        /// Too many wrong passphrases; wait before trying again.
        public static let throttled = Code("too_many_attempts")
        /// Shareable links are turned off for this session or the whole studio.
        public static let shareLinkDisabled = Code("share_link_disabled")
        /// The caller may not do this (a collaborator role without the right, a non-admin).
        public static let forbidden = Code("forbidden")
        /// A stored record the catalog cannot read (a malformed id, an unknown enum value):
        /// the catalog's fault, not the caller's. Its message names the table and the row.
        public static let damaged = Code("damaged_record")
        /// The catalog cannot take work now (it is closing, or a bounded queue is full).
        public static let unavailable = Code("unavailable")

        public var description: String { value }
    }

    public let code: Code
    /// A sentence for people.
    public let message: String
    /// The field at fault, for ``Code/invalidField``.
    public let field: String?
    /// For a refusal that passes with time (``Code/throttled``, ``Code/unavailable``): how
    /// many seconds to wait before trying again.
    public let retryAfter: Int?

    public init(_ code: Code, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    static func notFound(_ kind: String, _ id: some CustomStringConvertible) -> CatalogError {
        CatalogError(.notFound, "no \(kind) with id \(id)")
    }

    static func invalid(_ field: String, _ message: String) -> CatalogError {
        CatalogError(.invalidField, "\(field): \(message)", field: field)
    }
}
