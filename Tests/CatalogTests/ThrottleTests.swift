import Foundation
import SQLKit
import Testing

@testable import Catalog

/// Throttles and logins in the catalog: counted attempt by attempt, waits that double to a
/// short cap, forgiveness for the right answer, and housekeeping that forgets what is stale.
@Suite("Throttles and logins")
struct ThrottleTests {
    @Test("a burst of attempts is counted one by one: only the free ones pass, then waits double to the cap")
    func burst() async throws {
        try await withCatalog { catalog in
            // Waits long enough that no loaded machine can outlast them mid-burst.
            let rule = ThrottleRule(freeAttempts: 3, firstWait: 600, longestWait: 2400, memory: 3600)
            let outcomes = await withTaskGroup(of: Int?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            try await catalog.reserveAttempt(keys: ["burst"], rule: rule)
                            return nil
                        } catch let error as CatalogError {
                            return error.retryAfter
                        } catch {
                            return -1
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 3, "the free attempts, and no more: \(outcomes)")
            #expect(outcomes.compactMap { $0 }.allSatisfy { (1...600).contains($0) }, "the rest wait the first wait")
            let doubling = ThrottleRule(freeAttempts: 3, firstWait: 2, longestWait: 8, memory: 600)
            #expect(doubling.wait(afterAttempt: 2) == 0 && doubling.wait(afterAttempt: 3) == 2000)
            #expect(doubling.wait(afterAttempt: 4) == 4000 && doubling.wait(afterAttempt: 5) == 8000)
            #expect(doubling.wait(afterAttempt: 50) == 8000, "capped")
        }
    }

    @Test("a right answer is forgiven; a running wait is not shortened by it")
    func forgiveness() async throws {
        try await withCatalog { catalog in
            let rule = ThrottleRule(freeAttempts: 2, firstWait: 3600, longestWait: 3600, memory: 7200)
            try await catalog.reserveAttempt(keys: ["link", "address"], rule: rule)
            try await catalog.forgiveAttempt(keys: ["link", "address"], rule: rule)
            try await catalog.reserveAttempt(keys: ["link", "address"], rule: rule)
            try await catalog.reserveAttempt(keys: ["link", "address"], rule: rule)
            // Two counted: the next waits, right answer or not.
            try await catalog.forgiveAttempt(keys: ["link"], rule: rule)
            await #expect(throws: CatalogError.self) { try await catalog.reserveAttempt(keys: ["link"], rule: rule) }
            await #expect(throws: CatalogError.self) { try await catalog.reserveAttempt(keys: ["address"], rule: rule) }
        }
    }

    @Test("housekeeping forgets day-old throttle counts and logins older than the cookie, and nothing else")
    func housekeeping() async throws {
        try await withCatalog { catalog in
            let rule = ThrottleRule.passphrase
            try await catalog.reserveAttempt(keys: ["old", "fresh"], rule: rule)
            let project = try await catalog.createProject(name: "Show")
            let session = try await catalog.createSession(projectID: project.id)
            let (_, token) = try await catalog.addCollaborator(sessionID: session.id, name: "Client", email: nil)
            let old = try await catalog.logIn(inviteToken: token.value, passphrase: nil, from: "192.0.2.1")
            let fresh = try await catalog.logIn(inviteToken: token.value, passphrase: nil, from: "192.0.2.1")
            let twoDaysAgo = SQLBind(Timestamp().addingTimeInterval(-2 * 86_400).storedMilliseconds)
            try await catalog.database.write { db in
                try await db.update("throttles").set("updated_at", to: twoDaysAgo).where("key", .equal, SQLBind("old")).run()
                try await db.update("collaborator_logins").set("created_at", to: twoDaysAgo)
                    .where("id", .equal, old.id.bind).run()
            }
            #expect(try await catalog.pruneThrottles() == 1)
            #expect(try await catalog.pruneLogins(olderThan: .seconds(86_400)) == 1)
            #expect(try await catalog.loginSessions([old.id, fresh.id]) == [fresh.id: session.id])
            let keys = try await catalog.database.read { db in
                try await db.select().column("key").from("throttles").all().map { try $0.decode(column: "key", as: String.self) }
            }
            #expect(keys == ["fresh"])
        }
    }
}
