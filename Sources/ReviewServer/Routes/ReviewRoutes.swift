import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// What collaborators use: they trade their invite link (or the session's share link and a
/// name) for the access cookie, then see their session.
func addReviewRoutes(_ api: APIRoutes) {
    api.open.add(.post, "/api/v1/review/access",
                 "Trade a personal invite token (and the passphrase, when the session asks) for the access cookie",
                 tag: "review", body: .json(.object([
                     Schema.string(linkToken).described("The token at the end of the invite link").required("token"),
                     Schema.string(TextRule.passphrase).orNull("none given").optional("passphrase"),
                 ]), example: #"{"token": "di_Q2xpZW50IGxpbmsgZXhhbXBsZQ", "passphrase": "north light"}"#),
                 response: "ReviewSessionView", refusals: admission) { input in
        struct Body: Decodable {
            let token: String
            let passphrase: String?
        }
        let body = try await input.body(Body.self)
        let login = try await input.catalog.logIn(inviteToken: body.token, passphrase: body.passphrase,
                                                  from: input.services.clientAddress(input.request, input.context))
        return try await admit(login, input: input)
    }
    api.open.add(.post, "/api/v1/review/join",
                 "Join through a session's shareable link with a name (and the passphrase, when asked); sets the access cookie",
                 tag: "review", body: .json(.object([
                     Schema.string(linkToken).described("The token at the end of the shareable link").required("share_token"),
                     Schema.string(FieldRules.name).required("name"),
                     Schema.email.orNull("none").optional("email"),
                     Schema.string(TextRule.passphrase).orNull("none given").optional("passphrase"),
                 ]), example: #"{"share_token": "ds_U2hhcmUgbGluayBleGFtcGxl", "name": "Sam Visitor", "email": "sam@client.example", "passphrase": "north light"}"#),
                 response: "ReviewSessionView",
                 refusals: admission + [Refusal(.forbidden, "The session's shareable link is off")]) { input in
        struct Body: Decodable {
            let shareToken: String
            let name: String
            let email: String?
            let passphrase: String?
            enum CodingKeys: String, CodingKey { case shareToken = "share_token", name, email, passphrase }
        }
        let body = try await input.body(Body.self)
        let login = try await input.catalog.join(shareToken: body.shareToken, name: body.name, email: body.email,
                                                 passphrase: body.passphrase,
                                                 from: input.services.clientAddress(input.request, input.context))
        return try await admit(login, input: input)
    }
    // Staff get what collaborators see: the review page's preview.
    api.participant.add(.get, "/api/v1/review/sessions/{session_id}",
                        "The session as its collaborators see it (staff: the preview, with no collaborator as you)",
                        tag: "review", response: "ReviewSessionView") { input in
        try JSONCoding.response(try await ReviewSessionView.of(try await ReviewAudience(input), catalog: input.catalog))
    }
    api.participant.add(.get, "/api/v1/review/sessions/{session_id}/items",
                        "The session's items in review order, as collaborators see them (staff: the preview)",
                        tag: "review", response: "ReviewItemList") { input in
        let audience = try await ReviewAudience(input)
        let items = try await input.catalog.items(sessionID: audience.session.id)
        return try JSONCoding.response(ListResponse(all: try await ReviewItemView.all(
            items, audience: audience, catalog: input.catalog, profile: input.services.ingest.profile)))
    }
    api.participant.add(.get, "/api/v1/review/sessions/{session_id}/items/{item_id}",
                        "One item, as collaborators see it, with what the player needs (staff: the preview)", tag: "review",
                        response: "ReviewItem") { input in
        let audience = try await ReviewAudience(input)
        let item = try await input.catalog.item(id: try input.id("item_id"), sessionID: audience.session.id)
        let views = try await ReviewItemView.all([item], audience: audience, catalog: input.catalog,
                                                 profile: input.services.ingest.profile)
        return try JSONCoding.response(views[0])
    }
    api.open.add(.post, "/api/v1/review/logout", "Log this browser out of every session its cookie holds",
                 tag: "review", status: .noContent, response: .empty) { input in
        if let cookie = input.caller.cookie {
            try await input.catalog.logOut(loginIDs: cookie.loginIDs)
        }
        var response = Response(status: .noContent)
        response.setCookie(AccessCookie.expired(secure: input.services.secureCookies))
        return response
    }
}

/// Answers an admitted collaborator: the session view, and the cookie that now holds their login.
private func admit(_ login: CollaboratorLogin, input: RouteInput<Visitor>) async throws -> Response {
    let cookie = (input.caller.cookie ?? AccessCookie(loginIDs: [])).adding(login.id)
    var response = try JSONCoding.response(try await ReviewSessionView.of(ReviewAudience(login.access), catalog: input.catalog))
    response.setCookie(cookie.cookie(key: input.services.cookieKey.key, secure: input.services.secureCookies))
    return response
}

/// A link's token as the API takes it (the server checks it against the catalog).
private let linkToken = TextRule(minimum: 1, maximum: 512)

/// Why a link is refused.
private let admission: [Refusal] = [
    Refusal(.unauthorized, "The link is not valid, or the session asks for a passphrase"),
    Refusal(.forbidden, "The passphrase is wrong, access was revoked, or the session has not started"),
    Refusal(.conflict, "The session is closed"),
    Refusal(.gone, "The session's schedule has ended"),
    Refusal(.tooManyRequests, "Too many wrong passphrases or joins from here: wait for Retry-After"),
]
