import Foundation
import SQLKit
import Testing

@testable import Catalog

/// Staff passwords and browser sign-ins in the catalog: stored as hashes, one answer for every
/// wrong way in, throttled as passphrases are, sign-ins that end when left unused, when signed
/// out, and when the password changes.
@Suite("Staff sign-in")
struct SignInTests {
    static let password = "correct horse battery"

    /// A catalog with one staff member who has a password.
    static func withStaff(_ body: (Catalog, StaffUser) async throws -> Void) async throws {
        try await withCatalog { catalog in
            let (user, _) = try await catalog.createStaffUser(name: "Ada Park", email: "Ada@Studio.example")
            try await catalog.setPassword(password, forEmail: "ada@studio.example")
            try await body(catalog, user)
        }
    }

    @Test("a password is stored as a scrypt hash, never as itself; its length is checked; the email must be staff's")
    func storedAsHash() async throws {
        try await Self.withStaff { catalog, user in
            let stored = try await catalog.database.read { db in
                try #require(try await db.row(StaffUserRow.self, id: user.id)?.passwordHash)
            }
            #expect(stored.hasPrefix("scrypt$") && !stored.contains(Self.password))
            #expect(PassphraseHash(encoded: stored).matches(Self.password))
            #expect(await catalogErrorCode { try await catalog.setPassword("too short", forEmail: user.email) } == .invalidField)
            #expect(await catalogErrorCode {
                try await catalog.setPassword(String(repeating: "x", count: 201), forEmail: user.email)
            } == .invalidField)
            #expect(await catalogErrorCode { try await catalog.setPassword(Self.password, forEmail: "nobody@studio.example") }
                    == .notFound)
        }
    }

    @Test("the right password signs in, any letter case of the email; wrong, unknown and passwordless all answer invalid_credentials")
    func signIn() async throws {
        try await Self.withStaff { catalog, user in
            let signedIn = try await catalog.signIn(email: "ADA@studio.example", password: Self.password, from: "192.0.2.1")
            #expect(signedIn.user.id == user.id && signedIn.token.value.hasPrefix("dw_"))
            #expect(signedIn.session.expiresAt.timeIntervalSince(signedIn.session.createdAt) == Double(StaffWebSession.idleLifetime))
            let found = try #require(try await catalog.staffUser(webSessionToken: signedIn.token.value))
            #expect(found.user.id == user.id && found.session.id == signedIn.session.id)
            #expect(try await catalog.staffUser(webSessionToken: "dw_forged") == nil)

            let (_, _) = try await catalog.createStaffUser(name: "No Password", email: "np@studio.example")
            for (email, password) in [(user.email, "wrong password!"), ("nobody@studio.example", Self.password),
                                      ("np@studio.example", Self.password)] {
                let refused = await #expect(throws: CatalogError.self) {
                    _ = try await catalog.signIn(email: email, password: password, from: "192.0.2.\(email.count)")
                }
                #expect(refused?.code == .invalidCredentials && refused?.message == "the email or password is not right")
            }
        }
    }

    @Test("a deactivated member's right password is refused as such, their key and sign-ins stop working, and they can come back")
    func deactivated() async throws {
        try await withCatalog { catalog in
            let (user, key) = try await catalog.createStaffUser(name: "Ada Park", email: "ada@studio.example")
            try await catalog.setPassword(Self.password, forEmail: user.email)
            let earlier = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            #expect(try await catalog.setDeactivated(true, forEmail: user.email).deactivatedAt != nil)
            #expect(await catalogErrorCode {
                _ = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            } == .accountDeactivated)
            #expect(await catalogErrorCode {
                _ = try await catalog.signIn(email: user.email, password: "wrong password!", from: "192.0.2.1")
            } == .invalidCredentials)
            #expect(try await catalog.staffUser(apiKey: key.value) == nil)
            #expect(try await catalog.staffUser(webSessionToken: earlier.token.value) == nil)

            #expect(try await catalog.setDeactivated(false, forEmail: user.email).deactivatedAt == nil)
            #expect(try await catalog.staffUser(apiKey: key.value)?.id == user.id)
            #expect(try await catalog.staffUser(webSessionToken: earlier.token.value) == nil, "deactivating signed it out for good")
            _ = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
        }
    }

    /// The throttle's count and wait (milliseconds past the last attempt) under `key`.
    static func throttle(_ key: String, _ catalog: Catalog) async throws -> (attempts: Int, wait: Int64) {
        try await catalog.database.read { db in
            let row = try #require(try await db.select(ThrottleRow.self).where("key", .equal, SQLBind(key)).first(ThrottleRow.self))
            return (row.attempts, row.waitUntil.milliseconds - row.updatedAt.milliseconds)
        }
    }

    /// Holds the wait under `key` open for a minute, so what follows is tried within it however slow the machine.
    static func holdWait(_ key: String, _ catalog: Catalog) async throws {
        try await catalog.database.write { db in
            try await db.update("throttles").set("wait_until", to: SQLBind(Timestamp().storedMilliseconds + 60_000))
                .where("key", .equal, SQLBind(key)).run()
        }
    }

    @Test("wrong passwords are throttled per email and per address, with the passphrase rule; a right one is not counted")
    func throttled() async throws {
        try await Self.withStaff { catalog, user in
            let rule = ThrottleRule.passphrase
            let emailKey = "sign-in-email:ada@studio.example"
            // One right password first: forgiven, so it does not bring the wait nearer.
            _ = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            for attempt in 0..<rule.freeAttempts {
                #expect(await catalogErrorCode {
                    _ = try await catalog.signIn(email: user.email, password: "wrong password!", from: "192.0.2.\(attempt + 10)")
                } == .invalidCredentials)
            }
            let counted = try await Self.throttle(emailKey, catalog)
            #expect(counted.attempts == rule.freeAttempts && counted.wait == Int64(rule.firstWait) * 1000,
                    "the free attempts counted, the right one not, and the rule's first wait set: \(counted)")
            try await Self.holdWait(emailKey, catalog)
            // From a fresh address, the email waits, even with the right password.
            let waiting = await #expect(throws: CatalogError.self) {
                _ = try await catalog.signIn(email: user.email, password: Self.password, from: "198.51.100.1")
            }
            #expect(waiting?.code == .throttled && (waiting?.retryAfter ?? 0) > 0)

            // One address guessing at many emails waits too.
            for attempt in 0..<rule.freeAttempts {
                #expect(await catalogErrorCode {
                    _ = try await catalog.signIn(email: "guess\(attempt)@studio.example", password: "wrong password!",
                                                 from: "203.0.113.9")
                } == .invalidCredentials)
            }
            #expect(try await Self.throttle("sign-in-from:203.0.113.9", catalog).attempts == rule.freeAttempts)
            try await Self.holdWait("sign-in-from:203.0.113.9", catalog)
            #expect(await catalogErrorCode {
                _ = try await catalog.signIn(email: "another@studio.example", password: "wrong password!", from: "203.0.113.9")
            } == .throttled)
        }
    }

    @Test("a sign-in ends after its idle time or its absolute lifetime; use pushes the idle end on at most once a minute")
    func expiry() async throws {
        try await Self.withStaff { catalog, user in
            let minute: Int64 = 60_000
            func rewind(_ id: UUID, createdAgo: Int64, lastSeenAgo: Int64, expiresIn: Int64) async throws {
                let now = Timestamp().storedMilliseconds
                try await catalog.database.write { db in
                    try await db.update("staff_web_sessions").set("created_at", to: SQLBind(now - createdAgo))
                        .set("last_seen_at", to: SQLBind(now - lastSeenAgo)).set("expires_at", to: SQLBind(now + expiresIn))
                        .where("id", .equal, id.bind).run()
                }
            }
            func stored(_ id: UUID) async throws -> StaffWebSessionRow {
                try await catalog.database.read { db in try #require(try await db.row(StaffWebSessionRow.self, id: id)) }
            }

            let idle = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            try await rewind(idle.session.id, createdAgo: 13 * 60 * minute, lastSeenAgo: 12 * 60 * minute, expiresIn: -1)
            #expect(try await catalog.staffUser(webSessionToken: idle.token.value) == nil)

            // Used a moment ago: read, not written.
            let busy = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            let before = try await stored(busy.session.id)
            _ = try #require(try await catalog.staffUser(webSessionToken: busy.token.value))
            #expect(try await stored(busy.session.id) == before)
            // Used two minutes ago: pushed on, a working day from now.
            try await rewind(busy.session.id, createdAgo: 3 * minute, lastSeenAgo: 2 * minute, expiresIn: 60 * minute)
            let touched = try #require(try await catalog.staffUser(webSessionToken: busy.token.value)).session
            let row = try await stored(busy.session.id)
            #expect(row.lastSeenAt.milliseconds > before.lastSeenAt.milliseconds - 2 * minute)
            #expect(abs(touched.expiresAt.timeIntervalSinceNow - Double(StaffWebSession.idleLifetime)) < 60)

            // Nearly 14 days old: use pushes it no further than its absolute end.
            let absolute = Int64(StaffWebSession.absoluteLifetime) * 1000
            try await rewind(busy.session.id, createdAgo: absolute - 10 * minute, lastSeenAgo: 2 * minute, expiresIn: 60 * minute)
            let old = try #require(try await catalog.staffUser(webSessionToken: busy.token.value)).session
            #expect(abs(old.expiresAt.timeIntervalSinceNow - 600) < 60)
            try await rewind(busy.session.id, createdAgo: absolute + minute, lastSeenAgo: 2 * minute, expiresIn: -minute)
            #expect(try await catalog.staffUser(webSessionToken: busy.token.value) == nil)
            #expect(try await catalog.pruneWebSessions() == 2, "both ended sign-ins are forgotten")
        }
    }

    @Test("signing out ends that sign-in only; a new password ends every sign-in of that member and no one else's")
    func signOutAndNewPassword() async throws {
        try await Self.withStaff { catalog, user in
            let (other, _) = try await catalog.createStaffUser(name: "Ben", email: "ben@studio.example")
            try await catalog.setPassword("another long password", forEmail: other.email)
            let phone = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            let laptop = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.2")
            let desk = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.3")
            let bens = try await catalog.signIn(email: other.email, password: "another long password", from: "192.0.2.4")

            try await catalog.signOut(webSessionToken: phone.token.value)
            try await catalog.signOut(webSessionToken: phone.token.value)  // twice is fine
            #expect(try await catalog.staffUser(webSessionToken: phone.token.value) == nil)
            #expect(try await catalog.staffUser(webSessionToken: laptop.token.value) != nil)

            try await catalog.setPassword("a brand new password", forEmail: user.email)
            #expect(try await catalog.staffUser(webSessionToken: laptop.token.value) == nil)
            #expect(try await catalog.staffUser(webSessionToken: desk.token.value) == nil)
            #expect(try await catalog.staffUser(webSessionToken: bens.token.value)?.user.id == other.id)
            #expect(await catalogErrorCode {
                _ = try await catalog.signIn(email: user.email, password: Self.password, from: "192.0.2.1")
            } == .invalidCredentials)
            _ = try await catalog.signIn(email: user.email, password: "a brand new password", from: "192.0.2.1")
        }
    }
}
