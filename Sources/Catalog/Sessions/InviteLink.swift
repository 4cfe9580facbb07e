import Crypto
import Foundation
import SQLKit

/// How an invite link's token is made: an HMAC of the collaborator's id and a nonce, keyed
/// with the studio's secret, so the catalog can send the same link again (ftrack's
/// `send_review_session_invite`) while it stores only the token's digest, as for any token.
/// A new nonce is a new link, and the old one stops working.
///
/// Anyone who can read the catalog could make the links; they could equally sign access
/// cookies with the same secret, so this adds no way in.
enum InviteLink {
    static func newNonce() -> String {
        SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }.base64URLEncoded
    }

    static func token(collaboratorID: UUID, nonce: String, secret: String) -> SecretToken {
        let key = SymmetricKey(data: SHA256.hash(data: Data(("invite links " + secret).utf8)))
        let message = Data("\(collaboratorID.uuidString) \(nonce)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return SecretToken(value: "di_" + Data(mac).base64URLEncoded)
    }
}

extension Catalog {
    func inviteToken(collaboratorID: UUID, nonce: String, _ db: any SQLDatabase) async throws -> SecretToken {
        InviteLink.token(collaboratorID: collaboratorID, nonce: nonce, secret: try await organizationRow(db).cookieSecret)
    }
}
