import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// Reads who is calling, for every route: a staff API key (`Authorization: Bearer`), else a
/// browser's staff sign-in (the `dailies_staff` cookie, with its CSRF token on requests that
/// change something), and the access cookie. A key that is given but not valid answers 401 at
/// once, and always wins over the sign-in cookie; no key and no live sign-in is simply no staff.
struct IdentityReader: RouterMiddleware {
    typealias Context = AppRequestContext
    let catalog: Catalog
    let cookieKey: SymmetricKeyBox

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer "), case let key = String(authorization.dropFirst(7)), !key.isEmpty else {
                throw APIError.unauthenticated("the Authorization header must be 'Bearer <API key>'")
            }
            guard let user = try await catalog.staffUser(apiKey: key) else {
                throw APIError(status: .unauthorized, code: "invalid_api_key", message: "the API key is not valid")
            }
            context.identity.staff = user
            context.identity.staffCredential = .apiKey
        } else if let token = request.cookies[StaffSessionCookie.name]?.value, !token.isEmpty,
            let (user, session) = try await catalog.staffUser(webSessionToken: token)
        {
            let key = cookieKey.key
            if !StaffSessionCookie.needsCSRF(request.method)
                || StaffSessionCookie.csrfMatches(request.headers[StaffSessionCookie.csrfHeader], token: token, key: key)
            {
                context.identity.staff = user
                context.identity.staffCredential = .webSession(session.id)
            } else {
                // Not staff for this request: staff routes answer 403, and a collaborator's
                // cookie still speaks for the browser where it may.
                context.identity.csrfFailed = true
            }
        }
        context.identity.cookie = request.cookies[AccessCookie.name].flatMap { AccessCookie(value: $0.value, key: cookieKey.key) }
        return try await next(request, context)
    }
}

/// The staff group's gate: 401 without staff, 403 for an admin route and a non-admin.
struct StaffRequirement: RouterMiddleware {
    typealias Context = AppRequestContext
    let adminOnly: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let staff = try context.identity.requireStaff()
        guard !adminOnly || staff.isAdmin else {
            throw APIError(status: .forbidden, code: "forbidden", message: "this needs an admin")
        }
        return try await next(request, context)
    }
}

/// The collaborator group's gate: the access cookie must hold a login to the session in the
/// path (`{session_id}`), and the catalog must still let that collaborator in (not revoked,
/// session open, within its schedule). One browser may hold logins to several sessions.
///
/// 401 without a cookie, 403 for a cookie of other sessions only, 404 for a path id that is
/// not a UUID, and the catalog's own refusal (closed, revoked, out of schedule) otherwise.
struct CollaboratorAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let catalog: Catalog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let sessionID = try context.pathID("session_id")
        guard let cookie = context.identity.cookie, !cookie.loginIDs.isEmpty else {
            throw APIError.unauthenticated("open your invite link first: this needs a collaborator's access")
        }
        let sessions = try await catalog.loginSessions(cookie.loginIDs)
        // Newest first: a fresh invite for the same session wins over an older login.
        guard let loginID = cookie.loginIDs.reversed().first(where: { sessions[$0] == sessionID }) else {
            if sessions.count < cookie.loginIDs.count {
                // A login of this cookie has ended (logged out, revoked): it may have been this session's.
                throw CatalogError(.invalidToken, "this access has ended; open your invite link again")
            }
            throw APIError(status: .forbidden, code: "forbidden", message: "you are not invited to this session")
        }
        var context = context
        context.identity.collaborator = try await catalog.access(loginID: loginID)
        return try await next(request, context)
    }
}

/// The participant group's gate: staff pass (the visibility rule shows them everything);
/// anyone else must be a collaborator of the session in the path, as the collaborator
/// group's gate decides.
struct ParticipantAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let collaborators: CollaboratorAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if context.identity.staff != nil {
            _ = try context.pathID("session_id")
            return try await next(request, context)
        }
        return try await collaborators.handle(request, context: context, next: next)
    }
}

/// Headers every answer carries: no MIME sniffing, no referrer (invite tokens live in URL
/// paths, and must not leak to other sites through it), and no framing by other sites.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        // Pages set their own, stricter policy (see SiteFiles); everything else may not be framed.
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = "frame-ancestors 'none'" }
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
