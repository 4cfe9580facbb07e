import Foundation
import SQLKit

/// A link that lets a staff member choose their password: the one the first start prints for
/// the admin, and the one an admin's invitation mails. Its token goes into the link once;
/// the catalog keeps only its digest.
public struct PasswordLink: Sendable {
    /// Whose password it sets.
    public let staffID: UUID
    public let token: SecretToken
    public let expiresAt: Date

    /// How long a link lasts, in seconds: a week, time enough to come back from a weekend.
    public static let lifetime = 7 * 86_400
}

/// Choosing a password from a link, and changing one's own.
///
/// Both sign the browser in at once (a new sign-in, returned) and sign every other browser of
/// the member out, as a new password set from the command line does: a new password is
/// often meant to shut someone out.
extension Catalog {
    /// Makes a link for `staffID` to choose a password with, ending any earlier link of theirs
    /// that is not used yet: only the newest link works.
    public func issuePasswordLink(staffID: UUID, createdBy: UUID? = nil) async throws -> PasswordLink {
        let token = SecretToken.generate(prefix: "dp_")
        let now = self.now.storedMilliseconds
        let expires = now + Int64(PasswordLink.lifetime) * 1000
        try await database.write { db in
            guard try await db.row(StaffUserRow.self, id: staffID) != nil else { throw CatalogError.notFound("staff member", staffID) }
            try await db.delete(from: StaffPasswordLinkRow.table).where("staff_id", .equal, staffID.bind)
                .where("used_at", .is, SQLLiteral.null).run()
            try await db.insert(StaffPasswordLinkRow(
                id: UUID(), staffId: staffID, tokenDigest: token.digest, createdAt: StoredTime(milliseconds: now),
                createdBy: createdBy, expiresAt: StoredTime(milliseconds: expires), usedAt: nil))
        }
        return PasswordLink(staffID: staffID, token: token, expiresAt: StoredTime(milliseconds: expires).date)
    }

    /// Sets the password of the member `token`'s link names, uses the link up, and signs in.
    ///
    /// A token is 256 random bits, so guessing is hopeless; failures are still counted per
    /// client address (``ThrottleRule/passphrase``), so a script hammering the route is slowed.
    ///
    /// - Throws: ``CatalogError/Code/invalidToken`` for an unknown, used or expired link (one
    ///   answer for all three); ``CatalogError/Code/invalidField`` for a password outside
    ///   ``TextRule/password``; ``CatalogError/Code/accountDeactivated``; ``CatalogError/Code/throttled``.
    public func setPassword(_ password: String, linkToken token: String, from client: String) async throws -> StaffSignIn {
        let password = try Validate.password(password)
        let keys = ["password-link-from:" + client]
        try await reserveAttempt(keys: keys, rule: .passphrase)
        let digest = SecretToken.digest(of: token)
        let now = self.now.storedMilliseconds
        let usable: (StaffPasswordLinkRow) -> Bool = { $0.usedAt == nil && $0.expiresAt.milliseconds > now }
        guard let link = try await database.read({ db in try await self.passwordLink(digest: digest, db) }), usable(link) else {
            throw Self.unusableLink
        }
        try await forgiveAttempt(keys: keys, rule: .passphrase)
        let cost = passphraseCost
        let hash = try await passphraseLane.run { try PassphraseHash(hashing: password, cost: cost) }
        return try await database.write { db in
            // Read again: the link may have been used, or replaced, while the password was hashed.
            guard var link = try await self.passwordLink(digest: digest, db), usable(link),
                  var row = try await db.row(StaffUserRow.self, id: link.staffId)
            else { throw Self.unusableLink }
            link.usedAt = StoredTime(milliseconds: now)
            try await db.update(link)
            row.passwordHash = hash.encoded
            try await db.update(row)
            try await self.endWebSessions(staffID: row.id, db)
            return try await self.startWebSession(row, db)
        }
    }

    /// Changes `staffID`'s password, given the current one, and signs in afresh.
    ///
    /// - Throws: ``CatalogError/Code/invalidCredentials`` for a wrong current password (counted
    ///   as a sign-in attempt is: per member and per address); ``CatalogError/Code/invalidField``
    ///   for a new password outside ``TextRule/password``; ``CatalogError/Code/throttled``.
    public func changePassword(staffID: UUID, current: String, new password: String, from client: String) async throws
        -> StaffSignIn
    {
        let password = try Validate.password(password)
        guard let found = try await database.read({ db in try await db.row(StaffUserRow.self, id: staffID) }) else {
            throw CatalogError.notFound("staff member", staffID)
        }
        let stored = found.passwordHash.map(PassphraseHash.init(encoded:))
        let keys = ["sign-in-email:" + found.email, "sign-in-from:" + client]
        guard try await attemptMatches(current, stored ?? decoyHash, keys: keys), stored != nil else {
            throw CatalogError(.invalidCredentials, "the current password is not right")
        }
        let cost = passphraseCost
        let hash = try await passphraseLane.run { try PassphraseHash(hashing: password, cost: cost) }
        return try await database.write { db in
            // Checked again: the password may have changed while the new one was hashed.
            guard var row = try await db.row(StaffUserRow.self, id: staffID), row.passwordHash == found.passwordHash else {
                throw CatalogError(.invalidCredentials, "the password changed meanwhile; sign in again")
            }
            row.passwordHash = hash.encoded
            try await db.update(row)
            try await self.endWebSessions(staffID: row.id, db)
            return try await self.startWebSession(row, db)
        }
    }

    /// Forgets links that were used or have expired (housekeeping). Returns how many.
    @discardableResult
    public func prunePasswordLinks() async throws -> Int {
        try await pruneSpent(StaffPasswordLinkRow.table, endedColumn: "used_at")
    }

    private func passwordLink(digest: String, _ db: any SQLDatabase) async throws -> StaffPasswordLinkRow? {
        try await db.select(StaffPasswordLinkRow.self).where("token_digest", .equal, SQLBind(digest)).first(StaffPasswordLinkRow.self)
    }

    private static let unusableLink = CatalogError(
        .invalidToken, "this set-password link is not valid: it was used, has expired or was replaced by a newer one; ask an admin for a new one")
}
