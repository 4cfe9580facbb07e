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

/// Staff signing in from a browser with their email and password (chosen through a
/// set-password link, changed on their account page, or set with `dailies user
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
        return try signedInResponse(signedIn, services: input.services)
    }
    api.open.add(.post, "/api/v1/staff/password",
                 "Choose a password with a set-password link's token (the first start prints the admin's; admins mail "
                     + "others theirs), and sign this browser in, as signing in does",
                 tag: "staff", body: .json(.object([
                     Schema.string(TextRule(minimum: 1, maximum: 200)).described("The token at the end of the link").required("token"),
                     Schema.string(TextRule(minimum: 1, maximum: TextRule.password.maximum))
                         .described("\(TextRule.password.minimum) to \(TextRule.password.maximum) characters").required("password"),
                 ]), example: #"{"token": "dp_3q2-7wEjY8lP0aVbF1u6kXo9ZcRmT4nJhGdSsQeLiKA", "password": "correct horse battery"}"#),
                 response: "StaffSignIn",
                 refusals: [Refusal(.unauthorized, "The link is not valid: used, expired, or replaced by a newer one"),
                            Refusal(.forbidden, "The staff member is deactivated"),
                            .rule("The password is \(TextRule.password.minimum) to \(TextRule.password.maximum) characters"),
                            Refusal(.tooManyRequests, "Too many attempts from here: wait for Retry-After")]) { input in
        struct Body: Decodable {
            let token: String
            let password: String
        }
        let body = try await input.body(Body.self)
        let signedIn = try await input.catalog.setPassword(body.password, linkToken: body.token,
                                                           from: input.services.clientAddress(input.request, input.context))
        return try signedInResponse(signedIn, services: input.services)
    }
    api.staff.add(.post, "/api/v1/me/password",
                  "Change your own password, given the current one: this browser is signed in afresh, every other one of "
                      + "yours signed out",
                  tag: "staff", body: .json(.object([
                      Schema.string(TextRule(minimum: 1, maximum: TextRule.password.maximum)).required("current_password"),
                      Schema.string(TextRule(minimum: 1, maximum: TextRule.password.maximum))
                          .described("\(TextRule.password.minimum) to \(TextRule.password.maximum) characters").required("new_password"),
                  ]), example: #"{"current_password": "correct horse battery", "new_password": "staple grape lantern"}"#),
                  response: "StaffSignIn",
                  refusals: [Refusal(.unauthorized, "The current password is not right"),
                             .rule("The new password is \(TextRule.password.minimum) to \(TextRule.password.maximum) characters"),
                             Refusal(.tooManyRequests, "Too many attempts: wait for Retry-After")]) { input in
        struct Body: Decodable {
            let currentPassword: String
            let newPassword: String
            enum CodingKeys: String, CodingKey { case currentPassword = "current_password", newPassword = "new_password" }
        }
        let body = try await input.body(Body.self)
        let signedIn = try await input.catalog.changePassword(
            staffID: input.caller.id, current: body.currentPassword, new: body.newPassword,
            from: input.services.clientAddress(input.request, input.context))
        return try signedInResponse(signedIn, services: input.services)
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

/// A sign-in's answer: who, the CSRF token, when it ends, and the two cookies.
private func signedInResponse(_ signedIn: StaffSignIn, services: ServerServices) throws -> Response {
    let key = services.cookieKey.key
    var response = try JSONCoding.response(StaffSignedIn(
        user: signedIn.user, csrfToken: StaffSessionCookie.csrfToken(for: signedIn.token.value, key: key),
        expiresAt: signedIn.session.expiresAt))
    for cookie in StaffSessionCookie.cookies(token: signedIn.token.value, key: key, secure: services.secureCookies) {
        response.setCookie(cookie)
    }
    return response
}
