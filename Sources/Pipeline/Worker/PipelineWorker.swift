import Catalog
import Foundation
import Logging
import Media

/// A worker: claims jobs from the catalog's queue and runs them, `concurrency` transcodes
/// at once, a lane of its own for frame receipts, one for reports, lanes for webhook deliveries (``WebhookConfiguration/concurrency``),
/// and with mail configured, a lane gathering notices into mails and one delivering them,
/// so a slow receiver never holds a transcode up, and, as the queue never gives out two
/// deliveries to one webhook at once, never holds other receivers up either.
///
/// `dailies worker` runs one; `dailies serve` supervises one in a child process, so that a
/// decoder crashing on a hostile file takes down only the worker. ``stop()`` is graceful:
/// no new claims, running transcodes stop and their jobs go back to the queue for another
/// worker (the attempt does not count).
public final class PipelineWorker: Sendable {
    public struct Configuration: Sendable {
        /// The worker's name in leases and the worker list; unique per process.
        public var id: String
        public var concurrency: Int
        /// How long a claim holds without a heartbeat; a dead worker's jobs are claimed again after it.
        public var lease: Duration
        public var heartbeatInterval: Duration
        /// How long an idle lane waits before asking the queue again, unless the catalog's job
        /// bell rings first. On PostgreSQL it rings for every process's new jobs, so the wait
        /// is only the fallback that finds retries whose backoff ran out and lost leases:
        /// at least ``idlePollWithAnnouncements``.
        public var idlePoll: Duration
        /// The least wait of an idle lane on a catalog that announces new jobs (PostgreSQL).
        public static let idlePollWithAnnouncements: Duration = .seconds(5)
        /// How webhooks are delivered.
        public var webhooks: WebhookConfiguration
        /// How mail is delivered; `nil`: this worker runs no notify or mail jobs.
        public var mail: (any MailDelivery)?
        /// The kinds of job this worker runs (all, by default; a test may want only mail).
        public var kinds: Set<Job.Kind> = Set(Job.Kind.allCases)
        /// For tests only: abort the process, as a decoder crashing on a poison file would,
        /// when a transcode's original has this in its file name. `nil` (always, outside
        /// tests) never crashes.
        public var crashOnFileNameContaining: String?

        public init(id: String = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
                    concurrency: Int = 1, lease: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(3),
                    idlePoll: Duration = .milliseconds(500), webhooks: WebhookConfiguration = WebhookConfiguration()) {
            self.id = id
            self.concurrency = max(1, concurrency)
            self.lease = lease
            self.heartbeatInterval = heartbeatInterval
            self.idlePoll = idlePoll
            self.webhooks = webhooks
        }

        /// A delivery sends no heartbeats, so its lease must outlast the longest delivery,
        /// whatever the transcode lease; otherwise another slot would claim it again mid-flight.
        var webhookLease: Duration { max(lease, webhooks.answerTimeout + .seconds(20)) }

        /// A delivery sends no heartbeats either: its lease outlasts an SMTP conversation's
        /// timeouts (connect, then each reply, 30 s apiece).
        var mailLease: Duration { max(lease, .seconds(300)) }
    }

    public let configuration: Configuration
    private let catalog: Catalog
    private let store: any BlobStore
    private let logger: Logger
    private let stopping = ShutdownSignal()

    public init(catalog: Catalog, store: any BlobStore, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "dailies.worker")) {
        self.catalog = catalog
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Asks the worker to stop; ``run()`` returns once running jobs have stopped.
    public func stop() {
        stopping.raise()
        // Idle lanes wake at once to see it.
        catalog.jobBell.ring()
    }

    /// Runs until ``stop()``.
    public func run() async throws {
        let host = ProcessInfo.processInfo.hostName
        try await catalog.registerWorker(id: configuration.id, host: host, pid: Int(ProcessInfo.processInfo.processIdentifier),
                                         concurrency: configuration.concurrency)
        logger.info("""
            worker \(configuration.id) started with \(configuration.concurrency) transcode lane(s) \
            and \(configuration.webhooks.concurrency) webhook lane(s)
            """)
        if configuration.webhooks.allowLoopbackForTests {
            logger.warning("webhook deliveries may reach loopback addresses: a test configuration")
        }
        // Transcodes block a thread each for their whole length: threads of their own, one per lane.
        let transcodeThreads = BlockingPool(threads: configuration.concurrency)
        let runner = TranscodeRunner(
            catalog: catalog, store: store, owner: configuration.id, lease: configuration.lease,
            heartbeatInterval: configuration.heartbeatInterval, logger: logger, shutdown: stopping,
            threads: transcodeThreads.lane("transcodes", limit: configuration.concurrency),
            crashOnFileNameContaining: configuration.crashOnFileNameContaining)
        // Receipts are quick grabs: a lane of their own, so they never wait behind a long transcode.
        let receiptThreads = BlockingPool(threads: 1)
        let receipts = ReceiptGrab(catalog: catalog, store: store, owner: configuration.id, grabbers: FrameGrabberPool(capacity: 4),
                                   threads: receiptThreads.lane("frame receipts", limit: 4), logger: logger)
        // Reports draw and grab on a thread of their own, beside the transcodes.
        let reportThreads = BlockingPool(threads: 1)
        let reports = ReportRunner(catalog: catalog, store: store, owner: configuration.id, lease: configuration.lease,
                                   heartbeatInterval: configuration.heartbeatInterval, grabbers: FrameGrabberPool(capacity: 4),
                                   threads: reportThreads.lane("reports", limit: 1), logger: logger)
        let delivery = WebhookDelivery(catalog: catalog, owner: configuration.id, configuration: configuration.webhooks,
                                       logger: logger)
        let kinds = configuration.kinds
        await withTaskGroup(of: Void.self) { group in
            if kinds.contains(.transcode) {
                for _ in 0..<configuration.concurrency {
                    group.addTask { await self.lane(kinds: [.transcode], lease: self.configuration.lease) { await runner.run($0) } }
                }
            }
            if kinds.contains(.receipt) {
                group.addTask { await self.lane(kinds: [.receipt], lease: self.configuration.lease) { await receipts.run($0) } }
            }
            if kinds.contains(.report) {
                group.addTask { await self.lane(kinds: [.report], lease: self.configuration.lease) { await reports.run($0) } }
            }
            if kinds.contains(.webhook) {
                for _ in 0..<configuration.webhooks.concurrency {
                    group.addTask {
                        await self.lane(kinds: [.webhook], lease: self.configuration.webhookLease) { await delivery.run($0) }
                    }
                }
            }
            // Mail: one lane gathers notices into mails, one delivers them (in order, one at a time).
            if let mail = configuration.mail {
                let notify = NotifyRunner(catalog: catalog, store: store, owner: configuration.id, logger: logger)
                let sender = MailRunner(catalog: catalog, delivery: mail, owner: configuration.id, logger: logger)
                if kinds.contains(.notify) {
                    group.addTask { await self.lane(kinds: [.notify], lease: self.configuration.lease) { await notify.run($0) } }
                }
                if kinds.contains(.mail) {
                    group.addTask { await self.lane(kinds: [.mail], lease: self.configuration.mailLease) { await sender.run($0) } }
                }
            }
            group.addTask {
                // Every 5 s, in short naps so that a stop is noticed at once.
                var last = ContinuousClock.now
                while !self.stopping.isRaised {
                    try? await Task.sleep(for: .milliseconds(100))
                    if ContinuousClock.now - last >= .seconds(5) {
                        last = ContinuousClock.now
                        try? await self.catalog.workerHeartbeat(id: self.configuration.id)
                    }
                }
            }
        }
        await transcodeThreads.shutdown()
        await receiptThreads.shutdown()
        await reportThreads.shutdown()
        try? await catalog.removeWorker(id: configuration.id)
        logger.info("worker \(configuration.id) stopped")
    }

    /// How long an idle lane waits for the job bell before asking the queue again.
    private var idleWait: Duration {
        catalog.hearsOtherProcesses ? max(configuration.idlePoll, Configuration.idlePollWithAnnouncements) : configuration.idlePoll
    }

    /// Claims and runs jobs of `kinds` one after another until the worker stops.
    private func lane(kinds: [Job.Kind], lease: Duration, _ body: (Job) async -> Void) async {
        while !stopping.isRaised {
            let job: Job?
            do {
                job = try await catalog.claimJob(kinds: kinds, owner: configuration.id, lease: lease)
            } catch {
                logger.error("cannot claim a job: \(error)")
                job = nil
            }
            if let job {
                await body(job)
            } else {
                await catalog.jobBell.wait(upTo: idleWait)
            }
        }
    }
}
