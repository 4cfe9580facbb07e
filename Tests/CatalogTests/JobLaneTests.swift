import Foundation
import SQLKit
import Testing

@testable import Catalog

/// Fair claiming: by next-attempt time, and one running job per lane (one webhook's
/// deliveries), so a receiver that never answers cannot take every delivery slot, and its
/// retries cannot jump ahead of other receivers' first attempts.
@Suite("Job lanes")
struct JobLaneTests {
    private func claim(_ catalog: Catalog, _ owner: String = "w") async throws -> Job? {
        try await catalog.claimJob(kinds: [.webhook], owner: owner, lease: .seconds(600))
    }

    private func webhookID(of job: Job?) throws -> UUID? {
        try job?.decodePayload(WebhookJob.self).webhookID
    }

    @Test("one delivery per webhook at a time: a receiver that hangs holds one slot, others' deliveries pass its queue")
    func oneRunningPerLane() async throws {
        try await withCatalog { catalog in
            let first = try await catalog.createWebhook(url: "https://one.studio.example/hook", events: [.transcodeStarted])
            let second = try await catalog.createWebhook(url: "https://two.studio.example/hook", events: [.transcodeStarted])
            for number in 0..<3 { try await catalog.emit(.transcodeStarted, data: ["n": number]) }

            // Two slots take one delivery of each webhook; a third finds nothing it may start.
            let stuck = try #require(try await claim(catalog, "slot-1"))
            let moving = try #require(try await claim(catalog, "slot-2"))
            let stuckHook = try #require(try webhookID(of: stuck))
            let movingHook = try #require(try webhookID(of: moving))
            #expect(Set([stuckHook, movingHook]) == Set([first.id, second.id]))
            #expect(try await claim(catalog, "slot-3") == nil, "each webhook has a delivery in flight: nothing else may start")

            // While the first receiver hangs, the other's deliveries go through one after another,
            // ahead of the hanging one's older deliveries.
            var next: Job? = moving
            var delivered = 0
            while let job = next {
                #expect(try webhookID(of: job) != stuckHook)
                #expect(try await catalog.completeJob(jobID: job.id, owner: "slot-2"))
                delivered += 1
                next = try await claim(catalog, "slot-2")
            }
            #expect(delivered == 3, "the healthy receiver got all three while the first delivery to the other still hangs")

            // The dead worker's lease runs out: its delivery is claimed again, still one at a time.
            try await catalog.database.write { db in
                try await db.update("jobs").set("lease_expires_at", to: SQLBind(Int64(0))).where("id", .equal, stuck.id.bind).run()
            }
            let rescued = try await claim(catalog, "slot-4")
            #expect(rescued?.id == stuck.id && rescued?.attempts == 2)
            #expect(try await claim(catalog, "slot-5") == nil)
        }
    }

    @Test("jobs without a lane are not held back by one another")
    func unlanedJobs() async throws {
        try await withCatalog { catalog in
            let payload = WebhookJob(webhookID: UUID(), event: "transcode.started", body: "{}")
            _ = try await catalog.enqueue(.webhook, payload: payload)
            _ = try await catalog.enqueue(.webhook, payload: payload)
            #expect(try await claim(catalog) != nil)
            #expect(try await claim(catalog) != nil)
        }
    }

    @Test("claims go by next-attempt time, then age: a retry waits behind work that arrived during its backoff")
    func retriesOrderedByRunAfter() async throws {
        try await withCatalog { catalog in
            let failing = try await catalog.enqueue(.webhook, payload: WebhookJob(webhookID: UUID(), event: "a", body: "{}"),
                                                    laneKey: "webhook:failing")
            #expect(try await claim(catalog)?.id == failing.id)
            let retry = try #require(try await catalog.failJob(jobID: failing.id, owner: "w", error: "HTTP 500"))
            #expect(retry.state == .queued && retry.runAfter > retry.createdAt)
            // A backoff of 10 minutes instead of 2 s (moved in the catalog): the next delivery
            // arrives during it however slow the machine.
            try await catalog.database.write { db in
                try await db.update("jobs")
                    .set("run_after", to: SQLBinaryExpression(SQLColumn("run_after"), .add, SQLLiteral.numeric("600000")))
                    .where("id", .equal, failing.id.bind).run()
            }
            let backingOff = try await catalog.job(id: failing.id)

            // Another receiver's first delivery arrives during the backoff.
            let fresh = try await catalog.enqueue(.webhook, payload: WebhookJob(webhookID: UUID(), event: "b", body: "{}"),
                                                  laneKey: "webhook:other")
            #expect(fresh.runAfter < backingOff.runAfter && fresh.createdAt >= failing.createdAt)
            // Time passes beyond both (moved in the catalog, not slept through).
            try await catalog.database.write { db in
                try await db.update("jobs")
                    .set("run_after", to: SQLBinaryExpression(SQLColumn("run_after"), .subtract, SQLLiteral.numeric("1200000")))
                    .run()
            }
            #expect(try await claim(catalog)?.id == fresh.id, "the first attempt goes before the older job's retry")
            #expect(try await claim(catalog)?.id == failing.id)
        }
    }
}
