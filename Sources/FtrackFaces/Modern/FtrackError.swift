/// A refusal in the ftrack faces' own form: `{exception, content, error_code}` on `/api`, a
/// struct with `_exception` on `/client/`. The exception names are free text to the clients
/// (they show them); these follow ftrack's.
public struct FtrackError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable {
        /// The name clients show.
        public let exception: String
        /// The HTTP status a strict client (`ftrack-strict-api: true`) gets.
        public let status: Int

        public static let invalidCredentials = Kind(exception: "InvalidCredentialsError", status: 401)
        public static let permissionDenied = Kind(exception: "PermissionDeniedError", status: 403)
        public static let parse = Kind(exception: "ParseError", status: 400)
        public static let validation = Kind(exception: "ValidationError", status: 400)
        public static let notFound = Kind(exception: "NotFoundError", status: 404)
        public static let immutable = Kind(exception: "ImmutableAttributeError", status: 400)
        public static let conflict = Kind(exception: "IntegrityError", status: 409)
        public static let throttled = Kind(exception: "ThrottledError", status: 429)
        public static let unavailable = Kind(exception: "ServerError", status: 503)
        public static let server = Kind(exception: "ServerError", status: 500)
    }

    public let kind: Kind
    public var message: String
    /// Seconds to wait, for a throttled or unavailable answer.
    public var retryAfter: Int?

    public init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(kind.exception): \(message)" }
}
