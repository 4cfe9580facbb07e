import Foundation
import MediaTestSupport
import Synchronization
import Testing

@testable import Catalog

/// Two processes' catalogs on one PostgreSQL database (two `Catalog`s here, each with its own
/// connections and listener, as two processes have): what one writes rings the other's bells,
/// and their claims never take a job twice nor two of one lane at once.
@Suite("A catalog shared by processes", .enabled(if: TestCatalogs.onPostgres, "PostgreSQL only"))
struct SharedCatalogTests {
    /// Runs `body` with two catalogs on one new database.
    func withTwoCatalogs(_ body: (Catalog, Catalog) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-shared-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await TestCatalogs.open(dataDirectory: directory.path)
        let second: Catalog
        do {
            second = try await Catalog.open(first.address)
        } catch {
            try? await first.close()
            throw error
        }
        do {
            try await body(first, second)
        } catch {
            try? await first.close()
            try? await second.close()
            throw error
        }
        try await first.close()
        try await second.close()
    }

    @Test("a job queued through one wakes the other's idle workers; an event rings the other's room")
    func announcements() async throws {
        try await withTwoCatalogs { a, b in
            #expect(a.hearsOtherProcesses && b.hearsOtherProcesses)
            // `b` connects and LISTENs in the background once open, and a NOTIFY sent before
            // that is not heard (its workers find such jobs at their wait's timeout). So jobs
            // are queued through `a` until `b` hears one, for up to a minute; only a's
            // NOTIFY can ring b's bell, as nothing is queued through b.
            var woke = false
            let hearingDeadline = ContinuousClock.now + .seconds(60)
            var queued = 0
            while !woke, ContinuousClock.now < hearingDeadline {
                async let rang = b.jobBell.wait(upTo: .seconds(2))
                // Give the waiter a moment to start waiting (a ring before it would be missed).
                try await Task.sleep(for: .milliseconds(200))
                queued += 1
                _ = try await a.enqueue(.report, payload: ["n": queued])
                woke = await rang
            }
            #expect(woke, "the other catalog's job bell rang")

            let (_, _, session) = try await makeSession(a, versions: 1)
            let rung = Tally<[UUID]>([])
            let token = b.roomBell.listen { ring in
                if case .session(let id) = ring { rung.withLock { $0.append(id) } }
            }
            defer { b.roomBell.stopListening(token) }
            let staff = try await a.createStaffUser(name: "Ed", email: "ed-\(UUID().uuidString.prefix(6))@studio.example").0
            let item = try await a.items(sessionID: session.id)[0]
            _ = try await a.addComment(sessionID: session.id, itemID: item.id, CommentDraft(text: "Hello"), by: .staff(staff))
            let deadline = ContinuousClock.now + .seconds(30)
            while !rung.withLock({ $0.contains(session.id) }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(rung.withLock { $0.contains(session.id) }, "the other catalog's room bell rang for the session")
        }
    }

    @Test("16 claimers on two catalogs take 200 jobs, each exactly once, never two of one lane at once")
    func claimsAcrossCatalogs() async throws {
        try await withTwoCatalogs { a, b in
            var queued: Set<UUID> = []
            var lanes: [UUID: String] = [:]
            for number in 0..<200 {
                let lane = number.isMultiple(of: 2) ? "lane:\(number % 10)" : nil
                let id = try await a.enqueue(.report, payload: ["n": number], laneKey: lane).id
                queued.insert(id)
                lanes[id] = lane
            }
            let laneOf = lanes
            let running = Tally<[String: Int]>([:])
            let overlaps = Tally(0)
            let claimed = Tally<[UUID]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for claimer in 0..<16 {
                    let catalog = claimer.isMultiple(of: 2) ? a : b
                    group.addTask {
                        var idle = 0
                        while idle < 3 {
                            guard let job = try await catalog.claimJob(kinds: [.report], owner: "claimer-\(claimer)",
                                                                       lease: .seconds(600)) else {
                                idle += 1
                                try await Task.sleep(for: .milliseconds(50))
                                continue
                            }
                            idle = 0
                            claimed.withLock { $0.append(job.id) }
                            if let lane = laneOf[job.id] {
                                let together = running.withLock { $0[lane, default: 0] += 1; return $0[lane]! }
                                if together > 1 { overlaps.withLock { $0 += 1 } }
                                try await Task.sleep(for: .milliseconds(5))
                                running.withLock { $0[lane, default: 0] -= 1 }
                            }
                            #expect(try await catalog.completeJob(jobID: job.id, owner: "claimer-\(claimer)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let ids = claimed.withLock { $0 }
            #expect(ids.count == 200 && Set(ids) == queued, "each job claimed exactly once")
            #expect(overlaps.withLock { $0 } == 0, "no lane ran two jobs at once")
            let succeeded = try await a.jobs(JobFilter(state: .succeeded), page: .all).items
            #expect(succeeded.count == 200 && succeeded.allSatisfy { $0.attempts == 1 })
        }
    }
}

/// A value tasks share, behind a lock.
final class Tally<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { value.withLock { body(&$0) } }
}
