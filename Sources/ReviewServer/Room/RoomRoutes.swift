import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket

/// The live room of a session, over WebSocket: collaborators by their access cookie,
/// staff by their API key (see `docs/feedback-format.md`, "The room").
func addRoomRoutes(_ api: APIRoutes) {
    api.collaborator.add(.get, "/api/v1/review/sessions/{session_id}/room",
                         "The session's live room (WebSocket): events after ?after=N that you may see, then live ones, presence and the presenter",
                         tag: "review", parameters: roomParameters, status: .switchingProtocols, response: .empty,
                         refusals: roomRefusals) { input in
        try await openRoom(input, sessionID: input.caller.session.id, actor: .collaborator(input.caller))
    }
    api.staff.add(.get, "/api/v1/sessions/{session_id}/room",
                  "The session's live room (WebSocket) as staff: every event after ?after=N, then live ones, presence and the presenter",
                  tag: "feedback", parameters: roomParameters, status: .switchingProtocols, response: .empty,
                  refusals: roomRefusals) { input in
        let session = try await input.catalog.session(id: try input.id("session_id"))
        return try await openRoom(input, sessionID: session.id, actor: .staff(input.caller))
    }
}

private let roomParameters: [Parameter] = [
    .query("after", .integer(0...Int(Int32.max)), "The last event number the client has: it gets every later one it may see (0 by default)"),
]

private let roomRefusals: [Refusal] = [
    Refusal(.forbidden, "The connection comes from a page of another origin"),
    Refusal(.upgradeRequired, "A plain HTTP request: the room speaks WebSocket"),
]

/// Upgrades to the room, after checking the handshake comes from our own pages.
///
/// A handshake refused here or by the group's gate is not upgraded (the client sees the
/// upgrade fail); the same request without `Upgrade` answers why, with its status.
private func openRoom<Caller>(_ input: RouteInput<Caller>, sessionID: UUID, actor: FeedbackActor) async throws -> Response {
    try checkOrigin(input.request, services: input.services)
    guard input.request.headers[.upgrade]?.lowercased() == "websocket" else {
        throw APIError(status: .upgradeRequired, code: "upgrade_required",
                       message: "the room speaks WebSocket: connect with Upgrade: websocket")
    }
    let connection = RoomConnection(hub: input.services.rooms, sessionID: sessionID, actor: actor,
                                    after: input.integerQuery("after") ?? 0)
    let upgrade = WebSocketUpgradeMiddleware<AppRequestContext> { inbound, outbound, _ in
        await connection.run(inbound: inbound, outbound: outbound)
    }
    return try await upgrade.handle(input.request, context: input.context) { _, _ in Response(status: .ok) }
}

/// A browser sends the page's origin with every WebSocket handshake, and cookies ride along
/// whatever page opened it: so a handshake from another origin is refused, or any site could
/// read a collaborator's room with their cookie. Every `Origin` the request names must be
/// ours: the public URL's, the address the request came to, or one the studio allowed.
/// Programs that send no `Origin` are not browsers, and carry their own credentials.
func checkOrigin(_ request: Request, services: ServerServices) throws {
    let origins = request.headers[values: .origin].map { $0.lowercased() }
    guard !origins.isEmpty else { return }
    var allowed = Set([Origin.of(services.publicURL)] + services.configuration.allowedOrigins.map(Origin.of))
    if let host = request.head.authority?.lowercased() {
        allowed.formUnion(["http://\(host)", "https://\(host)"])
    }
    if let foreign = origins.first(where: { !allowed.contains($0) }) {
        throw APIError(status: .forbidden, code: "foreign_origin",
                       message: "this room opens only from pages of \(Origin.of(services.publicURL)), not \(foreign.prefix(100))")
    }
}

enum Origin {
    /// The origin (`scheme://host[:port]`) of a URL, lower-cased.
    static func of(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return url.lowercased()
        }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")".lowercased()
    }
}
