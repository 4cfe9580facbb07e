import Foundation
import SQLKit

/// Reprocessing: a project's versions transcoded again as one batch, followed to its end.
extension Catalog {
    /// What a reprocess of a project would do with each version.
    public struct ReprocessPlan: Sendable {
        /// Versions whose outputs for the profile are missing, or were made otherwise than the
        /// version would be made now (see ``ProcessingKey``).
        public let toProcess: [UUID]
        /// Versions already up to date.
        public let upToDate: [UUID]
        /// Versions without an original to process.
        public let withoutMedia: [UUID]
    }

    /// Which of a project's versions a reprocess for `profile` must transcode; with
    /// `onlyFailed`, just the versions whose media failed.
    ///
    /// A version is up to date when its outputs carry the ``ProcessingKey`` it would get now:
    /// the same original, and the same display transform, gap fill, alpha background and
    /// `pipelineVersion` (the transcoder's, `Transcoder.pipelineVersion`).
    public func reprocessPlan(projectID: UUID, profile: String, onlyFailed: Bool, pipelineVersion: Int) async throws
        -> ReprocessPlan
    {
        try await database.read { db in
            let project = try await self.project(id: projectID, db)
            let versions = try await self.versions(from: try await db.select(VersionRow.self)
                .where("project_id", .equal, projectID.bind).where("removed_at", .is, SQLLiteral.null)
                .orderBy("created_at").orderBy("id").all(VersionRow.self), db)
            var toProcess: [UUID] = []
            var upToDate: [UUID] = []
            var withoutMedia: [UUID] = []
            for version in versions {
                let components = try await db.select(ComponentRow.self).where("version_id", .equal, version.id.bind)
                    .all(ComponentRow.self).map(Component.init)
                guard let original = components.first(where: { $0.kind == .original }) else {
                    withoutMedia.append(version.id)
                    continue
                }
                if onlyFailed {
                    if version.mediaState == .failed { toProcess.append(version.id) } else { upToDate.append(version.id) }
                    continue
                }
                let output = components.first { $0.profile == profile && ($0.kind == .proxy || $0.kind == .poster) }
                let current = ProcessingKey.currentDigests(original: original, version: version, defaults: project.defaults,
                                                           profile: profile, pipelineVersion: pipelineVersion)
                if version.mediaState == .ready, let made = output?.processingKey, current.contains(made) {
                    upToDate.append(version.id)
                } else {
                    toProcess.append(version.id)
                }
            }
            return ReprocessPlan(toProcess: toProcess, upToDate: upToDate, withoutMedia: withoutMedia)
        }
    }

    /// Queues transcodes of `versionIDs` for `profile` as one batch, marking them processing.
    public func enqueueReprocess(projectID: UUID, versionIDs: [UUID], profile: String) async throws -> (batchID: UUID, jobs: [Job]) {
        try await database.write { db in
            let batchID = UUID()
            try await db.insert(BatchRow(id: batchID, projectId: projectID, profile: profile, total: versionIDs.count,
                                         createdAt: StoredTime(self.now), finishedAt: nil))
            var jobs: [Job] = []
            for versionID in versionIDs {
                let payload = TranscodeJob(versionID: versionID, profile: profile)
                jobs.append(try await self.enqueue(
                    .transcode, payload: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self),
                    idempotencyKey: payload.idempotencyKey, maxAttempts: 3, batchID: batchID, db))
                try await self.setMediaState(versionID: versionID, .processing, error: nil, db)
            }
            return (batchID, jobs)
        }
    }

    /// How a reprocess batch stands.
    public struct BatchSummary: Sendable, Hashable, Codable {
        public let batchID: UUID
        public let projectID: UUID
        public let profile: String
        public let total: Int
        public let succeeded: Int
        public let failed: Int
        public let cancelled: Int
        /// Queued or running.
        public let active: Int

        enum CodingKeys: String, CodingKey {
            case batchID = "batch_id", projectID = "project_id", profile, total, succeeded, failed, cancelled, active
        }
    }

    public func batchSummary(id: UUID) async throws -> BatchSummary {
        try await database.read { db in try await self.batchSummary(id: id, db) }
    }

    private func batchSummary(id: UUID, _ db: any SQLDatabase) async throws -> BatchSummary {
        guard let batch = try await db.row(BatchRow.self, id: id) else { throw CatalogError.notFound("reprocess batch", id) }
        let states = try await db.select(JobRow.self).where("batch_id", .equal, id.bind).all(JobRow.self).map(\.state)
        func count(_ state: Job.State) -> Int { states.filter { $0 == state }.count }
        return BatchSummary(batchID: id, projectID: batch.projectId, profile: batch.profile, total: batch.total,
                            succeeded: count(.succeeded), failed: count(.failed), cancelled: count(.cancelled),
                            active: count(.queued) + count(.running))
    }

    /// When batch `id` has no active job left and was not finished before, marks it finished
    /// and returns its summary; otherwise `nil`. Exactly one caller sees the summary.
    public func finishBatchIfDone(id: UUID) async throws -> BatchSummary? {
        try await database.write { db in
            let summary = try await self.batchSummary(id: id, db)
            guard summary.active == 0 else { return nil }
            guard var batch = try await db.row(BatchRow.self, id: id), batch.finishedAt == nil else { return nil }
            batch.finishedAt = StoredTime(self.now)
            try await db.update(batch)
            return summary
        }
    }
}
