import Catalog
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Media
import ServiceLifecycle
import NIOCore
import Pipeline
import Synchronization

/// Builds the Dailies server: the REST API under `/api/v1`, collaborator access, `/healthz`
/// and the OpenAPI document, on the catalog given. Tests call this too.
///
/// - Parameter onServerRunning: called with the listening channel (its port, when 0 was asked for).
public func buildApplication(
    _ configuration: ServerConfiguration, catalog: Catalog, logger: Logger = Logger(label: "dailies.server"),
    services backgroundServices: [any Service] = [],
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let services = try await makeServices(configuration, catalog: catalog, logger: logger)
    let (router, _) = buildRouter(services: services)
    let address = services.publicAddress
    return Application(
        router: router,
        // The same router answers WebSocket handshakes: only the room routes upgrade.
        server: .http1WebSocketUpgrade(
            webSocketRouter: router, configuration: .init(ws: .init(autoPing: .enabled(timePeriod: configuration.room.ping)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Dailies"),
        services: backgroundServices + [
            CatalogHousekeeping(catalog: catalog, logger: logger), services.rooms,
            ServerPresence(catalog: catalog, address: address, logger: logger),
        ],
        onServerRunning: { channel in
            if address.followsListening, let port = channel.localAddress?.port {
                // Asked for port 0: links and mails name the port the system gave.
                address.listening(at: "http://\(configuration.host):\(port)")
                try? await catalog.recordPublicURL(address.url)
            }
            await onServerRunning(channel)
        }, logger: logger)
}

/// What the routes use: the catalog, storage, the pools.
func makeServices(_ configuration: ServerConfiguration, catalog: Catalog,
                  logger: Logger = Logger(label: "dailies.server")) async throws -> ServerServices {
    let publicAddress = PublicAddress(configured: configuration.publicURL, host: configuration.host, port: configuration.port)
    // Workers write the links in mails with it.
    try await catalog.recordPublicURL(publicAddress.url)
    guard let trustedProxies = TrustedProxies(configuration.trustedProxies) else {
        throw CatalogError(.invalidField, "trusted proxies: each must be an IP address or a CIDR block",
                           field: "trusted_proxies")
    }
    let store = try LocalBlobStore(dataDirectory: configuration.dataDirectory)
    return ServerServices(
        catalog: catalog, configuration: configuration, cookieKey: SymmetricKeyBox(key: try await catalog.cookieSigningKey()),
        trustedProxies: trustedProxies, store: store, ingest: Ingest(catalog: catalog, store: store),
        grabbers: FrameGrabs(pool: FrameGrabberPool(),
                             lane: catalog.blocking.lane("frame grabs", limit: configuration.frameGrabLimit)),
        // Uploads that arrived whole are never turned away for load: a generous bound, a queue in practice.
        fileWork: catalog.blocking.lane("storing uploads", limit: 256),
        testUploadDrop: configuration.testDropUploadAfter.map(TestUploadDrop.init(limit:)),
        publicAddress: publicAddress, rooms: RoomHub(catalog: catalog, settings: configuration.room, logger: logger))
}

/// The router with every route, and the routes' declarations (what the OpenAPI document
/// is written from); separate so tests can hold the two side by side.
func buildRouter(services: ServerServices) -> (router: Router<AppRequestContext>, operations: [APIOperation]) {
    let router = Router(context: AppRequestContext.self)
    // Outermost first: every answer, errors included, gets the security headers.
    router.add(middleware: SecurityHeaders())
    router.add(middleware: ErrorMiddleware())
    let api = APIRoutes(router: router, services: services)
    router.add(middleware: MethodCheck(registry: api.registry))
    router.add(middleware: IdentityReader(catalog: services.catalog, cookieKey: services.cookieKey))
    addHealthRoutes(api)
    addOrganizationRoutes(api)
    addSignInRoutes(api)
    addLogoRoutes(api)
    addProjectRoutes(api)
    addVersionRoutes(api)
    addProjectLiveRoutes(api)
    addSessionRoutes(api)
    addItemRoutes(api)
    addCollaboratorRoutes(api)
    addReviewRoutes(api)
    addFeedbackRoutes(api)
    addFrameCheckRoutes(api)
    addReportRoutes(api)
    addWorkflowRoutes(api)
    addNotificationRoutes(api)
    addRoomRoutes(api)
    addUploadRoutes(api)
    addSequenceUploadRoutes(api)
    addDownloadRoutes(api)
    addJobRoutes(api)
    addUnsubscribePages(router, catalog: services.catalog)
    addFtrackRoutes(router, services: services)
    addPages(router, files: SiteFiles.bundled())
    // Written once for each public address (it changes once, when a server asked for port 0 listens).
    let operations = api.operations
    let written = Mutex<(url: String, json: [UInt8])?>(nil)
    api.open.add(.get, "/api/v1/openapi.json", "This document: every route of the API", tag: "meta",
                 response: "OpenAPIDocument") { input in
        let url = input.services.publicURL
        let document = written.withLock { cached in
            if let cached, cached.url == url { return cached.json }
            let json = OpenAPIDocument(operations: operations, serverURL: url).json
            cached = (url, json)
            return json
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }
    return (router, api.operations)
}

func addHealthRoutes(_ api: APIRoutes) {
    api.open.add(.get, "/healthz", "Liveness: the server answers and its catalog is readable", tag: "meta",
                 response: "Health") { input in
        _ = try await input.catalog.organization()
        return try JSONCoding.response(["status": "ok"])
    }
}
