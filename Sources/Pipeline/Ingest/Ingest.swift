import Catalog
import Crypto
import Foundation
import FrameTime
import Media

/// What `media.uploaded` tells webhooks.
struct MediaUploadedEvent: Encodable {
    let versionID: UUID
    let projectID: UUID
    let fileName: String
    let size: Int64
    let sha256: String
    let jobID: UUID

    enum CodingKeys: String, CodingKey {
        case versionID = "version_id", projectID = "project_id", fileName = "file_name", size, sha256, jobID = "job_id"
    }
}

/// Brings originals in: stores them byte for byte, registers them against their version, and
/// queues the transcode, in that order, so nothing is registered before it is whole.
public struct Ingest: Sendable {
    public let catalog: Catalog
    public let store: any BlobStore
    /// The profile new originals are transcoded with.
    public let profile: String

    public init(catalog: Catalog, store: any BlobStore, profile: String = ProxyProfile.review1080.name) {
        self.catalog = catalog
        self.store = store
        self.profile = profile
    }

    /// What ingesting one path made.
    public struct Result: Sendable {
        public let version: Version
        public let original: Component
        public let job: Job
    }

    /// How to take an image sequence in.
    public struct SequenceChoices: Sendable, Hashable {
        /// The first and last frame numbers; `nil`: the first file's and the last's.
        public var range: ClosedRange<Int>?
        /// What frames of missing files show; `nil`: the project's default, at each transcode.
        public var gapFill: GapFill?
        /// Take the sequence even when its gaps outnumber its files.
        public var allowGaps: Bool

        public init(range: ClosedRange<Int>? = nil, gapFill: GapFill? = nil, allowGaps: Bool = false) {
            self.range = range
            self.gapFill = gapFill
            self.allowGaps = allowGaps
        }
    }

    /// Creates a version in `projectID` for the movie, still or image sequence (a member or
    /// a pattern) at `path`, and ingests it. The version is named `name`, or after the file,
    /// and made for the project's task named `task` (made when there is none). A sequence is
    /// read as `sequence` says, and refused (``MediaError/Code/mostlyMissing``) before
    /// anything is stored when it is mostly gaps and gaps are not allowed. `displayTransform`
    /// becomes the version's own, overriding what its media says of itself.
    public func ingest(path: String, projectID: UUID, name: String? = nil, task: String? = nil, createdBy: UUID? = nil,
                       sequence choices: SequenceChoices = SequenceChoices(), displayTransform: DisplayTransform? = nil)
        async throws -> Result
    {
        let stored = try store(path, sequence: choices)
        let version = try await catalog.createVersion(
            projectID: projectID,
            VersionFields(name: name ?? (stored.defaultName.isEmpty ? stored.fileName : stored.defaultName),
                          task: task.map { .some($0) }, displayTransform: displayTransform.map { .some($0) }),
            createdBy: createdBy)
        let (original, job) = try await register(versionID: version.id, stored)
        return Result(version: try await catalog.version(id: version.id), original: original, job: job)
    }

    /// Ingests the movie, still or image sequence at `path` as the original of the existing
    /// version `versionID` (an upload's files, gathered on the server).
    public func ingest(path: String, intoVersion versionID: UUID, sequence choices: SequenceChoices = SequenceChoices())
        async throws -> (Component, Job)
    {
        try await register(versionID: versionID, try store(path, sequence: choices))
    }

    /// An original copied into the store, not registered yet.
    public struct StoredOriginal: Sendable {
        public let path: String
        public let sha256: String
        public let size: Int64
        public let fileName: String
        /// What to name a version made for it: the file's name without its extension, or a
        /// sequence's prefix.
        public let defaultName: String
        public let mediaInfo: String?
    }

    /// Reads what `path` is and copies it into the store; a sequence that is mostly gaps is
    /// refused (``MediaError/Code/mostlyMissing``) before anything is stored, unless `choices` allows gaps.
    ///
    /// Blocking file work (copying, hashing): callers serving requests run it on their blocking pool.
    public func store(_ path: String, sequence choices: SequenceChoices) throws -> StoredOriginal {
        let source = try MediaSource.resolve(
            path, sequence: SequenceOptions(range: choices.range, allowGaps: choices.allowGaps))
        let fileName: String
        let defaultName: String
        var mediaInfo: String?
        switch source {
        case .imageSequence(let sequence):
            fileName = sequence.pattern
            defaultName = sequence.prefix.trimmingCharacters(in: CharacterSet(charactersIn: "._- "))
            mediaInfo = OriginalSequence(sequence, gapFill: choices.gapFill, allowGaps: choices.allowGaps).mediaInfo
        case .movie(let path), .still(let path):
            fileName = (path as NSString).lastPathComponent
            defaultName = (fileName as NSString).deletingPathExtension
        }
        let (stored, sha256, size) = try copyIn(source)
        return StoredOriginal(path: stored, sha256: sha256, size: size, fileName: fileName, defaultName: defaultName,
                              mediaInfo: mediaInfo)
    }

    /// Registers an original ``store(_:sequence:)`` stored and queues its transcode.
    public func register(versionID: UUID, _ stored: StoredOriginal) async throws -> (Component, Job) {
        try await register(versionID: versionID, path: stored.path, fileName: stored.fileName, size: stored.size,
                           sha256: stored.sha256, mediaInfo: stored.mediaInfo)
    }

    /// Registers a complete original already in the store and queues its transcode.
    ///
    /// - Parameter mediaInfo: what is known of the original (JSON): how a sequence is read.
    public func register(versionID: UUID, path: String, fileName: String, size: Int64, sha256: String,
                         mediaInfo: String? = nil) async throws -> (Component, Job)
    {
        let (component, job) = try await catalog.registerOriginal(versionID: versionID, path: path, fileName: fileName,
                                                                  size: size, sha256: sha256, mediaInfo: mediaInfo,
                                                                  profile: profile)
        let version = try await catalog.version(id: versionID)
        try await catalog.emit(.mediaUploaded, data: MediaUploadedEvent(
            versionID: versionID, projectID: version.projectID, fileName: fileName, size: size, sha256: sha256, jobID: job.id))
        return (component, job)
    }

    /// Stores a finished upload (a flushed temporary file whose hash is known).
    public func storeUpload(temporaryPath: String, fileName: String, sha256: String) throws -> String {
        try store.storeOriginal(temporaryPath: temporaryPath, sha256: sha256,
                                fileExtension: (fileName as NSString).pathExtension)
    }

    /// Copies a source into the store, hashing as it goes: a file by its content, a sequence
    /// as a folder named by the hash of its manifest (each file's hash, size and name).
    private func copyIn(_ source: MediaSource) throws -> (path: String, sha256: String, size: Int64) {
        switch source {
        case .movie(let path), .still(let path):
            let temporary = try store.temporaryPath()
            let (sha256, size) = try copy(path, to: temporary)
            return (try store.storeOriginal(temporaryPath: temporary, sha256: sha256,
                                            fileExtension: (path as NSString).pathExtension), sha256, size)
        case .imageSequence(let sequence):
            let folder = try store.temporaryPath()
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var manifest = ""
            var total: Int64 = 0
            for number in sequence.fileNumbers {
                let name = sequence.fileName(number: number)
                let (sha256, size) = try copy(sequence.path(number: number), to: (folder as NSString).appendingPathComponent(name))
                manifest += "\(sha256)  \(size)  \(name)\n"
                total += size
            }
            let manifestSHA = Durability.sha256(of: Data(manifest.utf8))
            let relative = "originals/sequences/\(manifestSHA)"
            let target = store.absolutePath(relative)
            try manifest.write(toFile: (folder as NSString).appendingPathComponent("MANIFEST.sha256"), atomically: false,
                               encoding: .utf8)
            if FileManager.default.fileExists(atPath: target) {
                try? FileManager.default.removeItem(atPath: folder)
            } else {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try Durability.rename(folder, to: target)
            }
            return ((relative as NSString).appendingPathComponent(sequence.pattern), manifestSHA, total)
        }
    }

    private func copy(_ source: String, to target: String) throws -> (sha256: String, size: Int64) {
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw POSIXFailure(operation: "read \(source)", code: EACCES)
        }
        defer { try? input.close() }
        let writer = try HashingFileWriter(path: target)
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try writer.write($0) }
        }
        let sha256 = try writer.finish()
        return (sha256, writer.size)
    }
}

extension Durability {
    static func sha256(of data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: data)
        return hasher.finalize().hexEncoded
    }
}

