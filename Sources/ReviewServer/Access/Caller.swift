import Catalog
import Crypto
import Foundation
import Hummingbird

/// Who is asking: staff with an API key, collaborators with the access cookie, or nobody.
struct Caller {
    let staff: StaffUser?
    /// The collaborator ids the browser's cookie holds (unchecked until used).
    let cookie: AccessCookie?

    /// Reads the `Authorization: Bearer` key and the access cookie of `request`.
    static func identify(_ request: Request, catalog: Catalog, cookieKey: SymmetricKeyBox) async throws -> Caller {
        var staff: StaffUser?
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer "), case let key = String(authorization.dropFirst(7)), !key.isEmpty else {
                throw APIError.unauthenticated("the Authorization header must be 'Bearer <API key>'")
            }
            guard let user = try await catalog.staffUser(apiKey: key) else {
                throw APIError(status: .unauthorized, code: "invalid_api_key", message: "the API key is not valid")
            }
            staff = user
        }
        let cookie = request.cookies[AccessCookie.name].flatMap { AccessCookie(value: $0.value, key: cookieKey.key) }
        return Caller(staff: staff, cookie: cookie)
    }

    /// The staff member, or 401.
    func requireStaff() throws -> StaffUser {
        guard let staff else { throw APIError.unauthenticated("this needs a staff API key: Authorization: Bearer <key>") }
        return staff
    }

    /// An admin, or 401/403.
    func requireAdmin() throws -> StaffUser {
        let staff = try requireStaff()
        guard staff.isAdmin else { throw APIError(status: .forbidden, code: "forbidden", message: "this needs an admin") }
        return staff
    }

    /// The caller's access to session `sessionID` as a collaborator, checked against the
    /// catalog now; 401 without a cookie, 403 for another session's collaborator, and the
    /// catalog's own refusal (closed, revoked, out of schedule) otherwise.
    func requireCollaborator(of sessionID: UUID, catalog: Catalog) async throws -> CollaboratorAccess {
        guard let cookie, !cookie.collaboratorIDs.isEmpty else {
            throw APIError.unauthenticated("open your invite link first: this needs a collaborator's access")
        }
        // The cookie may hold collaborators of several sessions; find this session's.
        var refusal: (any Error)?
        for id in cookie.collaboratorIDs.reversed() {
            do {
                let access = try await catalog.access(collaboratorID: id)
                if access.session.id == sessionID { return access }
            } catch let error as CatalogError where error.code != .invalidToken {
                // A refusal for this session (revoked, closed...) is the answer; one for another is not.
                if let collaborator = try? await catalog.collaborator(id: id), collaborator.sessionID == sessionID {
                    refusal = error
                }
            }
        }
        if let refusal { throw refusal }
        throw APIError(status: .forbidden, code: "forbidden", message: "you are not invited to this session")
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

