import Foundation
import Pipeline

/// How a Dailies server runs: where it listens, where its data is and how people reach it.
/// (Mail is the workers': see `MailSettings`.)
public struct ServerConfiguration: Sendable {
    /// The address to listen on: `127.0.0.1` for this machine only, `0.0.0.0` for all.
    public var host: String
    /// The port; 0 lets the system pick one (tests).
    public var port: Int
    /// The data directory: the catalog, originals, derived files, the mail outbox.
    public var dataDirectory: String
    /// The address people use to reach the server, for links in invitations, such as
    /// `https://review.studio.example`. Defaults to `http://host:port`.
    public var publicURL: String?
    /// The largest JSON body accepted.
    public var maximumJSONBody: Int
    /// The largest upload accepted, in bytes.
    public var maximumUpload: Int64
    /// Proxies in front of the server (addresses or CIDR ranges) whose `X-Forwarded-For`
    /// header is believed for the client's address; from anyone else it is ignored.
    public var trustedProxies: [String]
    /// Frame grabs queued or running at once; past that a grab answers 503 with `Retry-After`.
    public var frameGrabLimit: Int
    /// How the sessions' live rooms behave.
    public var room = RoomSettings()
    /// Origins besides the public URL's whose pages may open the session rooms (another host
    /// name the studio reaches the server by).
    public var allowedOrigins: [String]
    /// For tests only (`dailies serve --test-drop-upload-after`): the server drops the
    /// connection once, after this many bytes of resumable-upload chunks arrived in all, so a
    /// test can show that an upload resumes. `nil` (always, outside tests): never.
    public var testDropUploadAfter: Int64?

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "dailies-data",
                publicURL: String? = nil, maximumJSONBody: Int = 1 << 20,
                maximumUpload: Int64 = 200 << 30, trustedProxies: [String] = [], frameGrabLimit: Int = 256,
                allowedOrigins: [String] = []) {
        self.allowedOrigins = allowedOrigins
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.maximumJSONBody = maximumJSONBody
        self.maximumUpload = maximumUpload
        self.trustedProxies = trustedProxies
        self.frameGrabLimit = frameGrabLimit
    }

    /// Whether `text` is an IP address or a CIDR range, as ``trustedProxies`` takes.
    public static func isAddressOrRange(_ text: String) -> Bool {
        TrustedProxies([text]) != nil
    }

}
