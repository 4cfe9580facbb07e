import Crypto
import Foundation
import SQLKit

/// Uploads, webhooks and workers: the catalog's side of the ingest pipeline.
extension Catalog {
    // MARK: Uploads

    /// `fileName` as an original's name, or the reason it cannot be one.
    public static func validUploadFileName(_ fileName: String, field: String = "file_name") throws(CatalogError) -> String {
        try Validate.fileName(fileName, field: field)
    }

    public func createUpload(versionID: UUID, fileName: String, size: Int64, sha256: String?, createdBy: UUID?)
        async throws -> Upload
    {
        let fileName = try Validate.fileName(fileName)
        guard size > 0 else { throw CatalogError.invalid("size", "must be at least 1 byte") }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            throw CatalogError.invalid("sha256", "must be 64 hexadecimal digits")
        }
        return try await database.write { db in
            _ = try await self.version(id: versionID, db)
            let upload = Upload(id: UUID(), versionID: versionID, fileName: fileName, size: size, sha256: sha256?.lowercased(),
                                createdAt: self.now)
            try await db.insert(into: "uploads").columns("id", "version_id", "file_name", "size", "sha256", "created_at", "created_by")
                .values(upload.id.bind, versionID.bind, SQLBind(fileName), SQLBind(size), SQLBind(upload.sha256),
                        upload.createdAt.bind, createdBy.bind).run()
            return upload
        }
    }

    public func upload(id: UUID) async throws -> Upload {
        try await database.read { db in
            guard let row = try await db.select().column("*").from("uploads").where("id", .equal, id.bind).first() else {
                throw CatalogError.notFound("upload", id)
            }
            return Upload(id: try row.uuid("id"), versionID: try row.uuid("version_id"), fileName: try row.string("file_name"),
                          size: Int64(try row.int("size")), sha256: try row.optionalString("sha256"),
                          createdAt: try row.timestamp("created_at"))
        }
    }

    public func deleteUpload(id: UUID) async throws {
        try await database.write { db in
            try await db.delete(from: "uploads").where("id", .equal, id.bind).run()
        }
    }

    // MARK: Webhooks

    /// Subscribes `url` to `events`; the secret that signs deliveries is made here.
    ///
    /// Refuses what can be refused before anything is sent (see ``WebhookTarget`` and
    /// ``WebhookAddressPolicy``): other schemes, credentials in the URL, and hosts that are
    /// literal addresses the deliveries may not reach. Names are judged at each delivery, by
    /// the addresses they resolve to then.
    public func createWebhook(url: String, events: [Webhook.Event]) async throws -> Webhook {
        let target = try WebhookTarget(url: url)
        guard !events.isEmpty else { throw CatalogError.invalid("events", "must name at least one event") }
        let webhook = Webhook(id: UUID(), url: url.trimmingCharacters(in: .whitespaces),
                              secret: SecretToken.generate(prefix: "whsec_").value,
                              events: Array(Set(events)).sorted { $0.rawValue < $1.rawValue }, enabled: true,
                              createdAt: now)
        try await database.write { db in
            if let address = target.literalAddress {
                let policy = WebhookAddressPolicy(allowedNetworks: try await self.organizationRow(db).settings.allowedNetworks)
                if let refusal = policy.refusal(of: address, host: target.host) {
                    throw CatalogError.invalid("url", refusal)
                }
            }
            try await db.insert(into: "webhooks").columns("id", "url", "secret", "events", "enabled", "created_at", "created_by")
                .values(webhook.id.bind, SQLBind(webhook.url), SQLBind(webhook.secret),
                        SQLBind(webhook.events.map(\.rawValue).joined(separator: ",")), SQLBind(true), webhook.createdAt.bind,
                        SQLBind(String?.none)).run()
        }
        return webhook
    }

    public func webhooks() async throws -> [Webhook] {
        try await database.read { db in try await self.webhooks(db) }
    }

    public func webhook(id: UUID) async throws -> Webhook {
        guard let webhook = try await webhooks().first(where: { $0.id == id }) else { throw CatalogError.notFound("webhook", id) }
        return webhook
    }

    public func deleteWebhook(id: UUID) async throws {
        try await database.write { db in
            guard try await db.count("webhooks", where: "id", equals: id.bind) > 0 else { throw CatalogError.notFound("webhook", id) }
            try await db.delete(from: "webhooks").where("id", .equal, id.bind).run()
        }
    }

    private func webhooks(_ db: any SQLDatabase) async throws -> [Webhook] {
        try await db.select().column("*").from("webhooks").orderBy("created_at").all().map { row in
            Webhook(id: try row.uuid("id"), url: try row.string("url"), secret: try row.string("secret"),
                    events: try row.string("events").split(separator: ",").compactMap { Webhook.Event(rawValue: String($0)) },
                    enabled: try row.bool("enabled"), createdAt: try row.timestamp("created_at"))
        }
    }

    /// Queues a delivery of `event` with `data` to every enabled webhook subscribed to it.
    /// Deliveries are jobs of their own: a failing receiver is retried with backoff and never
    /// holds up the pipeline. Each webhook's deliveries share a lane, so they run one at a time
    /// and a receiver that hangs holds one delivery slot, never the others'.
    public func emit(_ event: Webhook.Event, data: some Encodable) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let body = String(decoding: try encoder.encode(
            WebhookEnvelope(id: UUID(), event: event.rawValue, occurredAt: Date().ISO8601Format(), data: data)), as: UTF8.self)
        try await database.write { db in
            for webhook in try await self.webhooks(db) where webhook.enabled && webhook.events.contains(event) {
                let job = WebhookJob(webhookID: webhook.id, event: event.rawValue, body: body)
                _ = try await self.enqueue(.webhook, payload: String(decoding: try JSONEncoder().encode(job), as: UTF8.self),
                                           idempotencyKey: nil, maxAttempts: 8, batchID: nil,
                                           laneKey: Webhook.laneKey(webhook.id), db)
            }
        }
    }

    // MARK: Workers

    public func registerWorker(id: String, host: String, pid: Int, concurrency: Int) async throws {
        try await database.write { db in
            try await db.delete(from: "workers").where("id", .equal, SQLBind(id)).run()
            try await db.insert(into: "workers").columns("id", "host", "pid", "concurrency", "started_at", "heartbeat_at")
                .values(SQLBind(id), SQLBind(host), SQLBind(pid), SQLBind(concurrency), self.now.bind, self.now.bind).run()
        }
    }

    public func workerHeartbeat(id: String) async throws {
        try await database.write { db in
            try await db.update("workers").set("heartbeat_at", to: self.now.bind).where("id", .equal, SQLBind(id)).run()
        }
    }

    public func removeWorker(id: String) async throws {
        try await database.write { db in
            try await db.delete(from: "workers").where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Workers that sent a heartbeat within `window`.
    public func liveWorkers(within window: Duration = .seconds(15)) async throws -> [WorkerRecord] {
        try await database.read { db in
            try await db.select().column("*").from("workers")
                .where("heartbeat_at", .greaterThanOrEqual, self.now.addingTimeInterval(-window.seconds).bind).all().map { row in
                    WorkerRecord(id: try row.string("id"), host: try row.string("host"), pid: try row.int("pid"),
                                 concurrency: try row.int("concurrency"), startedAt: try row.timestamp("started_at"),
                                 heartbeatAt: try row.timestamp("heartbeat_at"))
                }
        }
    }

    // MARK: Reprocess

    /// What a reprocess of a project would do with each version.
    public struct ReprocessPlan: Sendable {
        /// Versions whose outputs for the profile are missing or made from another original.
        public let toProcess: [UUID]
        /// Versions already up to date.
        public let upToDate: [UUID]
        /// Versions without an original to process.
        public let withoutMedia: [UUID]
    }

    /// Which of a project's versions a reprocess for `profile` must transcode; with
    /// `onlyFailed`, just the versions whose media failed.
    public func reprocessPlan(projectID: UUID, profile: String, onlyFailed: Bool) async throws -> ReprocessPlan {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            let versions = try await db.select().column("*").from("versions").where("project_id", .equal, projectID.bind)
                .orderBy("created_at").orderBy("id").all().map(Version.init(row:))
            var toProcess: [UUID] = []
            var upToDate: [UUID] = []
            var withoutMedia: [UUID] = []
            for version in versions {
                let components = try await db.select().column("*").from("components")
                    .where("version_id", .equal, version.id.bind).all().map(Component.init(row:))
                guard let original = components.first(where: { $0.kind == .original }) else {
                    withoutMedia.append(version.id)
                    continue
                }
                if onlyFailed {
                    if version.mediaState == .failed { toProcess.append(version.id) } else { upToDate.append(version.id) }
                    continue
                }
                let output = components.first { $0.profile == profile && ($0.kind == .proxy || $0.kind == .poster) }
                if version.mediaState == .ready, output?.sourceSHA256 == original.sha256 {
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
            try await db.insert(into: "batches").columns("id", "project_id", "profile", "total", "created_at", "finished_at")
                .values(batchID.bind, projectID.bind, SQLBind(profile), SQLBind(versionIDs.count), self.now.bind,
                        SQLBind(Int64?.none)).run()
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
        guard let batch = try await db.select().column("*").from("batches").where("id", .equal, id.bind).first() else {
            throw CatalogError.notFound("reprocess batch", id)
        }
        let states = try await db.select().column("state").from("jobs").where("batch_id", .equal, id.bind).all()
            .map { try $0.string("state") }
        func count(_ state: Job.State) -> Int { states.filter { $0 == state.rawValue }.count }
        return BatchSummary(batchID: id, projectID: try batch.uuid("project_id"), profile: try batch.string("profile"),
                            total: try batch.int("total"), succeeded: count(.succeeded), failed: count(.failed),
                            cancelled: count(.cancelled), active: count(.queued) + count(.running))
    }

    /// When batch `id` has no active job left and was not finished before, marks it finished
    /// and returns its summary; otherwise `nil`. Exactly one caller sees the summary.
    public func finishBatchIfDone(id: UUID) async throws -> BatchSummary? {
        try await database.write { db in
            let summary = try await self.batchSummary(id: id, db)
            guard summary.active == 0 else { return nil }
            guard try await db.select().column("id").from("batches").where("id", .equal, id.bind)
                .where("finished_at", .is, SQLLiteral.null).first() != nil
            else { return nil }
            try await db.update("batches").set("finished_at", to: self.now.bind).where("id", .equal, id.bind).run()
            return summary
        }
    }
}

/// A webhook delivery's body: `{"id", "event", "occurred_at", "data"}`.
struct WebhookEnvelope<Payload: Encodable>: Encodable {
    let id: UUID
    let event: String
    let occurredAt: String
    let data: Payload
    enum CodingKeys: String, CodingKey { case id, event, occurredAt = "occurred_at", data }
}
