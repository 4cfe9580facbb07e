import NIOCore
import NIOPosix
import Synchronization

/// The one place a Dailies process runs blocking or CPU-heavy work: passphrase and password
/// hashing, frame grabs, file hashing and fsync.
///
/// A fixed number of threads, started once, so the process's thread count stays bounded
/// whatever the load; no request starts a thread of its own. Work arrives through a
/// ``Lane``, which bounds how much of one kind may be queued or running at once: past that,
/// the work is refused at once (``CatalogError/Code/unavailable``, or the lane's own code)
/// with a `retryAfter`, rather than piling up behind the rest.
public final class BlockingPool: Sendable {
    private let threads: NIOThreadPool
    /// How many threads run work.
    public let threadCount: Int

    /// Starts a pool of `threads` threads.
    public init(threads: Int) {
        threadCount = max(1, threads)
        self.threads = NIOThreadPool(numberOfThreads: threadCount)
        self.threads.start()
    }

    /// The default size: one thread per core, at least two, at most eight.
    public static var defaultThreadCount: Int { min(8, max(2, System.coreCount)) }

    /// Stops the threads once the work queued has run.
    public func shutdown() async {
        try? await threads.shutdownGracefully()
    }

    /// A kind of work with its own bound on what may be queued or running at once.
    public final class Lane: Sendable {
        /// What the lane does, for messages ("frame grabs", "passphrase checks").
        public let name: String
        /// The most work of this lane queued or running at once.
        public let limit: Int
        private let pool: BlockingPool
        private let inFlight = Atomic<Int>(0)
        private let refusal: CatalogError.Code

        fileprivate init(name: String, limit: Int, refusal: CatalogError.Code, pool: BlockingPool) {
            self.name = name
            self.limit = max(1, limit)
            self.refusal = refusal
            self.pool = pool
        }

        /// Runs `work` on one of the pool's threads.
        ///
        /// - Throws: a ``CatalogError`` with the lane's refusal code and a `retryAfter` of one
        ///   second when `limit` pieces of work are already queued or running; otherwise
        ///   what `work` throws.
        public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
            let admitted = inFlight.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
            defer { inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing) }
            guard admitted <= limit else {
                throw CatalogError(refusal, "the server is busy with \(name); try again in a moment", retryAfter: 1)
            }
            return try await pool.threads.runIfActive(work)
        }

        /// Work of this lane queued or running now.
        public var load: Int { inFlight.load(ordering: .relaxed) }
    }

    /// A lane of this pool: at most `limit` pieces of its work queued or running at once;
    /// beyond it, work is refused with `refusal`.
    public func lane(_ name: String, limit: Int, refusal: CatalogError.Code = .unavailable) -> Lane {
        Lane(name: name, limit: limit, refusal: refusal, pool: self)
    }
}
