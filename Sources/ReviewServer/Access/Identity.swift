import Catalog
import Crypto
import Foundation

/// Who is calling, as the authenticator middlewares found: kept in the request context.
///
/// Room to grow: the staff web session (signed-in staff in a browser) and the review
/// site's preview join it as other ways of being ``staff``.
struct Identity: Sendable {
    /// Staff, by their API key.
    var staff: StaffUser?
    /// The access cookie, its signature checked; what it grants is checked per session.
    var cookie: AccessCookie?
    /// The collaborator of the session in the path, checked against the catalog now.
    var collaborator: CollaboratorAccess?

    /// The staff member, or 401.
    func requireStaff() throws -> StaffUser {
        guard let staff else { throw APIError.unauthenticated("this needs a staff API key: Authorization: Bearer <key>") }
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

/// The cookie-signing key, loaded once (as bytes: `SymmetricKey` is not `Sendable`).
struct SymmetricKeyBox: Sendable {
    private let bytes: Data

    init(key: SymmetricKey) {
        bytes = key.withUnsafeBytes { Data($0) }
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }
}
