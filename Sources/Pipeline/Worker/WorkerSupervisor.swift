#if canImport(Glibc)
import Glibc
#endif
import Catalog
import Foundation
import Logging
import Synchronization

/// Keeps one worker process running beside the server: starts `dailies worker`, and when it
/// dies (a decoder crashing on a hostile file, an out-of-memory kill) records the death
/// against the jobs it held, so they are retried or, after their last attempt, failed with
/// the reason, and starts a new one after a short, growing pause.
public final class WorkerSupervisor: Sendable {
    private let executable: String
    private let dataDirectory: String
    private let concurrency: Int
    private let extraArguments: [String]
    private let catalog: Catalog
    private let logger: Logger
    private let stopping = ShutdownSignal()
    private let current = Mutex<Process?>(nil)

    /// - Parameter extraArguments: more arguments for each `dailies worker` (tests pass theirs here).
    public init(executable: String, dataDirectory: String, concurrency: Int = 1, catalog: Catalog,
                extraArguments: [String] = [], logger: Logger = Logger(label: "dailies.supervisor")) {
        self.extraArguments = extraArguments
        self.executable = executable
        self.dataDirectory = dataDirectory
        self.concurrency = concurrency
        self.catalog = catalog
        self.logger = logger
    }

    /// Runs workers until ``stop()``.
    public func run() async {
        var pause = 1
        while !stopping.isRaised {
            let id = "worker-\(UUID().uuidString.prefix(8).lowercased())"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["worker", "--data-dir", dataDirectory, "--worker-id", id, "--concurrency", String(concurrency),
                                 "--parent", String(getpid())] + extraArguments
            process.standardInput = FileHandle.nullDevice
            // The same catalog as the server's, through the environment: a PostgreSQL URL's
            // password stays out of the process list.
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = catalog.address.argument
            process.environment = environment
            let started = Date()
            // Told of the exit by Foundation, so no thread sits waiting for it.
            let (exits, exited) = AsyncStream<Void>.makeStream()
            process.terminationHandler = { _ in exited.finish() }
            do {
                try process.run()
            } catch {
                logger.error("cannot start a worker (\(executable)): \(error)")
                try? await Task.sleep(for: .seconds(pause))
                pause = min(30, pause * 2)
                continue
            }
            current.withLock { $0 = process }
            for await _ in exits {}
            current.withLock { $0 = nil }
            if stopping.isRaised { break }

            let reason = Self.describe(process)
            logger.error("worker \(id) \(reason); starting another")
            do {
                for job in try await catalog.failJobs(leasedBy: id, reason: "the worker \(reason) while running it") {
                    try await TranscodeRunner.recordEnd(of: job, catalog: catalog, reason: job.lastError ?? reason)
                }
                try await catalog.removeWorker(id: id)
            } catch {
                logger.error("cannot record the worker's death: \(error)")
            }
            // A worker that ran a good while gets restarted at once; one that keeps dying, slower and slower.
            pause = Date().timeIntervalSince(started) > 60 ? 1 : min(30, pause * 2)
            try? await Task.sleep(for: .seconds(pause))
        }
    }

    /// Stops the worker gracefully (SIGTERM: its jobs go back to the queue) and stops supervising.
    public func stop() {
        stopping.raise()
        current.withLock { process in
            if let process, process.isRunning { kill(process.processIdentifier, SIGTERM) }
        }
    }

    static func describe(_ process: Process) -> String {
        switch process.terminationReason {
        case .uncaughtSignal:
            let names: [Int32: String] = [SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGKILL: "SIGKILL", SIGBUS: "SIGBUS",
                                          SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGTERM: "SIGTERM"]
            let signal = process.terminationStatus
            return "crashed (signal \(signal)\(names[signal].map { ", \($0)" } ?? ""))"
        case .exit:
            return "exited with status \(process.terminationStatus)"
        @unknown default:
            return "stopped"
        }
    }
}

