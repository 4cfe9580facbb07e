import Foundation

/// A row of `jobs`.
struct JobRow: TableRow {
    static let table = "jobs"
    var id: UUID, kind: Job.Kind, payload: String, state: Job.State
    var attempts: Int, maxAttempts: Int, leaseOwner: String?, leaseExpiresAt: StoredTime?
    var heartbeatAt: StoredTime?, progressDone: Int, progressTotal: Int, lastError: String?
    var runAfter: StoredTime, cancelRequested: Bool, idempotencyKey: String?, batchId: UUID?
    var createdAt: StoredTime, startedAt: StoredTime?, finishedAt: StoredTime?, updatedAt: StoredTime
    /// Jobs of one lane run one at a time; `nil`: no lane.
    var laneKey: String?
    /// What the job works for, for filtering the list (``Catalog/jobScope(payload:_:)``).
    var projectId: UUID? = nil
    var versionId: UUID? = nil
}

extension Job {
    init(_ row: JobRow) {
        self.init(id: row.id, kind: row.kind, payload: row.payload, state: row.state, attempts: row.attempts,
                  maxAttempts: row.maxAttempts, leaseOwner: row.leaseOwner, leaseExpiresAt: row.leaseExpiresAt?.date,
                  heartbeatAt: row.heartbeatAt?.date, progressDone: row.progressDone, progressTotal: row.progressTotal,
                  lastError: row.lastError, runAfter: row.runAfter.date, cancelRequested: row.cancelRequested,
                  idempotencyKey: row.idempotencyKey, batchID: row.batchId, createdAt: row.createdAt.date,
                  startedAt: row.startedAt?.date, finishedAt: row.finishedAt?.date, updatedAt: row.updatedAt.date)
    }
}

/// A row of `workers`.
struct WorkerRow: TableRow {
    static let table = "workers"
    var id: String, host: String, pid: Int, concurrency: Int, startedAt: StoredTime, heartbeatAt: StoredTime
}

extension WorkerRecord {
    init(_ row: WorkerRow) {
        self.init(id: row.id, host: row.host, pid: row.pid, concurrency: row.concurrency, startedAt: row.startedAt.date,
                  heartbeatAt: row.heartbeatAt.date)
    }
}

/// A row of `batches`: a reprocess's jobs, counted as they end.
struct BatchRow: TableRow {
    static let table = "batches"
    var id: UUID, projectId: UUID, profile: String, total: Int, createdAt: StoredTime, finishedAt: StoredTime?
}
