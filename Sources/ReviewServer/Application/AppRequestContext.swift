import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// What Dailies knows about each request: the basics, who is asking, and from where.
public struct AppRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the peer that connected: the client, or a proxy in front of it.
    public let peerAddress: String
    /// The connection the request came on: only a test's dropped connection closes it
    /// (``ServerConfiguration/testDropUploadAfter``).
    let connection: any Channel
    /// Who is calling, as the authenticator middlewares found.
    var identity = Identity()
    /// Where a route that upgrades to WebSocket leaves its handler (the session rooms).
    public let webSocket = WebSocketHandlerReference<AppRequestContext>()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        connection = source.channel
    }

    /// Uploads go through their own streaming routes; JSON bodies are small.
    public var maxUploadSize: Int { 1 << 20 }

    /// The UUID path parameter `name`, or 404 for one that is not a UUID.
    func pathID(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw APIError(status: .notFound, code: "not_found", message: "'\(parameters.get(name) ?? "")' is not an id")
        }
        return id
    }
}
