import Catalog
import Foundation
import Hummingbird
import Pipeline
import Synchronization

/// What every route handler may use.
struct ServerServices: Sendable {
    let catalog: Catalog
    let configuration: ServerConfiguration
    let cookieKey: SymmetricKeyBox
    /// Proxies whose `X-Forwarded-For` is believed.
    let trustedProxies: TrustedProxies
    /// Where originals and review outputs live.
    let store: any BlobStore
    /// Registers originals and queues their transcodes.
    let ingest: Ingest
    /// Open frame grabbers of proxies, kept warm between requests.
    let grabbers: FrameGrabs
    /// Hashing and flushing files (uploads): off the request's own thread, on the blocking pool.
    let fileWork: BlockingPool.Lane
    /// Resumable uploads receiving a chunk now.
    let uploadsReceiving = UploadsReceiving()
    /// For tests only: the connection an upload's chunk comes on is dropped once.
    let testUploadDrop: TestUploadDrop?
    /// Where people reach the server.
    let publicAddress: PublicAddress
    /// The sessions' live rooms open on this server.
    let rooms: RoomHub

    /// The client's address, for throttles (see ``AppRequestContext/clientAddress(of:trustedProxies:)``).
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        context.clientAddress(of: request, trustedProxies: trustedProxies)
    }

    /// Where people reach the server, without a trailing slash.
    var publicURL: String { publicAddress.url }

    /// Whether cookies must only travel over HTTPS.
    var secureCookies: Bool { publicURL.hasPrefix("https://") }

    /// The link a collaborator opens to enter a session.
    func inviteURL(_ token: SecretToken) -> String { "\(publicURL)/review/invite/\(token.value)" }

    /// The link a staff member opens to choose their password.
    func passwordURL(_ token: SecretToken) -> String { "\(publicURL)/staff/set-password/\(token.value)" }

    /// The session-wide link visitors join by.
    func shareURL(_ token: SecretToken) -> String { "\(publicURL)/review/join/\(token.value)" }
}

/// Where people reach the server: `--public-url`, or else the address it listens on, which
/// is known only once it listens when the system picks the port (`--port 0`).
final class PublicAddress: Sendable {
    private let current: Mutex<String>
    /// Whether the address is the one listened on, to be set when listening starts.
    let followsListening: Bool

    init(configured: String?, host: String, port: Int) {
        current = Mutex((configured ?? "http://\(host):\(port)").trimmingCharacters(in: CharacterSet(charactersIn: "/")))
        followsListening = configured == nil
    }

    var url: String { current.withLock { $0 } }

    /// The server listens at `url`: links use it from now on, unless `--public-url` says otherwise.
    func listening(at url: String) {
        if followsListening { current.withLock { $0 = url } }
    }
}

/// The resumable uploads receiving a chunk now: at most one chunk per upload at a time.
final class UploadsReceiving: Sendable {
    private let receiving = Mutex<Set<UUID>>([])

    /// Marks `id` as receiving; `false` when it already is.
    func begin(_ id: UUID) -> Bool {
        receiving.withLock { $0.insert(id).inserted }
    }

    func end(_ id: UUID) {
        _ = receiving.withLock { $0.remove(id) }
    }
}
