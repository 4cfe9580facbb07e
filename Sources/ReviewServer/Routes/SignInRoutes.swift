import Catalog
import Foundation
import Hummingbird

/// What a sign-in answers: who signed in, the CSRF token their pages send with every request
/// that changes something, and when the sign-in ends unless it is used before.
struct StaffSignedIn: Encodable {
    let user: StaffUser
    let csrfToken: String
    let expiresAt: Date

    enum CodingKeys: String, CodingKey { case user, csrfToken = "csrf_token", expiresAt = "expires_at" }
}

/// Staff signing in from a browser with their email and password (set with `dailies user
/// set-password`), for a cookie that then speaks for them as an API key does (see
/// ``StaffSessionCookie``). Attempts are throttled as passphrases are, per email and per address.
func addSignInRoutes(_ api: APIRoutes) {
    api.open.add(.post, "/api/v1/staff/sign-in",
                 "Sign in as staff with email and password: sets the HTTP-only dailies_staff cookie, and dailies_csrf with "
                     + "the token to send as X-CSRF-Token with every POST, PUT, PATCH and DELETE",
                 tag: "staff", body: .json(.object([
                     Schema.email.required("email"),
                     Schema.string(TextRule(minimum: 1, maximum: TextRule.password.maximum)).required("password"),
                 ]), example: #"{"email": "ada@northlight.example", "password": "correct horse battery"}"#),
                 response: "StaffSignIn",
                 refusals: [Refusal(.unauthorized, "The email or password is not right"),
                            Refusal(.forbidden, "The staff member is deactivated"),
                            Refusal(.tooManyRequests, "Too many attempts for this email or from here: wait for Retry-After")]) { input in
        struct Body: Decodable {
            let email: String
            let password: String
        }
        let body = try await input.body(Body.self)
        let signedIn = try await input.catalog.signIn(email: body.email, password: body.password,
                                                      from: input.services.clientAddress(input.request, input.context))
        // A browser signing in again leaves nothing of its earlier sign-in behind.
        if let earlier = input.request.cookies[StaffSessionCookie.name]?.value, !earlier.isEmpty {
            try await input.catalog.signOut(webSessionToken: earlier)
        }
        let key = input.services.cookieKey.key
        var response = try JSONCoding.response(StaffSignedIn(
            user: signedIn.user, csrfToken: StaffSessionCookie.csrfToken(for: signedIn.token.value, key: key),
            expiresAt: signedIn.session.expiresAt))
        for cookie in StaffSessionCookie.cookies(token: signedIn.token.value, key: key, secure: input.services.secureCookies) {
            response.setCookie(cookie)
        }
        return response
    }
    api.open.add(.post, "/api/v1/staff/sign-out", "Sign this browser out: ends the sign-in its cookie names, and clears the cookies",
                 tag: "staff", status: .noContent, response: .empty) { input in
        if let token = input.request.cookies[StaffSessionCookie.name]?.value, !token.isEmpty {
            try await input.catalog.signOut(webSessionToken: token)
        }
        var response = Response(status: .noContent)
        for cookie in StaffSessionCookie.cleared(secure: input.services.secureCookies) { response.setCookie(cookie) }
        return response
    }
}
