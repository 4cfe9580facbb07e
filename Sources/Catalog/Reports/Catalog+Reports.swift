import Foundation
import SQLKit

/// A row of `reports`.
struct ReportRow: TableRow {
    static let table = "reports"
    var id: UUID, sessionId: UUID, requestedByKind: FeedbackAuthor.Kind, requestedById: UUID, requestedByName: String
    var options: String, jobId: UUID, state: SessionReport.State, path: String?, size: Int64?, sha256: String?, pages: Int?
    var pictures: String?, error: String?, createdAt: StoredTime, finishedAt: StoredTime?
}

extension SessionReport {
    init(_ row: ReportRow) throws {
        guard let options = try? JSONDecoder().decode(ReportOptions.self, from: Data(row.options.utf8)),
            let pictures = try? JSONDecoder().decode([ReportPicture].self, from: Data((row.pictures ?? "[]").utf8))
        else { throw CatalogError(.damaged, "reports row \(row.id): its options or pictures are not readable") }
        self.init(id: row.id, sessionID: row.sessionId,
                  requestedBy: FeedbackAuthor(kind: row.requestedByKind, id: row.requestedById, name: row.requestedByName),
                  options: options, jobID: row.jobId, state: row.state, path: row.path, size: row.size, sha256: row.sha256,
                  pages: row.pages, pictures: pictures, error: row.error, createdAt: row.createdAt.date, finishedAt: row.finishedAt?.date)
    }
}

extension ReviewSession {
    /// Whether `viewer` may make this session's report and download its exports: staff
    /// always, collaborators where the session allows it.
    public func allowsExports(to viewer: Viewer) -> Bool {
        viewer.isStaff || settings.allowExports
    }
}

/// Reports: asked for by staff or (where the session allows) a collaborator, made by a
/// `report` job, kept with the options and the view they were made with.
extension Catalog {
    /// Puts a report of the session on the queue, for `actor`'s view of it.
    ///
    /// - Throws: ``CatalogError``: a collaborator where the session allows no exports, or
    ///   asking for internal comments; items or a collaborator not in the session.
    public func requestReport(sessionID: UUID, options: ReportOptions, by actor: FeedbackActor) async throws
        -> (report: SessionReport, job: Job)
    {
        let options = try options.checked(for: actor.viewer)
        return try await database.write { db in
            let session = try await self.sessionRecord(id: sessionID, db).session
            try self.checkExports(session, for: actor.viewer)
            try await self.checkScope(options, sessionID: sessionID, db)
            let id = UUID()
            let payload = String(decoding: try JSONEncoder().encode(ReportJob(reportID: id)), as: UTF8.self)
            let job = try await self.enqueue(.report, payload: payload, idempotencyKey: nil, maxAttempts: 3, batchID: nil,
                                             scope: (session.projectID, nil), db)
            let row = ReportRow(id: id, sessionId: sessionID, requestedByKind: actor.author.kind, requestedById: actor.author.id,
                                requestedByName: actor.author.name,
                                options: String(decoding: try JSONEncoder().encode(options), as: UTF8.self), jobId: job.id,
                                state: .queued, path: nil, size: nil, sha256: nil, pages: nil, pictures: nil, error: nil,
                                createdAt: StoredTime(self.now), finishedAt: nil)
            try await db.insert(row)
            return (try SessionReport(row), job)
        }
    }

    /// Refuses a collaborator where the session allows no exports.
    public func checkExports(_ session: ReviewSession, for viewer: Viewer) throws(CatalogError) {
        guard session.allowsExports(to: viewer) else {
            throw CatalogError(.forbidden, "this session's reports and exports are for staff only")
        }
    }

    /// Checks that the options' items and collaborator are the session's.
    func checkScope(_ options: ReportOptions, sessionID: UUID, _ db: any SQLDatabase) async throws {
        if let itemIDs = options.itemIDs {
            let items = Set(try await self.itemRows(sessionID: sessionID, includingRemoved: false, db).map(\.id))
            for id in itemIDs where !items.contains(id) { throw CatalogError.notFound("item in this session", id) }
        }
        if let collaboratorID = options.collaboratorID {
            let collaborators = try await self.collaborators(sessionID: sessionID, db)
            guard collaborators.contains(where: { $0.id == collaboratorID }) else {
                throw CatalogError.notFound("collaborator in this session", collaboratorID)
            }
        }
    }

    /// The session's reports `viewer` may see, newest first: staff see all, a collaborator
    /// the ones made for them.
    public func reports(sessionID: UUID, for viewer: Viewer) async throws -> [SessionReport] {
        try await database.read { db in
            _ = try await self.sessionRecord(id: sessionID, db)
            let query = db.select(ReportRow.self).where("session_id", .equal, sessionID.bind)
            if case .collaborator(let id) = viewer { query.where("requested_by_id", .equal, id.bind) }
            return try await query.orderBy("created_at", .descending).orderBy("id").all(ReportRow.self).map(SessionReport.init)
        }
    }

    /// One report of the session, if `viewer` may see it; otherwise not found.
    public func report(id: UUID, sessionID: UUID, for viewer: Viewer) async throws -> SessionReport {
        let report = try await self.report(id: id)
        guard report.sessionID == sessionID, viewer.isStaff || viewer == report.viewer else {
            throw CatalogError.notFound("report", id)
        }
        return report
    }

    /// One report, for the job that makes it.
    public func report(id: UUID) async throws -> SessionReport {
        try await database.read { db in
            guard let row = try await db.row(ReportRow.self, id: id) else { throw CatalogError.notFound("report", id) }
            return try SessionReport(row)
        }
    }

    /// Registers the made PDF; `false` when the report is no longer waiting for it (its
    /// session was deleted meanwhile), and the caller removes the file.
    public func completeReport(id: UUID, path: String, size: Int64, sha256: String, pages: Int, pictures: [ReportPicture])
        async throws -> Bool
    {
        let pictures = String(decoding: try JSONEncoder().encode(pictures), as: UTF8.self)
        return try await database.write { db in
            guard var row = try await db.row(ReportRow.self, id: id), row.state == .queued else { return false }
            row.state = .ready
            (row.path, row.size, row.sha256, row.pages, row.finishedAt) = (path, size, sha256, pages, StoredTime(self.now))
            row.pictures = pictures
            try await db.update(row)
            return true
        }
    }

    /// Marks the report failed, saying why (its job's last attempt failed).
    public func failReport(id: UUID, reason: String) async throws {
        try await database.write { db in
            guard var row = try await db.row(ReportRow.self, id: id), row.state == .queued else { return }
            row.state = .failed
            row.error = reason
            row.finishedAt = StoredTime(self.now)
            try await db.update(row)
        }
    }
}
