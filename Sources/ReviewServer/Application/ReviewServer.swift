import Catalog
import Foundation
import Hummingbird
import Logging
import NIOCore
import Pipeline
import ServiceLifecycle

/// Runs the Dailies server until SIGINT or SIGTERM, then shuts down gracefully (requests in
/// flight finish, the catalog closes).
///
/// - Parameter onListening: called with the URL the server answers on, once it does.
///
/// - Parameter supervisor: the worker to keep running beside the server (stopped with it).
public func runServer(_ configuration: ServerConfiguration, catalog: Catalog, supervisor: WorkerSupervisor? = nil,
                      logger: Logger = Logger(label: "dailies.server"),
                      onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
    let host = configuration.host
    let services: [any Service] = supervisor.map { [SupervisorService(supervisor: $0)] } ?? []
    let application = try await buildApplication(configuration, catalog: catalog, logger: logger, services: services) { channel in
        let port = channel.localAddress?.port ?? configuration.port
        onListening("http://\(host):\(port)")
    }
    try await application.runService()
}

/// The worker supervisor as a service of the server: it starts with the server and, on
/// graceful shutdown, stops its worker (whose jobs go back to the queue).
struct SupervisorService: Service {
    let supervisor: WorkerSupervisor

    func run() async throws {
        await withGracefulShutdownHandler {
            await supervisor.run()
        } onGracefulShutdown: {
            supervisor.stop()
        }
    }
}
