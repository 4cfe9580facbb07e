import Catalog
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The cookies of a browser signed in as staff, and the CSRF token that goes with them.
///
/// `dailies_staff` holds the sign-in's secret token, HTTP-only so no script reads it, and
/// `SameSite=Strict` so no other site's page sends it. It grants nothing by itself: every
/// request looks the token up in the catalog, so signing out, a new password or deactivation
/// end it at once.
///
/// A cookie goes with every request to the site, whoever's page made it; so a request that
/// changes something (POST, PUT, PATCH, DELETE) must also prove it comes from a page of this
/// site, with the CSRF token in `X-CSRF-Token`: an HMAC of the sign-in's token under the
/// catalog's cookie key, which only such a page can know. It is in the sign-in's answer and
/// in the `dailies_csrf` cookie, which scripts of this site may read (after a reload).
enum StaffSessionCookie {
    static let name = "dailies_staff"
    static let csrfCookieName = "dailies_csrf"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// The cookies' lifetime, in seconds: the sign-in's longest; the catalog ends it sooner
    /// when it is left unused.
    static let lifetime = StaffWebSession.absoluteLifetime

    /// The CSRF token of the sign-in whose token is `token`: HMAC-SHA256 of `csrf:<token>`
    /// under `key`, in URL-safe base64.
    static func csrfToken(for token: String, key: SymmetricKey) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(("csrf:" + token).utf8), using: key)).base64URLEncoded
    }

    /// Whether `sent` is the CSRF token of `token`'s sign-in, compared in constant time.
    static func csrfMatches(_ sent: String?, token: String, key: SymmetricKey) -> Bool {
        guard let sent, let code = Data(base64URLEncoded: sent) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Data(("csrf:" + token).utf8), using: key)
    }

    /// Whether a request of `method` changes something, and so needs the CSRF token.
    static func needsCSRF(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }

    /// The two cookies a sign-in sets.
    static func cookies(token: String, key: SymmetricKey, secure: Bool) -> [Cookie] {
        [Cookie(name: name, value: token, maxAge: lifetime, path: "/", secure: secure, httpOnly: true, sameSite: .strict),
         Cookie(name: csrfCookieName, value: csrfToken(for: token, key: key), maxAge: lifetime, path: "/", secure: secure,
                httpOnly: false, sameSite: .strict)]
    }

    /// The two cookies, cleared (signing out).
    static func cleared(secure: Bool) -> [Cookie] {
        [Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict),
         Cookie(name: csrfCookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: false, sameSite: .strict)]
    }
}
