import Foundation
import SQLKit

/// What a worker's heartbeat learns.
public enum LeaseStatus: Sendable, Hashable {
    /// Carry on.
    case held
    /// Staff asked to cancel: stop, and report the job cancelled.
    case cancelRequested
    /// The lease is gone (it expired and another worker took the job): stop, write nothing.
    case lost
}

/// The project and version a job works for, kept on its row so staff can filter by them.
typealias JobScope = (project: UUID?, version: UUID?)

/// Which jobs to list.
public struct JobFilter: Sendable, Hashable {
    public var state: Job.State?
    public var kind: Job.Kind?
    public var batchID: UUID?
    /// Only jobs working for this project (a version's transcode; a session's report,
    /// notification or receipt) or this version.
    public var projectID: UUID?
    public var versionID: UUID?

    public init(state: Job.State? = nil, kind: Job.Kind? = nil, batchID: UUID? = nil, projectID: UUID? = nil,
                versionID: UUID? = nil) {
        self.state = state
        self.kind = kind
        self.batchID = batchID
        self.projectID = projectID
        self.versionID = versionID
    }
}

/// The job queue. A job moves from state to state by narrow updates of the columns each
/// step owns (a heartbeat writes the lease and the progress, a cancel `cancel_requested`),
/// never by writing back a whole row read before: workers and staff change one job at once,
/// and once claims on PostgreSQL skip locked rows instead of waiting for one writer, a whole
/// row written back would undo the other's change.
extension Catalog {
    /// Puts a job on the queue; with an `idempotencyKey`, an active job of the same key is
    /// returned instead of a second one. Jobs with the same `laneKey` run one at a time (see
    /// ``claimJob(kinds:owner:lease:)``).
    public func enqueue(_ kind: Job.Kind, payload: some Encodable, idempotencyKey: String? = nil, maxAttempts: Int = 3,
                        batchID: UUID? = nil, laneKey: String? = nil) async throws -> Job {
        let text = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        return try await database.write { db in
            try await self.enqueue(kind, payload: text, idempotencyKey: idempotencyKey, maxAttempts: maxAttempts,
                                   batchID: batchID, laneKey: laneKey, db)
        }
    }

    /// - Parameters:
    ///   - runAfter: not to be claimed before then (a mail batch's window); now when `nil`.
    ///   - scope: the project and version the job works for, when its payload names neither
    ///     yet (a report's row comes after its job); by default, ``jobScope(payload:_:)``.
    func enqueue(_ kind: Job.Kind, payload: String, idempotencyKey: String?, maxAttempts: Int, batchID: UUID?,
                 laneKey: String? = nil, runAfter: Timestamp? = nil, scope: JobScope? = nil,
                 _ db: any SQLDatabase) async throws -> Job {
        if let idempotencyKey, let existing = try await db.select(JobRow.self)
            .where("idempotency_key", .equal, SQLBind(idempotencyKey))
            .where("state", .in, [Job.State.queued.rawValue, Job.State.running.rawValue]).first(JobRow.self)
        {
            return Job(existing)
        }
        let created = StoredTime(now)
        var scope = scope
        if scope == nil { scope = try await jobScope(payload: payload, db) }
        let row = JobRow(id: UUID(), kind: kind, payload: payload, state: .queued, attempts: 0, maxAttempts: max(1, maxAttempts),
                         leaseOwner: nil, leaseExpiresAt: nil, heartbeatAt: nil, progressDone: 0, progressTotal: 0, lastError: nil,
                         runAfter: runAfter.map(StoredTime.init) ?? created, cancelRequested: false, idempotencyKey: idempotencyKey,
                         batchId: batchID,
                         createdAt: created, startedAt: nil, finishedAt: nil, updatedAt: created, laneKey: laneKey,
                         projectId: scope?.project, versionId: scope?.version)
        try await db.insert(row)
        announceJobs()
        return Job(row)
    }

    /// The project and version a job's payload works for, by the first id it names: a
    /// version (a transcode), a session (a notification), a comment (a receipt). A mail or a
    /// webhook delivery names none of these and belongs to no project.
    func jobScope(payload: String, _ db: any SQLDatabase) async throws -> JobScope {
        guard let fields = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else { return (nil, nil) }
        func id(_ key: String) -> UUID? { (fields[key] as? String).flatMap(UUID.init(uuidString:)) }
        func column(_ name: String, of table: String, id: UUID) async throws -> UUID? {
            try await db.select().column(name).from(table).where("id", .equal, id.bind).first()?
                .decode(column: name, as: UUID?.self)
        }
        if let version = id("version_id") {
            return (try await column("project_id", of: "versions", id: version), version)
        }
        var session = id("session_id")
        var version: UUID? = nil
        if let comment = id("comment_id"), let item = try await column("item_id", of: "comments", id: comment),
            let row = try await db.select().columns("session_id", "version_id").from("session_items")
                .where("id", .equal, item.bind).first()
        {
            session = try row.decode(column: "session_id", as: UUID.self)
            version = try row.decode(column: "version_id", as: UUID.self)
        }
        guard let session else { return (nil, nil) }
        return (try await column("project_id", of: "review_sessions", id: session), version)
    }

    /// Tells idle workers, here and (on PostgreSQL) in every process, to look for work once
    /// the current write commits: a job was queued, or one finished and freed its lane.
    func announceJobs() {
        Announcement.jobs.announce()
        AfterCommit.run { [jobBell] in jobBell.ring() }
    }

    /// Claims the next runnable job of `kinds` for `owner`: a queued job whose backoff has
    /// passed, or a running one whose lease ran out (its worker died). Atomic: two workers
    /// never claim the same job.
    ///
    /// Jobs come in order of when they may next run (`run_after`), then age: a retry waits its
    /// backoff behind work that came in meanwhile instead of jumping ahead by age. A job
    /// whose lane (``enqueue(_:payload:idempotencyKey:maxAttempts:batchID:laneKey:)``) already
    /// has a job running under a live lease is passed over, so one receiver that never answers
    /// holds one delivery slot however many deliveries wait for it.
    ///
    /// On PostgreSQL, claims do not queue behind the catalog's write lock: each locks the one
    /// row it takes (`FOR UPDATE SKIP LOCKED`), so workers on many machines claim side by
    /// side, and a lane is made one at a time by an advisory lock on its key.
    public func claimJob(kinds: [Job.Kind], owner: String, lease: Duration) async throws -> Job? {
        let dialect = database.dialect
        // A look first, in a read: idle lanes ask often, and on SQLite a claim takes the one
        // write lock (a process stopped while holding it stops every writer). The claim below
        // looks again.
        let available = try await database.read { db in
            try await Self.runnableJob(kinds: kinds, now: self.now, locking: false, db).first(JobRow.self) != nil
        }
        guard available else { return nil }
        return try await database.claim { db in
            let now = self.now
            let runnable = Self.runnableJob(kinds: kinds, now: now, locking: dialect.locksRows, db)
            guard let row = try await runnable.first(JobRow.self) else { return nil }
            if dialect.locksRows, let lane = row.laneKey {
                // Held until this claim commits: a second claim in the lane waits here, then
                // sees this one's job running.
                try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: lane)))").run()
                let busy = try await db.count(JobRow.table) { $0
                    .where("lane_key", .equal, SQLBind(lane)).where("state", .equal, SQLBind(Job.State.running.rawValue))
                    .where("lease_expires_at", .greaterThanOrEqual, now.bind).where("id", .notEqual, row.id.bind)
                }
                if busy > 0 { return nil }
            }
            var job = Job(row)
            if job.state == .running && job.attempts >= job.maxAttempts {
                if dialect.locksRows {
                    // This changes more than the job's row (its version's media): as every
                    // other such write, under the catalog's write lock.
                    try await db.raw("SELECT pg_advisory_xact_lock(\(literal: CatalogDialect.writeLock))").run()
                }
                // Its worker died on the last attempt: that was the end of it, and of its version's media.
                let reason = "its worker stopped answering on the last attempt"
                try await self.finish(job.id, state: .failed, error: reason, db)
                if job.kind == .transcode, let payload = try? job.decodePayload(TranscodeJob.self) {
                    try await self.setMediaState(versionID: payload.versionID, .failed, error: reason, db)
                }
                return nil
            }
            job.state = .running
            job.attempts += 1
            job.leaseOwner = owner
            job.leaseExpiresAt = now.addingTimeInterval(lease.seconds)
            job.heartbeatAt = now
            job.startedAt = job.startedAt ?? now
            job.updatedAt = now
            try await db.update("jobs").set("state", to: SQLBind(job.state.rawValue)).set("attempts", to: SQLBind(job.attempts))
                .set("lease_owner", to: SQLBind(owner)).set("lease_expires_at", to: job.leaseExpiresAt.bind)
                .set("heartbeat_at", to: now.bind).set("started_at", to: job.startedAt.bind).set("updated_at", to: now.bind)
                .where("id", .equal, job.id.bind).run()
            return job
        }
    }

    /// The next job of `kinds` to run: queued and past its backoff, or running under a lease
    /// that ran out; of a lane with no job running under a live lease. `locking` takes its row
    /// (PostgreSQL's `FOR UPDATE SKIP LOCKED`).
    private static func runnableJob(kinds: [Job.Kind], now: Timestamp, locking: Bool, _ db: any SQLDatabase)
        -> SQLSelectBuilder
    {
        // Queued and past its backoff, or running under a lease that ran out.
        let queued = SQLBinaryExpression(
            SQLBinaryExpression(SQLColumn("state"), .equal, SQLBind(Job.State.queued.rawValue)), .and,
            SQLBinaryExpression(SQLColumn("run_after"), .lessThanOrEqual, now.bind))
        let abandoned = SQLBinaryExpression(
            SQLBinaryExpression(SQLColumn("state"), .equal, SQLBind(Job.State.running.rawValue)), .and,
            SQLBinaryExpression(SQLColumn("lease_expires_at"), .lessThan, now.bind))
        // No job of the same lane running under a live lease. SQLite's single writer makes
        // this check and the claim below one step; on PostgreSQL two claims could pass it
        // together, so it is made again below under the lane's lock.
        let laneBusy = SQLSubquery.select { $0
            .column(SQLLiteral.numeric("1"))
            .from(SQLAlias(SQLIdentifier("jobs"), as: SQLIdentifier("busy")))
            .where(SQLColumn("lane_key", table: "busy"), .equal, SQLColumn("lane_key", table: "jobs"))
            .where(SQLColumn("state", table: "busy"), .equal, SQLBind(Job.State.running.rawValue))
            .where(SQLColumn("lease_expires_at", table: "busy"), .greaterThanOrEqual, now.bind)
        }
        let laneFree: SQLQueryString = "(\(ident: "lane_key") IS NULL OR NOT EXISTS \(laneBusy))"
        let runnable = db.select(JobRow.self).where("kind", isIn: kinds.map(\.rawValue))
            .where(SQLGroupExpression(SQLBinaryExpression(queued, .or, abandoned)))
            .where(laneFree)
            .orderBy("run_after").orderBy("created_at").orderBy("id").limit(1)
        if locking {
            runnable.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED"))
        }
        return runnable
    }

    /// Keeps `owner`'s lease on a job alive and records its progress.
    public func heartbeat(jobID: UUID, owner: String, lease: Duration, progressDone: Int, progressTotal: Int)
        async throws -> LeaseStatus
    {
        try await database.write { db in
            guard let job = try await self.ownedJob(jobID, owner: owner, db) else { return .lost }
            let now = self.now
            try await db.update("jobs").set("lease_expires_at", to: now.addingTimeInterval(lease.seconds).bind)
                .set("heartbeat_at", to: now.bind).set("progress_done", to: SQLBind(progressDone))
                .set("progress_total", to: SQLBind(progressTotal)).set("updated_at", to: now.bind)
                .where("id", .equal, jobID.bind).run()
            return job.cancelRequested ? .cancelRequested : .held
        }
    }

    /// Marks `owner`'s job done. Returns false (and changes nothing) when the lease was lost.
    @discardableResult
    public func completeJob(jobID: UUID, owner: String) async throws -> Bool {
        try await database.write { db in try await self.completeOwnedJob(jobID, owner: owner, db) }
    }

    func completeOwnedJob(_ jobID: UUID, owner: String, _ db: any SQLDatabase) async throws -> Bool {
        guard try await ownedJob(jobID, owner: owner, db) != nil else { return false }
        try await finish(jobID, state: .succeeded, error: nil, db)
        return true
    }

    /// Records a failed run. While attempts remain (and `retryable`), the job is queued again
    /// after a growing delay (2, 4, 8… seconds, at most 5 minutes); otherwise it is `failed`.
    /// Returns the job as it now stands, or `nil` when the lease was lost.
    @discardableResult
    public func failJob(jobID: UUID, owner: String?, error: String, retryable: Bool = true) async throws -> Job? {
        try await database.write { db in
            let job: Job
            if let owner {
                guard let owned = try await self.ownedJob(jobID, owner: owner, db) else { return nil }
                job = owned
            } else {
                job = try await self.job(id: jobID, db)
            }
            if retryable && job.attempts < job.maxAttempts && !job.cancelRequested {
                let delay = min(300, 1 << min(job.attempts, 8))
                try await db.update("jobs").set("state", to: SQLBind(Job.State.queued.rawValue))
                    .set("lease_owner", to: SQLBind(String?.none)).set("lease_expires_at", to: SQLBind(Int64?.none))
                    .set("last_error", to: SQLBind(error)).set("run_after", to: self.now.addingTimeInterval(TimeInterval(delay)).bind)
                    .set("updated_at", to: self.now.bind).where("id", .equal, jobID.bind).run()
            } else {
                try await self.finish(jobID, state: job.cancelRequested ? .cancelled : .failed, error: error, db)
            }
            return try await self.job(id: jobID, db)
        }
    }

    /// Gives a job back to the queue without counting the run (a worker shutting down), to
    /// be claimed again at once, or not before `after` (a job waiting for something).
    public func releaseJob(jobID: UUID, owner: String, after: Duration? = nil) async throws {
        try await database.write { db in
            guard let job = try await self.ownedJob(jobID, owner: owner, db) else { return }
            let update = db.update("jobs").set("state", to: SQLBind(Job.State.queued.rawValue))
                .set("attempts", to: SQLBind(max(0, job.attempts - 1))).set("lease_owner", to: SQLBind(String?.none))
                .set("lease_expires_at", to: SQLBind(Int64?.none)).set("updated_at", to: self.now.bind)
            if let after { update.set("run_after", to: self.now.addingTimeInterval(after.seconds).bind) }
            try await update.where("id", .equal, jobID.bind).run()
        }
    }

    /// Records that the worker `owner` died: each job it held counts a failed run with `reason`.
    public func failJobs(leasedBy owner: String, reason: String) async throws -> [Job] {
        let held = try await database.read { db in
            try await db.select(JobRow.self).where("lease_owner", .equal, SQLBind(owner))
                .where("state", .equal, SQLBind(Job.State.running.rawValue)).all(JobRow.self).map(\.id)
        }
        var failed: [Job] = []
        for id in held {
            if let job = try await failJob(jobID: id, owner: owner, error: reason) { failed.append(job) }
        }
        return failed
    }

    /// Cancels a job: a queued one at once, a running one at its worker's next heartbeat.
    public func cancelJob(id: UUID) async throws -> Job {
        try await database.write { db in
            let job = try await self.job(id: id, db)
            switch job.state {
            case .queued:
                try await self.finish(id, state: .cancelled, error: "cancelled before it ran", db)
            case .running:
                try await db.update("jobs").set("cancel_requested", to: SQLBind(true)).set("updated_at", to: self.now.bind)
                    .where("id", .equal, id.bind).run()
            case .succeeded, .failed, .cancelled:
                throw CatalogError(.conflict, "the job has already \(job.state == .succeeded ? "succeeded" : "ended")")
            }
            return try await self.job(id: id, db)
        }
    }

    /// Queues a failed or cancelled job again, with its attempts reset.
    public func retryJob(id: UUID) async throws -> Job {
        try await database.write { db in
            let job = try await self.job(id: id, db)
            guard job.state == .failed || job.state == .cancelled else {
                throw CatalogError(.conflict, "only a failed or cancelled job can be retried; this one is \(job.state.rawValue)")
            }
            if let key = job.idempotencyKey, try await db.select().column("id").from("jobs")
                .where("idempotency_key", .equal, SQLBind(key))
                .where("state", .in, [Job.State.queued.rawValue, Job.State.running.rawValue]).first() != nil
            {
                throw CatalogError(.conflict, "the same work is already queued or running")
            }
            try await db.update("jobs").set("state", to: SQLBind(Job.State.queued.rawValue)).set("attempts", to: SQLBind(0))
                .set("cancel_requested", to: SQLBind(false)).set("finished_at", to: SQLBind(Int64?.none))
                .set("run_after", to: self.now.bind).set("updated_at", to: self.now.bind)
                .where("id", .equal, id.bind).run()
            return try await self.job(id: id, db)
        }
    }

    public func job(id: UUID) async throws -> Job {
        try await database.read { db in try await self.job(id: id, db) }
    }

    func job(id: UUID, _ db: any SQLDatabase) async throws -> Job {
        guard let row = try await db.row(JobRow.self, id: id) else { throw CatalogError.notFound("job", id) }
        return Job(row)
    }

    /// Jobs, newest first.
    public func jobs(_ filter: JobFilter = JobFilter(), page: Page = .default) async throws -> PageResult<Job> {
        try await database.read { db in
            func filtered(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                var query = query
                if let state = filter.state { query = query.where("state", .equal, SQLBind(state.rawValue)) }
                if let kind = filter.kind { query = query.where("kind", .equal, SQLBind(kind.rawValue)) }
                if let batch = filter.batchID { query = query.where("batch_id", .equal, batch.bind) }
                if let project = filter.projectID { query = query.where("project_id", .equal, project.bind) }
                if let version = filter.versionID { query = query.where("version_id", .equal, version.bind) }
                return query
            }
            let rows = try await filtered(db.select(JobRow.self))
                .orderBy(SQLColumn("created_at"), SQLDirection.descending).orderBy("id").limit(page.limit).offset(page.offset)
                .all(JobRow.self)
            let total = try await filtered(db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("jobs"))
                .first()?.decode(column: "n", as: Int.self) ?? 0
            return PageResult(items: rows.map(Job.init), total: total, page: page)
        }
    }

    private func ownedJob(_ id: UUID, owner: String, _ db: any SQLDatabase) async throws -> Job? {
        try await db.select(JobRow.self).where("id", .equal, id.bind).where("lease_owner", .equal, SQLBind(owner))
            .where("state", .equal, SQLBind(Job.State.running.rawValue)).first(JobRow.self).map(Job.init)
    }

    private func finish(_ id: UUID, state: Job.State, error: String?, _ db: any SQLDatabase) async throws {
        try await db.update("jobs").set("state", to: SQLBind(state.rawValue)).set("last_error", to: SQLBind(error))
            .set("lease_owner", to: SQLBind(String?.none)).set("lease_expires_at", to: SQLBind(Int64?.none))
            .set("finished_at", to: now.bind).set("updated_at", to: now.bind).where("id", .equal, id.bind).run()
        announceJobs()
    }
}

extension Duration {
    var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
