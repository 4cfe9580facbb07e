import Catalog
import Crypto
import Foundation
import Hummingbird

/// The HTTP-only cookie a collaborator's invite token is exchanged for.
///
/// It holds the ids of the stored logins this browser has (one per invite opened, newest
/// last, at most 16), signed with HMAC-SHA256 under the catalog's secret, so it can't be
/// forged or edited. It grants nothing by itself: every request checks the login and its
/// collaborator against the catalog (logged out, revoked, closed, schedule), so logging out
/// or revoking ends it at once, whatever the cookie's age.
struct AccessCookie {
    static let name = "dailies_access"
    static let maximumEntries = 16
    static let lifetime = 30 * 24 * 3600

    var loginIDs: [UUID]

    /// The cookie's value: `payload.signature`, both URL-safe base64.
    func value(key: SymmetricKey) -> String {
        let payload = Data(loginIDs.map(\.uuidString).joined(separator: ",").utf8).base64URLEncoded
        let signature = Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)).base64URLEncoded
        return payload + "." + signature
    }

    /// The cookie in `value`, or `nil` when it is malformed or its signature is wrong.
    init?(value: String, key: SymmetricKey) {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let signature = Data(base64URLEncoded: String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(parts[0].utf8), using: key),
            let payload = Data(base64URLEncoded: String(parts[0]))
        else { return nil }
        loginIDs = String(decoding: payload, as: UTF8.self).split(separator: ",").compactMap { UUID(uuidString: String($0)) }
    }

    init(loginIDs: [UUID]) {
        self.loginIDs = loginIDs
    }

    /// This cookie with `id` added (newest last), dropping the oldest beyond the limit.
    func adding(_ id: UUID) -> AccessCookie {
        AccessCookie(loginIDs: Array((loginIDs.filter { $0 != id } + [id]).suffix(Self.maximumEntries)))
    }

    func cookie(key: SymmetricKey, secure: Bool) -> Cookie {
        Cookie(name: Self.name, value: value(key: key), maxAge: Self.lifetime, path: "/", secure: secure, httpOnly: true,
               sameSite: .lax)
    }

    static func expired(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
