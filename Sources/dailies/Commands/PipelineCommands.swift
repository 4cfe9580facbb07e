import ArgumentParser
import Catalog
import Foundation
import FrameTime
import Logging
import Media
import Pipeline

#if canImport(Glibc)
import Glibc
#endif

/// `dailies worker`: claims jobs from the data directory's queue and runs them.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run queued transcodes, frame receipts, webhook deliveries and mail (dailies serve starts one of these itself).",
        discussion: """
            Any number of workers may run against one data directory. SIGTERM or Ctrl-C stops a \
            worker gracefully: it takes no new jobs, and gives the running ones back to the queue. \
            Workers on other machines point at the same PostgreSQL catalog (--database) and the same \
            data directory on a shared mount (--data-dir); a SQLite catalog on a network filesystem \
            (NFS, SMB/CIFS, FUSE) is refused.
            """)

    @OptionGroup var data: DataDirectoryOptions

    @OptionGroup var mail: MailOptions

    @Option(help: "Transcodes to run at once.")
    var concurrency = 1

    @Option(help: ArgumentHelp("This worker's name in leases (set by dailies serve).", visibility: .hidden))
    var workerID: String?

    @Option(help: ArgumentHelp("Seconds a claimed job stays this worker's without a heartbeat.", visibility: .hidden))
    var leaseSeconds = 30

    @Option(help: ArgumentHelp("The supervising server's process id (set by dailies serve): stop when it is gone.",
                               visibility: .hidden))
    var parent: Int32?

    @Option(help: ArgumentHelp("For tests only: crash like a decoder would on originals whose name contains this.",
                               visibility: .private))
    var testCrashOn: String?

    @Flag(help: ArgumentHelp("For tests only: webhook deliveries may reach loopback, where the tests' receivers listen.",
                             visibility: .private))
    var testWebhookLoopback = false

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 64") }
    }

    func run() async throws {
        Libav.setLogLevel(.quiet)
        if case .sqlite(let path) = try data.catalogAddress(), let network = NetworkFilesystem.holding(path) {
            throw ValidationError("""
                the catalog \(path) is on \(network.rawValue): SQLite's locks do not hold between the machines \
                that share a network mount, so workers on other hosts would corrupt it. Keep the data directory \
                there, and put the catalog on PostgreSQL: --database postgres://USER@HOST/DATABASE (or DATABASE_URL) \
                for every server and worker; 'dailies catalog copy' moves an existing catalog.
                """)
        }
        try await withCatalog(data) { catalog in
            var logger = Logger(label: "dailies.worker")
            logger.logLevel = .info
            var configuration = PipelineWorker.Configuration(
                concurrency: concurrency, lease: .seconds(leaseSeconds),
                heartbeatInterval: .milliseconds(max(200, leaseSeconds * 1000 / 10)))
            if let workerID { configuration.id = workerID }
            configuration.crashOnFileNameContaining = testCrashOn
            configuration.webhooks.allowLoopbackForTests = testWebhookLoopback
            configuration.mail = try mail.settings.delivery(dataDirectory: data.dataDirectory)
            let worker = PipelineWorker(catalog: catalog, store: try LocalBlobStore(dataDirectory: data.dataDirectory),
                                        configuration: configuration, logger: logger)
            let interrupts = InterruptHandler { worker.stop() }
            defer { withExtendedLifetime(interrupts) {} }
            // A server killed outright (SIGKILL, the OOM killer) cannot stop its worker: the
            // worker notices it has been orphaned and stops itself, giving its jobs back.
            let orphanWatch = parent.map { [logger] parent in
                Task {
                    while !Task.isCancelled {
                        if getppid() != parent {
                            logger.warning("the server supervising this worker is gone; stopping")
                            worker.stop()
                            return
                        }
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                }
            }
            defer { orphanWatch?.cancel() }
            try await worker.run()
        }
    }
}

/// `dailies ingest`: originals from disk into a project.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add movies, stills or image sequences from disk to a project as new versions, and queue their transcodes.",
        discussion: """
            Each PATH becomes a version named after its file (or --name, with one PATH). An image \
            sequence is given by one of its files (shot.1001.exr) or a pattern (shot.%04d.exr, \
            shot.####.exr, shot.1001-1100#.exr). It runs from its first file number to its last \
            (or --range): a missing number keeps its frame, filled as --gap-fill or the project's \
            default says. A sequence whose gaps outnumber its files is refused unless \
            --allow-gaps. Originals are copied into the data directory byte for byte. \
            --display-transform gives the versions a display transform of their own, whatever \
            their media says of itself (a log plate that says it is linear).
            """)

    @OptionGroup var data: DataDirectoryOptions

    @Argument(help: "The files to ingest.", completion: .file())
    var paths: [String]

    @Option(help: "The project's name or id.")
    var project: String

    @Option(help: "The version's name (only with one path).")
    var name: String?

    @Option(help: "The task the versions are made for, by name (created in the project when it has none).")
    var task: String?

    @OptionGroup var sequence: SequenceFlags

    @Option(help: ArgumentHelp(
        "The versions' display transform, whatever their media says: none, srgb, cineon, pq or hlg. Default: what the media says.",
        valueName: "transform"))
    var displayTransform: DisplayTransform?

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one path") }
        guard name == nil || paths.count == 1 else { throw ValidationError("--name goes with a single path") }
    }

    func run() async throws {
        Libav.setLogLevel(.quiet)
        try await withCatalog(data) { catalog in
            let project = try await resolveProject(project, catalog)
            let ingest = Ingest(catalog: catalog, store: try LocalBlobStore(dataDirectory: data.dataDirectory))
            var failures = 0
            for path in paths {
                do {
                    let choices = Ingest.SequenceChoices(range: sequence.options().range, gapFill: sequence.gapFill,
                                                         allowGaps: sequence.allowGaps)
                    let result = try await ingest.ingest(path: path, projectID: project.id, name: name, task: task,
                                                         sequence: choices, displayTransform: displayTransform)
                    print("\(path): version \(result.version.name) (\(result.version.id)), job \(result.job.id) queued")
                } catch let error as MediaError {
                    printError("dailies: \(error.code): \(error.description)")
                    failures += 1
                }
            }
            if failures > 0 { throw ExitCode(65) }
        }
    }
}

/// `dailies reprocess`: every version of a project through the transcoder again.
struct ReprocessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprocess",
        abstract: "Transcode a project's versions again, showing progress until all are done.",
        discussion: """
            Versions whose outputs for the profile are up to date (made from their current \
            original) are skipped, so an interrupted reprocess can simply be run again. The jobs \
            run on the workers: those of a running 'dailies serve' or of 'dailies worker'.
            """)

    @OptionGroup var data: DataDirectoryOptions

    @Option(help: "The project's name or id.")
    var project: String

    @Option(help: "The proxy profile.")
    var profile = ProxyProfile.review1080.name

    @Flag(help: "Only versions whose media failed.")
    var onlyFailed = false

    @Flag(help: "Queue the jobs and return without waiting.")
    var noWait = false

    func validate() throws {
        guard ProxyProfile.named(profile) != nil else {
            throw ValidationError("unknown profile '\(profile)'; choose one of \(ProxyProfile.builtIn.map(\.name).joined(separator: ", "))")
        }
    }

    func run() async throws {
        try await withCatalog(data) { catalog in
            let project = try await resolveProject(project, catalog)
            let plan = try await catalog.reprocessPlan(projectID: project.id, profile: profile, onlyFailed: onlyFailed,
                                                    pipelineVersion: Transcoder.pipelineVersion)
            print("\(project.name): \(plan.toProcess.count) to process, \(plan.upToDate.count) up to date, "
                  + "\(plan.withoutMedia.count) without media")
            guard !plan.toProcess.isEmpty else { return }
            let (batchID, _) = try await catalog.enqueueReprocess(projectID: project.id, versionIDs: plan.toProcess, profile: profile)
            print("batch \(batchID)")
            guard !noWait else { return }
            let summary = try await watch(batchID, catalog: catalog)
            print("done: \(summary.succeeded) succeeded, \(summary.failed) failed, \(summary.cancelled) cancelled of \(summary.total)")
            if summary.failed > 0 {
                let failed = try await catalog.jobs(JobFilter(state: .failed, batchID: batchID), page: .all).items
                for job in failed {
                    let version = (try? job.decodePayload(TranscodeJob.self)).map(\.versionID)
                    print("  failed: version \(version?.uuidString ?? "?"): \(job.lastError ?? "unknown reason")")
                }
                throw ExitCode(1)
            }
        }
    }

    /// Polls the batch, drawing a progress bar, until no job of it is active.
    private func watch(_ batchID: UUID, catalog: Catalog) async throws -> Catalog.BatchSummary {
        let bar = BatchProgressBar()
        let started = ContinuousClock.now
        var warnedNoWorker = false
        while true {
            let summary = try await catalog.batchSummary(id: batchID)
            bar.draw(summary, elapsed: ContinuousClock.now - started)
            if summary.active == 0 {
                bar.finish()
                return summary
            }
            if !warnedNoWorker, ContinuousClock.now - started > .seconds(10), try await catalog.liveWorkers().isEmpty {
                bar.finish()
                printError("no worker is running: start 'dailies serve' or 'dailies worker' to process the batch")
                warnedNoWorker = true
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// Versions done of a batch, with failures and time left, on one line of standard error
/// (a line per change when standard error is not a terminal).
final class BatchProgressBar {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var last = ""

    func draw(_ summary: Catalog.BatchSummary, elapsed: Duration) {
        let done = summary.total - summary.active
        let seconds = Double(elapsed.components.seconds)
        let eta = done > 0 ? Int(seconds / Double(done) * Double(summary.active)) : 0
        let width = 30
        let filled = summary.total > 0 ? width * done / summary.total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\(bar) \(done)/\(summary.total) versions, \(summary.failed) failed, ETA \(eta / 60):\(String(format: "%02d", eta % 60))"
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        } else if line.prefix(while: { $0 != "E" }) != last.prefix(while: { $0 != "E" }) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        last = line
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
