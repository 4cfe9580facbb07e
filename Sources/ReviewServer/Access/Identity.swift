import Catalog
import Crypto
import Foundation

/// Who is calling, as the authenticator middlewares found: kept in the request context.
///
/// Room to grow: the review site's preview joins it as another way of being ``staff``.
struct Identity: Sendable {
    /// Staff, by their API key or their browser's sign-in.
    var staff: StaffUser?
    /// How ``staff`` proved who they are.
    var staffCredential: StaffCredential?
    /// A browser signed in as staff sent a request that changes something without its CSRF
    /// token: it is not staff, and staff routes say why (403 `csrf_failed`) rather than 401.
    var csrfFailed = false
    /// The access cookie, its signature checked; what it grants is checked per session.
    var cookie: AccessCookie?
    /// The collaborator of the session in the path, checked against the catalog now.
    var collaborator: CollaboratorAccess?

    /// The staff member, or 401 (403 `csrf_failed` for a signed-in browser's request without
    /// its CSRF token).
    func requireStaff() throws -> StaffUser {
        guard let staff else {
            if csrfFailed {
                throw APIError(status: .forbidden, code: "csrf_failed", message: """
                    this request carries the staff sign-in cookie but not its CSRF token: send the csrf_token from                     signing in (also in the \(StaffSessionCookie.csrfCookieName) cookie) as the                     \(StaffSessionCookie.csrfHeader) header with every POST, PUT, PATCH and DELETE
                    """)
            }
            throw APIError.unauthenticated("this needs staff: an API key (Authorization: Bearer <key>) or a sign-in")
        }
        return staff
    }

    /// The collaborator the group's authenticator let in, or 401.
    func requireCollaborator() throws -> CollaboratorAccess {
        guard let collaborator else {
            throw APIError.unauthenticated("open your invite link first: this needs a collaborator's access")
        }
        return collaborator
    }
}

/// How a staff caller proved who they are.
enum StaffCredential: Sendable, Hashable {
    /// An API key (`Authorization: Bearer`).
    case apiKey
    /// A browser's sign-in (the `dailies_staff` cookie), by the sign-in's id.
    case webSession(UUID)
}

/// The cookie-signing key, loaded once (as bytes: `SymmetricKey` is not `Sendable`).
struct SymmetricKeyBox: Sendable {
    private let bytes: Data

    init(key: SymmetricKey) {
        bytes = key.withUnsafeBytes { Data($0) }
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }
}
