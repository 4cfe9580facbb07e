import Catalog
import Foundation
import Logging
import ServiceLifecycle

/// Says in the catalog that this server is alive, every 5 s while it runs, and takes the
/// word back when it stops: other processes on the catalog (`dailies catalog copy`) can tell
/// whether anyone serves it.
struct ServerPresence: Service {
    let catalog: Catalog
    let address: PublicAddress
    let logger: Logger
    let id = "server-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"

    func run() async throws {
        do {
            try await catalog.registerServer(id: id, host: ProcessInfo.processInfo.hostName,
                                             pid: Int(ProcessInfo.processInfo.processIdentifier), url: address.url)
        } catch {
            logger.warning("cannot record this server in the catalog: \(error)")
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                if Task.isCancelled { break }
                try? await catalog.serverHeartbeat(id: id)
            }
        }
        try? await catalog.removeServer(id: id)
    }
}
