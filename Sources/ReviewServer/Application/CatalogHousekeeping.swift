import Catalog
import Logging
import ServiceLifecycle

/// Clears what the catalog no longer needs, every few minutes while the server runs: throttle
/// counts no one has touched for a day, logins older than any access cookie, staff sign-ins
/// that have ended, set-password links used or expired, and room presence a dead server left behind.
struct CatalogHousekeeping: Service {
    let catalog: Catalog
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let throttles = try await catalog.pruneThrottles()
                    let logins = try await catalog.pruneLogins(olderThan: .seconds(AccessCookie.lifetime))
                    let signIns = try await catalog.pruneWebSessions()
                    let links = try await catalog.prunePasswordLinks()
                    let presence = try await catalog.prunePresence()
                    if throttles + logins + signIns + links + presence > 0 {
                        logger.info("""
                            housekeeping: forgot \(throttles) throttle count(s), \(logins) expired login(s), \
                            \(signIns) ended staff sign-in(s), \(links) spent set-password link(s) and \(presence) stale room presence(s)
                            """)
                    }
                } catch {
                    logger.warning("housekeeping could not prune the catalog: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
