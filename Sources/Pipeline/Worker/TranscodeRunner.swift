import Catalog
import Foundation
import FrameTime
import Logging
import Media
import Synchronization

/// What the transcode events tell webhooks.
struct TranscodeEvent: Encodable {
    let versionID: UUID
    let jobID: UUID
    let profile: String
    let attempt: Int
    var error: String?
    var components: [String]?

    enum CodingKeys: String, CodingKey {
        case versionID = "version_id", jobID = "job_id", profile, attempt, error, components
    }
}

/// Runs one transcode job: from the version's original to registered review outputs.
///
/// The transcode runs on a thread of its own while a heartbeat keeps the job's lease and
/// reports progress. Outputs go to a fresh folder per run and are registered, in the same
/// transaction that completes the job, only when whole; a run that loses its lease or is
/// cancelled deletes its folder and registers nothing.
struct TranscodeRunner {
    let catalog: Catalog
    let store: any BlobStore
    let owner: String
    let lease: Duration
    let heartbeatInterval: Duration
    let logger: Logger
    /// Raised when the worker shuts down: the running transcode stops and its job goes back.
    let shutdown: ShutdownSignal
    /// Where transcodes run: the worker's own threads, one per transcode lane.
    let threads: BlockingPool.Lane
    /// For tests only: see ``PipelineWorker/Configuration/crashOnFileNameContaining``.
    let crashOnFileNameContaining: String?

    /// Why a transcode stopped early.
    private enum Interruption: Int {
        case none, cancelRequested, leaseLost
    }

    func run(_ job: Job) async {
        do {
            try await process(job)
        } catch {
            logger.error("transcode job \(job.id) could not be recorded: \(error)")
        }
    }

    private func process(_ job: Job) async throws {
        let payload: TranscodeJob
        do {
            payload = try job.decodePayload(TranscodeJob.self)
        } catch {
            _ = try await catalog.failJob(jobID: job.id, owner: owner, error: "the job's parameters are unreadable", retryable: false)
            return
        }
        let event = TranscodeEvent(versionID: payload.versionID, jobID: job.id, profile: payload.profile, attempt: job.attempts)
        guard let original = try await catalog.original(versionID: payload.versionID) else {
            try await fail(job, payload, event, reason: "the version has no original to transcode", retryable: false)
            return
        }
        guard let profile = ProxyProfile.named(payload.profile) else {
            try await fail(job, payload, event, reason: "there is no proxy profile named \(payload.profile)", retryable: false)
            return
        }
        try await catalog.emit(.transcodeStarted, data: event)
        if let marker = crashOnFileNameContaining, original.fileName.contains(marker) {
            // Told to, by a test's configuration: behave like a decoder crashing on a poison file.
            abort()
        }

        let version = try await catalog.version(id: payload.versionID)
        let project = try await catalog.project(id: version.projectID)
        // The version's display transform, if it overrides what the media says; transparency
        // over what the project says.
        var probe = ProbeOptions(displayTransform: version.displayTransform,
                                 alphaBackground: project.defaults.alphaBackground)
        if let sequence = OriginalSequence(mediaInfo: original.mediaInfo) {
            // Read as it was ingested; its gaps filled the ingest's way, or as the project says now.
            probe.sequence = sequence.options(projectDefault: project.defaults.gapFill)
        }
        let options = TranscodeOptions(profile: profile, probe: probe)

        // A folder of this run's own: a worker that lost this job's lease may still be writing into its.
        let folder = try store.newDerivedDirectory(versionID: payload.versionID, profile: profile.name, run: UUID())
        let cancellation = CancellationFlag()
        let interruption = Atomic<Int>(Interruption.none.rawValue)
        let progress = Atomic<Int>(0)
        let total = Atomic<Int>(0)
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeatInterval)
                if shutdown.isRaised { cancellation.cancel() }
                guard let status = try? await catalog.heartbeat(
                    jobID: job.id, owner: owner, lease: lease, progressDone: progress.load(ordering: .relaxed),
                    progressTotal: total.load(ordering: .relaxed))
                else { continue }
                switch status {
                case .held: break
                case .cancelRequested:
                    interruption.store(Interruption.cancelRequested.rawValue, ordering: .relaxed)
                    cancellation.cancel()
                case .lost:
                    interruption.store(Interruption.leaseLost.rawValue, ordering: .relaxed)
                    cancellation.cancel()
                }
            }
        }
        let source = store.absolutePath(original.path)
        let output = store.absolutePath(folder)
        let result: Result<TranscodeManifest, MediaError>
        do {
            result = try await threads.run {
                Result { () throws(MediaError) -> TranscodeManifest in
                    try Transcoder.transcode(source, to: output, options: options, cancellation: cancellation) { update in
                        progress.store(update.framesDone, ordering: .relaxed)
                        total.store(update.totalFrames, ordering: .relaxed)
                    }
                }
            }
        } catch {
            // The worker's own threads are as many as its lanes: this happens only while it stops.
            heartbeat.cancel()
            store.removeDerived(folder)
            try await catalog.releaseJob(jobID: job.id, owner: owner)
            return
        }
        heartbeat.cancel()

        switch result {
        case .success(let manifest):
            let outputs = try Self.outputs(of: manifest, in: folder, store: store)
            // What made these outputs, so a reprocess can tell when a setting has changed since.
            let key = ProcessingKey(
                sourceSHA256: original.sha256, profile: profile.name, displayTransform: version.displayTransform,
                gapFill: ProcessingKey.sequenceGapFill(originalMediaInfo: original.mediaInfo,
                                                       projectDefault: project.defaults.gapFill),
                alphaBackground: manifest.alphaBackground, pipelineVersion: manifest.pipelineVersion)
            let registration = try await catalog.registerOutputs(
                versionID: payload.versionID, profile: profile.name, sourceSHA256: original.sha256,
                processingKey: key.digest, outputs, completingJob: job.id, owner: owner)
            guard registration == .held else {
                // Another worker took the job over while this one was stalled: its run counts, not this one.
                store.removeDerived(folder)
                logger.warning("job \(job.id) lost its lease before registering; its outputs were dropped")
                return
            }
            // Every other run folder of this version and profile is now either replaced outputs
            // or what a dead or superseded worker left half-written.
            store.removeDerived(siblingsOf: folder)
            var succeeded = event
            succeeded.components = outputs.map(\.kind.rawValue)
            try await catalog.emit(.transcodeSucceeded, data: succeeded)
            logger.info("transcoded version \(payload.versionID) (\(profile.name)): \(manifest.frameCount) frames")
        case .failure(let error):
            store.removeDerived(folder)
            switch Interruption(rawValue: interruption.load(ordering: .relaxed)) ?? .none {
            case .leaseLost:
                return
            case .cancelRequested:
                try await fail(job, payload, event, reason: "cancelled by staff", retryable: false)
                return
            case .none:
                break
            }
            if shutdown.isRaised && error.code == .cancelled {
                try await catalog.releaseJob(jobID: job.id, owner: owner)
                return
            }
            try await fail(job, payload, event, reason: error.reason, retryable: !Self.isBadInput(error))
            return
        }
        if let batchID = job.batchID, let summary = try await catalog.finishBatchIfDone(id: batchID) {
            try await catalog.emit(.reprocessFinished, data: summary)
        }
    }

    /// Records a failed run; when no attempt remains, the version is marked failed with the
    /// reason and webhooks hear of it.
    private func fail(_ job: Job, _ payload: TranscodeJob, _ event: TranscodeEvent, reason: String, retryable: Bool)
        async throws
    {
        guard let after = try await catalog.failJob(jobID: job.id, owner: owner, error: reason, retryable: retryable) else { return }
        try await TranscodeRunner.recordEnd(of: after, catalog: catalog, reason: reason)
        logger.warning("transcode of version \(payload.versionID) failed (attempt \(job.attempts)): \(reason)")
    }

    /// After a job's run failed: when it will not run again, marks its version failed (or,
    /// when cancelled with earlier outputs in place, leaves it ready) and tells webhooks.
    static func recordEnd(of job: Job, catalog: Catalog, reason: String) async throws {
        guard job.kind == .transcode, !job.state.isActive, let payload = try? job.decodePayload(TranscodeJob.self) else { return }
        let hasOutputs = try await catalog.components(versionID: payload.versionID).contains { $0.kind == .proxy }
        try await catalog.setMediaState(versionID: payload.versionID, job.state == .cancelled && hasOutputs ? .ready : .failed,
                                        error: reason)
        var event = TranscodeEvent(versionID: payload.versionID, jobID: job.id, profile: payload.profile, attempt: job.attempts)
        event.error = reason
        try await catalog.emit(.transcodeFailed, data: event)
        if let batchID = job.batchID, let summary = try await catalog.finishBatchIfDone(id: batchID) {
            try await catalog.emit(.reprocessFinished, data: summary)
        }
    }

    /// Errors that another try cannot fix: the media itself is bad.
    static func isBadInput(_ error: MediaError) -> Bool {
        [.fileNotFound, .isDirectory, .notRegularFile, .emptyFile, .truncated, .notMedia, .unsupported, .invalidSequence,
         .mostlyMissing, .decodeFailed].contains(error.code)
    }

    /// The registered components of a transcode's outputs, hashed.
    static func outputs(of manifest: TranscodeManifest, in folder: String, store: any BlobStore) throws -> [Catalog.Output] {
        typealias Name = TranscodeManifest.FileName
        func output(_ kind: Component.Kind, _ name: String, info: String?) throws -> Catalog.Output {
            let relative = (folder as NSString).appendingPathComponent(name)
            let (sha256, size) = try Durability.sha256(ofFile: store.absolutePath(relative))
            return Catalog.Output(kind: kind, path: relative, fileName: name, size: size, sha256: sha256, mediaInfo: info)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json(_ value: some Encodable) -> String? { (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } }
        // The frame map knows what people call frame 0 and whether the source's times were irregular.
        let frameMapPath = store.absolutePath((folder as NSString).appendingPathComponent(Name.frameMap))
        let frameMap = try? JSONDecoder().decode(FrameMap.self, from: Data(contentsOf: URL(fileURLWithPath: frameMapPath)))
        var variableRate = false
        if case .variable = frameMap?.timing { variableRate = true }
        var outputs: [Catalog.Output] = []
        if let proxy = manifest.proxy {
            let playback = PlaybackInfo(
                frameCount: proxy.frameCount, rate: proxy.rate, firstFrameNumber: frameMap?.firstFrameNumber ?? 0,
                startTimecode: proxy.startTimecode, width: proxy.width, height: proxy.height, hasAudio: proxy.hasAudio,
                variableRate: variableRate, missing: manifest.missing, gapFill: manifest.gapFill,
                displayTransform: manifest.displayTransform, alphaBackground: manifest.alphaBackground)
            outputs.append(try output(.proxy, proxy.name, info: json(playback)))
        } else if let review = manifest.reviewImage {
            let playback = PlaybackInfo(
                frameCount: 1, rate: manifest.rate, firstFrameNumber: frameMap?.firstFrameNumber ?? 0, startTimecode: nil,
                width: review.width, height: review.height, hasAudio: false, variableRate: false,
                displayTransform: manifest.displayTransform, alphaBackground: manifest.alphaBackground)
            outputs.append(try output(.proxy, review.name, info: json(playback)))
        }
        outputs.append(try output(.poster, manifest.poster.name, info: json(manifest.poster)))
        outputs.append(try output(.filmstrip, Name.filmstrip, info: json(manifest.filmstrip)))
        outputs.append(try output(.framemap, Name.frameMap, info: nil))
        return outputs
    }
}
