import Catalog
import Foundation
import MediaTestSupport
import Pipeline
import Testing

/// Workers on many machines, as processes on one: `dailies worker --database postgres://…`
/// processes share one queue and take each job exactly once. And where they must not share a
/// SQLite catalog: on a network mount.
@Suite("Workers sharing a PostgreSQL catalog", .enabled(if: TestCatalogs.postgresServer != nil, "needs the test PostgreSQL"))
struct ScaleOutProcessTests {
    @Test("8 worker processes claim 200 jobs: every job runs exactly once")
    func eightWorkersTwoHundredJobs() async throws {
        let server = try #require(TestCatalogs.postgresServer)
        let url = try await TestCatalogs.newDatabase(on: server)
        let directory = try TemporaryDirectory()
        let catalog = try await Catalog.open(.postgres(url: url))
        do {
            // 20 receivers (named: a webhook may not be a literal loopback address; the workers
            // may reach loopback, as a test allows), 10 events: 200 deliveries, queued before
            // any worker starts, so that all 8 race for them from the first claim.
            let receivers = try WebhookReceivers(Array(repeating: .answer(200), count: 20))
            for port in receivers.ports {
                _ = try await catalog.createWebhook(url: "http://localhost:\(port)/hook", events: [.transcodeStarted])
            }
            for number in 0..<10 { try await catalog.emit(.transcodeStarted, data: ["n": number]) }
            #expect(try await catalog.jobs(JobFilter(kind: .webhook), page: .all).total == 200)

            let workers = try (0..<8).map { _ in
                try WorkerProcess(dataDirectory: directory.path("data"), arguments: ["--database", url, "--test-webhook-loopback"])
            }
            let deadline = ContinuousClock.now + .seconds(180)
            var done = 0
            while ContinuousClock.now < deadline {
                done = try await catalog.jobs(JobFilter(state: .succeeded, kind: .webhook), page: .all).total
                if done == 200 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await catalog.liveWorkers().count == 8, "all eight took part in the race")
            for worker in workers { #expect(worker.stop() == 0) }
            #expect(done == 200)

            let jobs = try await catalog.jobs(JobFilter(kind: .webhook), page: .all).items
            #expect(jobs.allSatisfy { $0.state == .succeeded && $0.attempts == 1 }, "no job claimed twice, none retried")
            let requests = receivers.events().filter { $0.kind == "request" }
            let deliveries = requests.compactMap { $0.headers["x-dailies-delivery"] }
            #expect(deliveries.count == 200 && Set(deliveries) == Set(jobs.map(\.id.uuidString)), "each job ran exactly once")
            for index in receivers.ports.indices {
                #expect(receivers.requests(index).count == 10, "receiver \(index) got its 10 deliveries")
            }
        } catch {
            try? await catalog.close()
            throw error
        }
        try await catalog.close()
    }

    @Test("every command takes --database: the catalog is then PostgreSQL's, not the data directory's; bad or unreachable addresses are refused saying why")
    func databaseOption() async throws {
        let server = try #require(TestCatalogs.postgresServer)
        let url = try await TestCatalogs.newDatabase(on: server)
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        #expect(try dailies(["project", "add", "Feature", "--data-dir", data, "--database", url]).status == 0)
        let listed = try dailies(["project", "list", "--data-dir", data, "--database", url])
        #expect(listed.status == 0 && listed.standardOutputText.contains("Feature"), "\(listed.standardErrorText)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data/catalog.sqlite")), "no SQLite catalog was made")
        let embedded = try dailies(["project", "list", "--data-dir", data])
        #expect(embedded.status == 0 && !embedded.standardOutputText.contains("Feature"), "the embedded catalog is another")

        let bad = try dailies(["project", "list", "--data-dir", data, "--database", "mysql://db/dailies"])
        #expect(bad.status != 0 && bad.standardErrorText.contains("neither sqlite:PATH nor a postgres:// URL"), "\(bad.standardErrorText)")
        let nameless = try dailies(["project", "list", "--data-dir", data, "--database", "postgres://postgres@127.0.0.1"])
        #expect(nameless.status != 0 && nameless.standardErrorText.contains("names no database"), "\(nameless.standardErrorText)")
        // Port 1 on loopback: nothing listens there.
        let unreachable = try dailies(["project", "list", "--data-dir", data,
                                       "--database", "postgres://postgres:secret@127.0.0.1:1/dailies?sslmode=disable"])
        #expect(unreachable.status != 0 && unreachable.standardErrorText.contains("cannot be reached"), "\(unreachable.standardErrorText)")
        #expect(!unreachable.standardErrorText.contains("secret"), "the password is never printed")
    }

    @Test("network filesystems are told by their statfs magic; a local folder is not one")
    func networkFilesystems() throws {
        #expect(NetworkFilesystem.kind(magic: 0x6969) == .nfs)
        #expect(NetworkFilesystem.kind(magic: 0xFF53_4D42) == .smb && NetworkFilesystem.kind(magic: 0xFE53_4D42) == .smb)
        #expect(NetworkFilesystem.kind(magic: 0x6573_5546) == .fuse)
        #expect(NetworkFilesystem.kind(magic: 0xEF53) == nil, "ext4")
        #expect(NetworkFilesystem.kind(magic: 0x0102_1994) == nil, "tmpfs")
        let directory = try TemporaryDirectory()
        #expect(NetworkFilesystem.holding(directory.path("data/catalog.sqlite")) == nil, "a path not made yet: its folder's")
    }
}
