import Catalog
import Foundation
import FtrackFaces
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The ftrack faces, mounted beside the REST API: `POST /api` (ftrack_api's JSON operations)
/// and `POST /client/` (the legacy client's XML-RPC), so studios' ftrack scripts run unchanged
/// with `FTRACK_SERVER` pointing here.
///
/// They are not REST routes: they answer every refusal in their own form (the clients read
/// nothing else), take credentials from their own headers only (never a cookie), and are
/// outside the OpenAPI document.
func addFtrackRoutes(_ router: Router<AppRequestContext>, services: ServerServices) {
    let faces = FtrackFaces(catalog: services.catalog, invitations: FtrackInvitationMail(services: services))
    router.post("/api") { request, context in
        await FtrackEndpoint.modern(request, context, faces: faces, services: services)
    }
    // ftrack_api only POSTs; anything else gets the face's error rather than the REST API's.
    router.get("/api") { request, context in
        FtrackEndpoint.modernError(FtrackError(.validation, "POST a JSON list of operations to /api"), request)
    }
    // The legacy client posts to /client/ (the router takes it with or without the slash).
    router.post("/client") { request, context in
        await FtrackEndpoint.legacy(request, context, faces: faces, services: services)
    }
}

enum FtrackEndpoint {
    /// The largest body either face reads: a big commit of a few hundred operations.
    static let bodyLimit = 8 * 1024 * 1024

    static func modern(_ request: Request, _ context: AppRequestContext, faces: FtrackFaces, services: ServerServices) async
        -> Response
    {
        do {
            let caller = try await authenticate(request, context, key: "ftrack-api-key", user: "ftrack-user", services: services)
            let body = try await readBody(request)
            let results = try await faces.run(operations: Data(buffer: body), as: caller)
            return json(try JSONEncoder().encode(results), status: .ok)
        } catch {
            return modernError(FtrackEndpoint.faceError(error, context), request)
        }
    }

    static func legacy(_ request: Request, _ context: AppRequestContext, faces: FtrackFaces, services: ServerServices) async
        -> Response
    {
        do {
            let caller = try await authenticate(request, context, key: "ftrack-apikey", user: "ftrack-user", services: services)
            let body = try await readBody(request)
            let call: XMLRPCCall
            do {
                call = try XMLRPCCall.parse(Array(buffer: body))
            } catch {
                throw FtrackError(.parse, "The request is not an XML-RPC call Dailies reads: \(error.message)")
            }
            let result = try await faces.runLegacy(call, as: caller)
            return xml(XMLRPCWriter.response(.structure([XMLRPCMember("status", "ok"), XMLRPCMember("data", result)])))
        } catch {
            return legacyError(FtrackEndpoint.faceError(error, context))
        }
    }

    /// `{exception, content, error_code}`: with 200 unless the client asked for strict
    /// statuses (`ftrack-strict-api: true`); ftrack_api reads the body either way.
    static func modernError(_ error: FtrackError, _ request: Request) -> Response {
        let strict = request.headers[HTTPField.Name("ftrack-strict-api")!]?.lowercased() == "true"
        let body: [String: WireValue] = ["exception": .string(error.kind.exception), "content": .string(error.message),
                                         "error_code": .null]
        var response = json((try? JSONEncoder().encode(body)) ?? Data(), status: strict ? HTTPResponse.Status(code: error.kind.status) : .ok)
        if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
        return response
    }

    /// The legacy client's error struct, never an XML-RPC fault (which escapes it as
    /// `xmlrpclib.Fault`): `_status` 401/403 makes it a PermissionDeniedError.
    static func legacyError(_ error: FtrackError) -> Response {
        let code = error.kind.status
        let status = "\(code) " + HTTPResponse.Status(code: code).reasonPhrase
        return xml(XMLRPCWriter.response(.structure([
            XMLRPCMember("_exception", .string(code == 401 || code == 403 ? "PermissionDeniedError" : "FTrackError")),
            XMLRPCMember("_status", .string(status)), XMLRPCMember("detail", .string(error.message)), XMLRPCMember("status", .int(0)),
        ])))
    }

    /// The staff member the face's headers name, with their key. Cookies are never read.
    private static func authenticate(_ request: Request, _ context: AppRequestContext, key: String, user: String,
                                     services: ServerServices) async throws -> StaffUser {
        guard let apiKey = request.headers[HTTPField.Name(key)!], !apiKey.isEmpty,
              let username = request.headers[HTTPField.Name(user)!], !username.isEmpty
        else {
            throw FtrackError(.invalidCredentials, "Send a staff member's API key and username (the \(key) and \(user) headers)")
        }
        return try await services.catalog.staffUser(apiKey: apiKey, username: username,
                                                    from: services.clientAddress(request, context))
    }

    private static func readBody(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: bodyLimit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw FtrackError(.validation, "The request is larger than \(bodyLimit / 1024 / 1024) MiB")
        }
    }

    static func faceError(_ error: any Error, _ context: AppRequestContext) -> FtrackError {
        switch error {
        case let error as FtrackError:
            if error.kind == .server { context.logger.error("ftrack face: \(error.message)") }
            return error
        case let error as CatalogError:
            if error.code == .invalidCredentials { return FtrackError(.invalidCredentials, error.message) }
            return FtrackError(error)
        default:
            context.logger.error("ftrack face: \(error)")
            return FtrackError(.server, "The server could not complete the request")
        }
    }

    private static func json(_ data: Data, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func xml(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The invitations the faces send: the same mail as the REST API's "send invites".
struct FtrackInvitationMail: FtrackInvitations {
    let services: ServerServices

    func queueInvitation(to collaborator: Collaborator, token: SecretToken, from staff: StaffUser) async throws {
        let session = try await services.catalog.session(id: collaborator.sessionID)
        let poster = try await invitationPoster(session, services: services)
        let written = try await ReviewServer.queueInvitation(to: collaborator, token: token, session: session,
                                                organization: try await services.catalog.organization(), message: nil,
                                                poster: poster, services: services, logger: Logger(label: "dailies.ftrack"))
        guard written else {
            throw FtrackError(.validation, "The invitation to \(collaborator.name) cannot be written as mail (check the name and email)")
        }
    }
}
