import Catalog
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs the Dailies server until SIGINT or SIGTERM, then shuts down gracefully (requests in
/// flight finish, the catalog closes).
///
/// - Parameter onListening: called with the URL the server answers on, once it does.
public func runServer(_ configuration: ServerConfiguration, catalog: Catalog, logger: Logger = Logger(label: "dailies.server"),
                      onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
    let host = configuration.host
    let application = try await buildApplication(configuration, catalog: catalog, logger: logger) { channel in
        let port = channel.localAddress?.port ?? configuration.port
        onListening("http://\(host):\(port)")
    }
    try await application.runService()
}
