import Foundation
import FrameTime
import SQLKit

/// The fields of a new version, or changes to one (`nil` leaves a field alone;
/// `.some(nil)` clears an optional one).
public struct VersionFields: Sendable, Decodable {
    public var name: String?
    public var versionNumber: Int??
    public var shot: String??
    public var asset: String??
    /// The project's task it was made for.
    public var taskID: UUID??
    /// The task by name instead (letter case aside): the project's task so named, made when
    /// there is none. For ingest hooks, which know the task's name, not its id.
    public var task: String??
    /// A name on the project's version status list (letter case aside).
    public var status: String?
    /// Replaces the staff assigned to the version.
    public var assigneeIDs: [UUID]?
    public var clientName: String??
    public var defaultReason: String??
    /// The display transform its media is to get whatever it says of itself; `.some(nil)`
    /// lets the media decide again. A reprocess applies it.
    public var displayTransform: DisplayTransform??

    public init(name: String? = nil, versionNumber: Int?? = nil, shot: String?? = nil, asset: String?? = nil,
                taskID: UUID?? = nil, task: String?? = nil, status: String? = nil, assigneeIDs: [UUID]? = nil,
                clientName: String?? = nil, defaultReason: String?? = nil, displayTransform: DisplayTransform?? = nil) {
        self.name = name
        self.versionNumber = versionNumber
        self.shot = shot
        self.asset = asset
        self.taskID = taskID
        self.task = task
        self.status = status
        self.assigneeIDs = assigneeIDs
        self.clientName = clientName
        self.defaultReason = defaultReason
        self.displayTransform = displayTransform
    }

    enum CodingKeys: String, CodingKey {
        case name, versionNumber = "version_number", shot, asset, taskID = "task_id", task, status
        case assigneeIDs = "assignee_ids", clientName = "client_name", defaultReason = "default_reason"
        case displayTransform = "display_transform"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        versionNumber = try container.decodePatch(Int.self, forKey: .versionNumber)
        shot = try container.decodePatch(String.self, forKey: .shot)
        asset = try container.decodePatch(String.self, forKey: .asset)
        taskID = try container.decodePatch(UUID.self, forKey: .taskID)
        task = try container.decodePatch(String.self, forKey: .task)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        assigneeIDs = try container.decodeIfPresent([UUID].self, forKey: .assigneeIDs)
        clientName = try container.decodePatch(String.self, forKey: .clientName)
        defaultReason = try container.decodePatch(String.self, forKey: .defaultReason)
        displayTransform = try container.decodePatch(DisplayTransform.self, forKey: .displayTransform)
    }

    /// The fields that need no catalog lookups, applied.
    func applied(to version: Version) throws(CatalogError) -> Version {
        var v = version
        if let name { v.name = try Validate.name(name, field: "name") }
        if let versionNumber {
            if let number = versionNumber, !FieldRules.versionNumber.contains(number) {
                throw CatalogError.invalid("version_number", "must be 0 to \(FieldRules.versionNumber.upperBound)")
            }
            v.versionNumber = versionNumber
        }
        if let shot { v.shot = try Validate.optionalName(shot, field: "shot") }
        if let asset { v.asset = try Validate.optionalName(asset, field: "asset") }
        if let clientName { v.clientName = try Validate.optionalName(clientName, field: "client_name") }
        if let defaultReason { v.defaultReason = try Validate.optionalText(defaultReason, FieldRules.reason, field: "default_reason") }
        if let displayTransform { v.displayTransform = displayTransform }
        return v
    }
}

extension Catalog {
    /// Creates a version in a project, with no media yet. Its status starts as the project's
    /// `pending review`, or the first review status on its list.
    public func createVersion(projectID: UUID, _ fields: VersionFields, createdBy: UUID? = nil) async throws -> Version {
        guard fields.name != nil else { throw CatalogError.invalid("name", "is required") }
        let created = now
        let blank = try fields.applied(to: Version(
            id: UUID(), projectID: projectID, name: "", versionNumber: nil, shot: nil, assetID: nil, asset: nil, taskID: nil,
            status: WorkflowStatus.newVersionStatus, assigneeIDs: [], clientName: nil, defaultReason: nil, mediaState: .none,
            mediaError: nil, createdAt: created, createdBy: createdBy, updatedAt: created))
        return try await database.write { db in
            _ = try await self.project(id: projectID, db)
            var version = blank
            if fields.status == nil {
                let list = try await self.statusList(projectID: projectID, .version, db)
                version.status = (list.first { $0.name == WorkflowStatus.newVersionStatus } ?? list.first { $0.kind == .review }
                    ?? list.first)?.name ?? WorkflowStatus.newVersionStatus
            }
            try await self.applyLinks(fields, to: &version, createdBy: createdBy, db)
            try await db.insert(VersionRow(version))
            try await self.setStaff(.versionAssignees, ownerID: version.id, version.assigneeIDs, db)
            return version
        }
    }

    /// Applies the fields that name other records (the task, the status on the project's
    /// list, the assignees), checking each.
    private func applyLinks(_ fields: VersionFields, to version: inout Version, createdBy: UUID?, _ db: any SQLDatabase)
        async throws
    {
        if let status = fields.status {
            version.status = try await self.status(named: status, projectID: version.projectID, .version, field: "status", db).name
        }
        if fields.taskID != nil && fields.task != nil {
            throw CatalogError.invalid("task", "give task_id or task, not both")
        }
        if let taskID = fields.taskID {
            if let taskID {
                guard try await db.select(TaskRow.self).where("id", .equal, taskID.bind)
                    .where("project_id", .equal, version.projectID.bind).first(TaskRow.self) != nil
                else { throw CatalogError.invalid("task_id", "\(taskID) is not a task of this project") }
            }
            version.taskID = taskID
        }
        if let task = fields.task {
            version.taskID = nil
            if let name = try Validate.optionalName(task, field: "task") {
                version.taskID = try await self.task(named: name, projectID: version.projectID, createdBy: createdBy, db)
            }
        }
        if let assignees = fields.assigneeIDs { version.assigneeIDs = assignees }
        // Every version has an asset: the one named, or its name's (see ``Asset/name(given:versionName:)``).
        if fields.asset != nil || version.assetID == nil {
            let name = Asset.name(given: version.asset, versionName: version.name)
            version.assetID = try await assetID(named: name, projectID: version.projectID, createdBy: createdBy, db)
            version.asset = try Validate.name(name, FieldRules.label, field: "asset")
        }
        try await checkVersionUnique(version, db)
    }

    public func version(id: UUID) async throws -> Version {
        try await database.read { db in try await self.version(id: id, db) }
    }

    func version(id: UUID, _ db: any SQLDatabase) async throws -> Version {
        guard let row = try await db.select(VersionRow.self).where("id", .equal, id.bind)
            .where("removed_at", .is, SQLLiteral.null).first(VersionRow.self)
        else { throw CatalogError.notFound("version", id) }
        return try await versions(from: [row], db)[0]
    }

    /// The versions of `rows`, with their assignees.
    func versions(from rows: [VersionRow], _ db: any SQLDatabase) async throws -> [Version] {
        let assignees = try await staff(.versionAssignees, of: rows.map(\.id), db)
        let assets = try await assetNames(rows.compactMap(\.assetId), db)
        return rows.map { Version($0, assetName: $0.assetId.flatMap { assets[$0] }, assigneeIDs: assignees[$0.id] ?? []) }
    }

    /// A project's versions, oldest first.
    public func versions(projectID: UUID, page: Page = .default) async throws -> PageResult<Version> {
        try await database.read { db in
            _ = try await self.project(id: projectID, db)
            let rows = try await db.select(VersionRow.self).where("project_id", .equal, projectID.bind)
                .where("removed_at", .is, SQLLiteral.null)
                .orderBy("created_at").orderBy("id").limit(page.limit).offset(page.offset).all(VersionRow.self)
            return PageResult(items: try await self.versions(from: rows, db),
                              total: try await db.count(VersionRow.table) {
                                  $0.where("project_id", .equal, projectID.bind).where("removed_at", .is, SQLLiteral.null)
                              }, page: page)
        }
    }

    public func updateVersion(id: UUID, _ fields: VersionFields) async throws -> Version {
        try await database.write { db in
            var version = try fields.applied(to: try await self.version(id: id, db))
            try await self.applyLinks(fields, to: &version, createdBy: nil, db)
            version.updatedAt = self.now
            try await db.update(VersionRow(version))
            if let assignees = fields.assigneeIDs { try await self.setStaff(.versionAssignees, ownerID: id, assignees, db) }
            return version
        }
    }

    /// Records where a version's media stands; `error` says why when it failed.
    public func setMediaState(versionID: UUID, _ state: Version.MediaState, error: String? = nil) async throws {
        try await database.write { db in
            _ = try await self.version(id: versionID, db)
            try await self.setMediaState(versionID: versionID, state, error: error, db)
        }
    }

    /// Deletes a version, its components and its places in sessions (whose orders close up).
    /// A version with feedback in a session, or with notes, is only marked removed, with its
    /// items: the feedback and notes, and the files their receipts and reports show, stay.
    public func deleteVersion(id: UUID) async throws {
        try await database.write { db in
            _ = try await self.version(id: id, db)
            let items = try await db.select(ItemRow.self).where("version_id", .equal, id.bind)
                .where("removed_at", .is, SQLLiteral.null).all(ItemRow.self)
            for item in items {
                try await self.removeItem(id: item.id, sessionID: item.sessionId, db)
            }
            // Items kept for their feedback (now or before), and notes, keep the version and its files.
            let keptItems = try await db.count(ItemRow.table, where: "version_id", equals: id.bind)
            let notes = try await db.count(NoteRow.table, where: "version_id", equals: id.bind)
            if keptItems + notes > 0 {
                try await db.update(VersionRow.table).set("removed_at", to: SQLBind(self.now.storedMilliseconds))
                    .where("id", .equal, id.bind).run()
            } else {
                try await db.delete(from: VersionRow.table).where("id", .equal, id.bind).run()
            }
            for session in Set(items.map(\.sessionId)) { try await self.renumberItems(sessionID: session, db) }
        }
    }

    /// A version's files.
    public func components(versionID: UUID) async throws -> [Component] {
        try await database.read { db in
            _ = try await self.version(id: versionID, db)
            return try await db.select(ComponentRow.self).where("version_id", .equal, versionID.bind)
                .orderBy("kind").orderBy("profile").all(ComponentRow.self).map(Component.init)
        }
    }

    /// The components of several versions at once, by version (versions without any are absent).
    public func components(versionIDs: [UUID]) async throws -> [UUID: [Component]] {
        guard !versionIDs.isEmpty else { return [:] }
        return try await database.read { db in
            let rows = try await db.select(ComponentRow.self)
                .where("version_id", isIn: versionIDs.map(\.uuidString))
                .orderBy("kind").orderBy("profile").all(ComponentRow.self)
            return Dictionary(grouping: rows.map(Component.init), by: \.versionID)
        }
    }

    /// Registers a version's original (replacing any earlier one), puts its media state to
    /// `processing`, and queues the transcode for `profile`, all in one transaction: the
    /// original is never registered without its job.
    public func registerOriginal(versionID: UUID, path: String, fileName: String, size: Int64, sha256: String,
                                 mediaInfo: String? = nil, profile: String) async throws -> (Component, Job) {
        try await database.write { db in
            _ = try await self.version(id: versionID, db)
            let component = try await self.replaceComponent(
                versionID: versionID, kind: .original, profile: nil, path: path, fileName: fileName, size: size, sha256: sha256,
                mediaInfo: mediaInfo, sourceSHA256: nil, db)
            try await self.setMediaState(versionID: versionID, .processing, error: nil, db)
            let payload = TranscodeJob(versionID: versionID, profile: profile)
            let job = try await self.enqueue(
                .transcode, payload: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self),
                idempotencyKey: payload.idempotencyKey, maxAttempts: 3, batchID: nil, db)
            return (component, job)
        }
    }

    /// A version's original, if one was uploaded.
    public func original(versionID: UUID) async throws -> Component? {
        try await components(versionID: versionID).first { $0.kind == .original }
    }

    /// One file of a version's review outputs.
    public struct Output: Sendable {
        public let kind: Component.Kind
        public let path: String
        public let fileName: String
        public let size: Int64
        public let sha256: String
        public let mediaInfo: String?

        public init(kind: Component.Kind, path: String, fileName: String, size: Int64, sha256: String, mediaInfo: String?) {
            self.kind = kind
            self.path = path
            self.fileName = fileName
            self.size = size
            self.sha256 = sha256
            self.mediaInfo = mediaInfo
        }
    }

    /// Registers a transcode's outputs for `profile` in one transaction, replacing the
    /// previous ones, completes the job and marks the version ready.
    ///
    /// - Parameters:
    ///   - processingKey: the ``ProcessingKey`` digest of what made the outputs.
    ///   - jobID, owner: the transcode job, which completes in the same transaction.
    /// - Returns: ``LeaseStatus/held`` when registered; ``LeaseStatus/lost`` when `owner` no
    ///   longer holds the job's lease (another worker took it), and then nothing is
    ///   registered: the caller discards its outputs.
    @discardableResult
    public func registerOutputs(versionID: UUID, profile: String, sourceSHA256: String, processingKey: String? = nil,
                                _ outputs: [Output], completingJob jobID: UUID, owner: String) async throws -> LeaseStatus
    {
        try await database.write { db in
            _ = try await self.version(id: versionID, db)
            guard try await self.completeOwnedJob(jobID, owner: owner, db) else { return .lost }
            try await db.delete(from: "components").where("version_id", .equal, versionID.bind)
                .where("profile", .equal, SQLBind(profile)).run()
            for output in outputs {
                _ = try await self.replaceComponent(
                    versionID: versionID, kind: output.kind, profile: profile, path: output.path, fileName: output.fileName,
                    size: output.size, sha256: output.sha256, mediaInfo: output.mediaInfo, sourceSHA256: sourceSHA256,
                    processingKey: processingKey, db)
            }
            try await self.setMediaState(versionID: versionID, .ready, error: nil, db)
            return .held
        }
    }

    func setMediaState(versionID: UUID, _ state: Version.MediaState, error: String?, _ db: any SQLDatabase) async throws {
        try await db.update("versions").set("media_state", to: SQLBind(state.rawValue))
            .set("media_error", to: SQLBind(state == .failed ? error : nil)).set("updated_at", to: now.bind)
            .where("id", .equal, versionID.bind).run()
    }

    private func replaceComponent(versionID: UUID, kind: Component.Kind, profile: String?, path: String, fileName: String,
                                  size: Int64, sha256: String, mediaInfo: String?, sourceSHA256: String?,
                                  processingKey: String? = nil, _ db: any SQLDatabase) async throws -> Component {
        let row = ComponentRow(id: UUID(), versionId: versionID, kind: kind, profile: profile ?? "", path: path,
                               fileName: fileName, size: size, sha256: sha256, mediaInfo: mediaInfo, createdAt: StoredTime(now),
                               sourceSha256: sourceSHA256, processingKey: processingKey)
        try await db.delete(from: "components").where("version_id", .equal, versionID.bind)
            .where("kind", .equal, SQLBind(kind.rawValue)).where("profile", .equal, SQLBind(row.profile)).run()
        try await db.insert(row)
        return Component(row)
    }
}
