import Catalog
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// What collaborators use: they trade their invite link (or the session's share link and a
/// name) for the access cookie, then see their session.
func addReviewRoutes(_ table: RouteTable) {
    table.add(.post, "/api/v1/review/access",
              "Trade a personal invite token (and the passphrase, when the session asks) for the access cookie",
              tag: "review", access: .open, request: #"{"token": "di_Q2xpZW50IGxpbmsgZXhhbXBsZQ", "passphrase": "north light"}"#,
              response: "ReviewSessionView") { input in
        struct Body: Decodable {
            let token: String
            let passphrase: String?
        }
        let body = try await input.body(Body.self)
        let access = try await throttled(input, key: "invite:" + body.token) {
            try await input.catalog.access(inviteToken: body.token, passphrase: body.passphrase)
        }
        return try await admit(access, input: input)
    }
    table.add(.post, "/api/v1/review/join",
              "Join through a session's shareable link with a name (and the passphrase, when asked); sets the access cookie",
              tag: "review", access: .open,
              request: #"{"share_token": "ds_U2hhcmUgbGluayBleGFtcGxl", "name": "Sam Visitor", "email": "sam@client.example", "passphrase": "north light"}"#,
              response: "ReviewSessionView") { input in
        struct Body: Decodable {
            let shareToken: String
            let name: String
            let email: String?
            let passphrase: String?
            enum CodingKeys: String, CodingKey { case shareToken = "share_token", name, email, passphrase }
        }
        let body = try await input.body(Body.self)
        let access = try await throttled(input, key: "share:" + body.shareToken) {
            try await input.catalog.join(shareToken: body.shareToken, name: body.name, email: body.email,
                                         passphrase: body.passphrase)
        }
        return try await admit(access, input: input)
    }
    table.add(.get, "/api/v1/review/sessions/{session_id}", "The session, as its collaborator sees it", tag: "review",
              access: .collaborator, response: "ReviewSessionView") { input in
        let access = try await input.caller.requireCollaborator(of: try input.id("session_id"), catalog: input.catalog)
        return try JSONCoding.response(ReviewSessionView(access, studio: try await input.catalog.organization().name))
    }
    table.add(.get, "/api/v1/review/sessions/{session_id}/items", "The session's items in review order, as collaborators see them",
              tag: "review", access: .collaborator, response: "ReviewItemList") { input in
        let sessionID = try input.id("session_id")
        _ = try await input.caller.requireCollaborator(of: sessionID, catalog: input.catalog)
        return try JSONCoding.response(ListResponse(all: try await input.catalog.items(sessionID: sessionID).map(ReviewItemView.init)))
    }
    table.add(.post, "/api/v1/review/logout", "Forget this browser's access", tag: "review", access: .open,
              status: .noContent, response: nil) { input in
        var response = Response(status: .noContent)
        response.setCookie(AccessCookie.expired(secure: input.services.secureCookies))
        return response
    }
}

/// Runs a passphrase-checking `attempt`, refusing (429) a client that got the passphrase
/// wrong too often for this `key`, and counting its failures.
private func throttled(_ input: RouteInput, key: String, _ attempt: () async throws -> CollaboratorAccess)
    async throws -> CollaboratorAccess
{
    // Hash the token so the throttle's memory never holds a usable secret.
    let key = input.context.remoteAddress + "|" + SHA256.hash(data: Data(key.utf8)).description
    if let wait = await input.services.throttle.retryAfter(key) {
        var error = APIError(status: .tooManyRequests, code: CatalogError.Code.throttled.description,
                             message: "too many wrong passphrases; try again in \(wait) seconds")
        error.headers[.retryAfter] = String(wait)
        throw error
    }
    do {
        let access = try await attempt()
        await input.services.throttle.recordSuccess(key)
        return access
    } catch let error as CatalogError where error.code == .passphraseWrong {
        await input.services.throttle.recordFailure(key)
        throw error
    }
}

/// Answers an admitted collaborator: the session view, and the cookie that now includes them.
private func admit(_ access: CollaboratorAccess, input: RouteInput) async throws -> Response {
    let cookie = (input.caller.cookie ?? AccessCookie(collaboratorIDs: [])).adding(access.collaborator.id)
    var response = try JSONCoding.response(ReviewSessionView(access, studio: try await input.catalog.organization().name))
    response.setCookie(cookie.cookie(key: input.services.cookieKey.key, secure: input.services.secureCookies))
    return response
}
