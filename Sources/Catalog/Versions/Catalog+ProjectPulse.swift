import Foundation
import SQLKit

/// What a live list of a project's versions compares from one look to the next: when each
/// version last changed, and the transcode queued or running for it. Two small reads, so a
/// staff page can ask every second.
public struct ProjectPulse: Sendable, Hashable {
    /// Each live version's last change (its `updated_at`, in milliseconds).
    public var versions: [UUID: Int64]
    /// The transcode queued or running for a version, by version.
    public var transcodes: [UUID: Job]

    public init(versions: [UUID: Int64] = [:], transcodes: [UUID: Job] = [:]) {
        self.versions = versions
        self.transcodes = transcodes
    }

    /// The versions that are new or changed in `self` since `before`, or whose transcode
    /// started, moved on or ended.
    public func changed(since before: ProjectPulse) -> Set<UUID> {
        var changed = Set<UUID>()
        for (id, updated) in versions where before.versions[id] != updated { changed.insert(id) }
        for id in Set(transcodes.keys).union(before.transcodes.keys) where versions[id] != nil {
            let now = transcodes[id], then = before.transcodes[id]
            if now?.id != then?.id || now?.state != then?.state || now?.progressDone != then?.progressDone
                || now?.progressTotal != then?.progressTotal
            {
                changed.insert(id)
            }
        }
        return changed
    }

    /// The versions in `before` that are gone from `self` (deleted).
    public func removed(since before: ProjectPulse) -> Set<UUID> {
        Set(before.versions.keys).subtracting(versions.keys)
    }
}

extension Catalog {
    /// The project's pulse now (see ``ProjectPulse``).
    ///
    /// - Throws: ``CatalogError/Code/notFound`` when the project is gone.
    public func projectPulse(projectID: UUID) async throws -> ProjectPulse {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            let rows = try await db.select().column("id").column("updated_at").from(VersionRow.table)
                .where("project_id", .equal, projectID.bind).where("removed_at", .is, SQLLiteral.null).all()
            var pulse = ProjectPulse()
            for row in rows {
                pulse.versions[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "updated_at", as: Int64.self)
            }
            // Transcodes waiting or running, studio-wide: a short list, whatever the size of the catalog.
            let active = try await db.select(JobRow.self).where("kind", .equal, SQLBind(Job.Kind.transcode.rawValue))
                .where("state", .in, [Job.State.queued.rawValue, Job.State.running.rawValue])
                .orderBy("created_at").all(JobRow.self)
            for row in active {
                let job = Job(row)
                guard let payload = try? job.decodePayload(TranscodeJob.self), pulse.versions[payload.versionID] != nil else { continue }
                pulse.transcodes[payload.versionID] = job
            }
            return pulse
        }
    }

    /// The live versions among `ids`, in no particular order (deleted ones are left out).
    public func versions(ids: some Collection<UUID>) async throws -> [Version] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            var versions: [Version] = []
            // In slices: a statement's bound values are limited (SQLite: 32,766).
            let ids = Array(ids)
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = ids[start..<min(start + 500, ids.count)]
                let rows = try await db.select(VersionRow.self).where("id", isIn: slice.map(\.uuidString))
                    .where("removed_at", .is, SQLLiteral.null).all(VersionRow.self)
                versions += try await self.versions(from: rows, db)
            }
            return versions
        }
    }
}
