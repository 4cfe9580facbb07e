import Foundation
import SQLKit

extension Catalog {
    /// The staff member a script names, with their API key: the ftrack faces' credentials
    /// (`ftrack-api-key` and `ftrack-user`). The key must be the user's own; a wrong key and a
    /// wrong user get the same refusal.
    ///
    /// A request that gets in costs one read. Failures count, under ``ThrottleRule/passphrase``,
    /// per client address and per username: a guesser waits, longer each time.
    ///
    /// - Throws: ``CatalogError/Code/invalidCredentials``; ``CatalogError/Code/throttled`` (with
    ///   `retryAfter`) while a key waits.
    public func staffUser(apiKey: String, username: String, from client: String) async throws -> StaffUser {
        let username = username.lowercased()
        let keys = ["script-from:" + client, "script-user:" + String(username.prefix(100))]
        try await database.read { db in
            let now = self.now.storedMilliseconds
            for key in keys {
                if let waiting = try await self.throttle(key, db), waiting.waitUntil.milliseconds > now {
                    let seconds = Int((waiting.waitUntil.milliseconds - now + 999) / 1000)
                    throw CatalogError(.throttled, "too many attempts; try again in \(seconds) second\(seconds == 1 ? "" : "s")",
                                       retryAfter: seconds)
                }
            }
        }
        if let user = try await staffUser(apiKey: apiKey), user.username == username {
            return user
        }
        try await reserveAttempt(keys: keys, rule: .passphrase)
        throw CatalogError(.invalidCredentials, "The API key and user do not match: send a staff member's API key "
                           + "and their username (dailies user list shows usernames)")
    }
}
