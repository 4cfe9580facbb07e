import Hummingbird
import Logging
import NIOCore

/// What Dailies knows about each request: the basics, and who is asking from where.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for throttling wrong passphrases.
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Uploads go through their own streaming routes; JSON bodies are small.
    public var maxUploadSize: Int { 1 << 20 }
}
