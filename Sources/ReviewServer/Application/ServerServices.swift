import Catalog
import Foundation
import Pipeline

/// What every route handler may use.
struct ServerServices: Sendable {
    let catalog: Catalog
    let configuration: ServerConfiguration
    let cookieKey: SymmetricKeyBox
    let throttle: PassphraseThrottle
    let mailer: any MailDelivery
    /// Where originals and review outputs live.
    let store: any BlobStore
    /// Registers originals and queues their transcodes.
    let ingest: Ingest
    /// Open frame grabbers of proxies, kept warm between requests.
    let grabbers: FrameGrabberPool
    /// Where people reach the server, without a trailing slash.
    let publicURL: String

    /// Whether cookies must only travel over HTTPS.
    var secureCookies: Bool { publicURL.hasPrefix("https://") }

    /// The link a collaborator opens to enter a session.
    func inviteURL(_ token: SecretToken) -> String { "\(publicURL)/review/invite/\(token.value)" }

    /// The session-wide link visitors join by.
    func shareURL(_ token: SecretToken) -> String { "\(publicURL)/review/join/\(token.value)" }
}
