import Crypto
import Foundation
import Media
import MediaTestSupport
import Testing

/// The ingest pipeline as studios run it: real `dailies serve` and `dailies worker`
/// processes, real files, HTTP on loopback.
@Suite("Ingest pipeline", .serialized)
struct PipelineTests {
    init() { Libav.setLogLevel(.quiet) }

    /// The receivers listen on loopback, which webhook deliveries reach only when told so.
    static let loopbackForTests = ["--test-webhook-loopback"]

    @Test("end to end: upload over HTTP, the worker transcodes, outputs registered, original downloads byte for byte")
    func endToEnd() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: Self.loopbackForTests)
        let api = server.api
        let receiver = try WebhookReceivers([.answer(200)])
        let hook = try await api.send("POST", "/api/v1/webhooks", json: [
            "url": "http://localhost:\(receiver.ports[0])/dailies",
            "events": ["media.uploaded", "transcode.started", "transcode.succeeded"]])
        let secret = try #require(hook.json["secret"] as? String)

        let (_, version) = try await api.makeVersion()
        let source = URL(fileURLWithPath: Fixture.path("prores422-1080p24-pcm-tc01.mov"))
        let sha256 = SHA256.hash(data: try Data(contentsOf: source)).map { String(format: "%02x", $0) }.joined()
        let upload = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=sh010_comp_v003.mov", file: source,
                                        headers: ["X-Content-SHA256": sha256])
        #expect(upload.status == 202, "\(String(decoding: upload.body, as: UTF8.self))")
        let ready = try await api.waitForMedia(version)
        #expect(ready["media_state"] as? String == "ready", "\(ready)")

        let components = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]] ?? []
        #expect(Set(components.compactMap { $0["kind"] as? String }) == ["original", "proxy", "poster", "filmstrip", "framemap"])
        #expect(components.first { $0["kind"] as? String == "original" }?["sha256"] as? String == sha256)

        let original = try await api.send("GET", "/api/v1/versions/\(version)/download/original")
        #expect(original.body == (try Data(contentsOf: source)), "the original comes back byte for byte")
        #expect(original.headers["content-disposition"] == "attachment; filename=\"sh010_comp_v003.mov\"")
        #expect(original.headers["content-type"] == "video/quicktime")

        let proxy = try await api.send("GET", "/api/v1/versions/\(version)/download/proxy")
        let proxyPath = directory.path("proxy.mp4")
        try proxy.body.write(to: URL(fileURLWithPath: proxyPath))
        let probe = try FFprobe.json(proxyPath)
        let streams = probe["streams"] as? [[String: Any]] ?? []
        #expect(streams.first { $0["codec_type"] as? String == "video" }?["nb_read_frames"] as? String == "24", "ffprobe plays it")

        let frame = try await api.send("GET", "/api/v1/versions/\(version)/frames/17?width=480")
        #expect(frame.status == 200 && frame.headers["content-type"] == "image/jpeg")
        let grabbed = directory.path("frame.jpg")
        try frame.body.write(to: URL(fileURLWithPath: grabbed))
        let picture = try #require(try VideoFrameReader(grabbed).next(.gray8)).picture
        #expect(picture.width == 480 && FrameBarcode.read(picture)?.index == 17)

        // Webhooks heard of it, signed.
        try await receiver.wait { events in events.filter { $0.kind == "request" }.count >= 3 }
        let deliveries = receiver.requests(0)
        #expect(Set(deliveries.compactMap { $0.headers["x-dailies-event"] }) == ["media.uploaded", "transcode.started", "transcode.succeeded"])
        for delivery in deliveries {
            let expected = HMAC<SHA256>.authenticationCode(for: Data(delivery.body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
                .map { String(format: "%02x", $0) }.joined()
            #expect(delivery.headers["x-dailies-signature"] == "sha256=" + expected)
            #expect(delivery.headers["host"] == "localhost:\(receiver.ports[0])")
            #expect(delivery.body.contains(version))
        }
        #expect(server.stop() == 0)
    }

    @Test("a checksum that does not match registers nothing; a corrupt original fails its version with the reason")
    func badUploads() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"))
        let api = server.api
        let (project, version) = try await api.makeVersion()
        let mismatch = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=clip.mov",
                                          file: URL(fileURLWithPath: Fixture.path("vp9-noaudio.webm")),
                                          headers: ["X-Content-SHA256": String(repeating: "0", count: 64)])
        #expect(mismatch.status == 422 && String(decoding: mismatch.body, as: UTF8.self).contains("checksum_mismatch"))
        #expect(try await api.send("GET", "/api/v1/versions/\(version)").json["media_state"] as? String == "none")
        #expect((try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [Any])?.isEmpty == true)
        #expect((try FileManager.default.contentsOfDirectory(atPath: directory.path("data/tmp"))).isEmpty)

        let (_, corrupt) = try await api.makeVersion("sh020_comp", project: project)
        let upload = try await api.send("PUT", "/api/v1/versions/\(corrupt)/media?filename=cut.mov",
                                        file: URL(fileURLWithPath: Fixture.path("broken-truncated.mov")))
        #expect(upload.status == 202)
        let failed = try await api.waitForMedia(corrupt)
        #expect(failed["media_state"] as? String == "failed")
        #expect((failed["media_error"] as? String)?.contains("cut short") == true, "\(failed)")
        _ = server.stop()
    }

    @Test("a resumable upload survives an interruption and completes from its offset")
    func resumable() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"])
        let api = server.api
        let (_, version) = try await api.makeVersion()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("h264-vfr.mp4")))
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let created = try await api.send("POST", "/api/v1/versions/\(version)/uploads",
                                         json: ["file_name": "phone.mp4", "size": bytes.count, "sha256": sha256])
        #expect(created.status == 201)
        let upload = try #require(created.json["id"] as? String)
        let third = bytes.count / 3
        var answer = try await api.send("PATCH", "/api/v1/uploads/\(upload)", body: bytes.prefix(third), headers: ["Upload-Offset": "0"])
        #expect(answer.status == 200 && answer.headers["upload-offset"] == String(third))
        // The connection drops; the client resends from the wrong place and is told where to resume.
        answer = try await api.send("PATCH", "/api/v1/uploads/\(upload)", body: bytes.suffix(10), headers: ["Upload-Offset": "5"])
        #expect(answer.status == 409 && answer.headers["upload-offset"] == String(third))
        #expect(try await api.send("GET", "/api/v1/uploads/\(upload)").json["offset"] as? Int == third)
        answer = try await api.send("PATCH", "/api/v1/uploads/\(upload)", body: bytes.dropFirst(third),
                                    headers: ["Upload-Offset": String(third)])
        #expect(answer.status == 200 && answer.json["complete"] as? Bool == true, "\(answer.json)")
        let original = try await api.send("GET", "/api/v1/versions/\(version)/download/original")
        #expect(original.body == bytes)
        #expect(try await api.send("GET", "/api/v1/uploads/\(upload)").status == 404, "a finished upload is gone")
        _ = server.stop()
    }

    @Test("downloads answer ranges (206, 416), ETags (304) and whole files")
    func ranges() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"])
        let api = server.api
        let (_, version) = try await api.makeVersion()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("dnxhr-25-tc10.mxf")))
        _ = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=tc10.mxf",
                               file: URL(fileURLWithPath: Fixture.path("dnxhr-25-tc10.mxf")))
        let path = "/api/v1/versions/\(version)/download/original"
        let whole = try await api.send("GET", path)
        #expect(whole.status == 200 && whole.body == bytes && whole.headers["accept-ranges"] == "bytes")
        #expect(whole.headers["content-type"] == "application/mxf")
        let etag = try #require(whole.headers["etag"])

        let middle = try await api.send("GET", path, headers: ["Range": "bytes=1000-1999"])
        #expect(middle.status == 206 && middle.body == bytes[1000...1999])
        #expect(middle.headers["content-range"] == "bytes 1000-1999/\(bytes.count)")
        let tail = try await api.send("GET", path, headers: ["Range": "bytes=-500"])
        #expect(tail.status == 206 && tail.body == bytes.suffix(500))
        let open = try await api.send("GET", path, headers: ["Range": "bytes=\(bytes.count - 10)-"])
        #expect(open.status == 206 && open.body == bytes.suffix(10))
        let beyond = try await api.send("GET", path, headers: ["Range": "bytes=\(bytes.count)-"])
        #expect(beyond.status == 416 && beyond.headers["content-range"] == "bytes */\(bytes.count)")
        let notModified = try await api.send("GET", path, headers: ["If-None-Match": etag])
        #expect(notModified.status == 304 && notModified.body.isEmpty)
        let several = try await api.send("GET", path, headers: ["Range": "bytes=0-1,5-6"])
        #expect(several.status == 200 && several.body == bytes, "several ranges: the whole file")
        _ = server.stop()
    }

    @Test("20 uploads at once all land, stored once")
    func concurrentUploads() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"])
        let api = server.api
        let (project, _) = try await api.makeVersion("first")
        var versions: [String] = []
        for number in 0..<20 { versions.append(try await api.makeVersion("v\(number)", project: project).version) }
        let source = URL(fileURLWithPath: Fixture.path("h264-2997df-tc005959.mov"))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for version in versions {
                group.addTask {
                    try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=clip.mov", file: source).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 202, count: 20))
        for version in versions {
            #expect(try await api.send("GET", "/api/v1/versions/\(version)").json["media_state"] as? String == "processing")
        }
        let queued = try await api.send("GET", "/api/v1/jobs?state=queued&kind=transcode").json
        #expect((queued["pagination"] as? [String: Any])?["total"] as? Int == 20)
        let stored = try FileManager.default.subpathsOfDirectory(atPath: directory.path("data/originals")).filter { $0.hasSuffix(".mov") }
        #expect(stored.count == 1, "content-addressed: the same bytes are kept once")
        _ = server.stop()
    }

    @Test("a worker killed mid-transcode: another completes the job, with no partial or duplicate outputs")
    func killedWorker() async throws {
        let directory = try TemporaryDirectory()
        let long = directory.path("long.mov")
        try Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24,trim=end_frame=480",
                                      "-c:v", "libx264", "-preset", "ultrafast", long])
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"])
        let api = server.api
        let (_, version) = try await api.makeVersion()
        let job = try #require(try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=long.mov",
                                                  file: URL(fileURLWithPath: long)).json["job"] as? [String: Any])
        let jobID = try #require(job["id"] as? String)

        let first = try WorkerProcess(dataDirectory: directory.path("data"), leaseSeconds: 3)
        // Wait until the transcode is under way.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, (try await api.send("GET", "/api/v1/jobs/\(jobID)").json["progress_done"] as? Int ?? 0) < 24 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(first.stop(SIGKILL) == SIGKILL)
        let running = try await api.send("GET", "/api/v1/jobs/\(jobID)").json
        #expect(running["state"] as? String == "running", "the dead worker's lease still stands")

        let second = try WorkerProcess(dataDirectory: directory.path("data"), leaseSeconds: 3)
        let ready = try await api.waitForMedia(version)
        #expect(ready["media_state"] as? String == "ready")
        let finished = try await api.send("GET", "/api/v1/jobs/\(jobID)").json
        #expect(finished["state"] as? String == "succeeded" && finished["attempts"] as? Int == 2, "\(finished)")

        let components = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]] ?? []
        let kinds = components.compactMap { $0["kind"] as? String }
        #expect(kinds.sorted() == ["filmstrip", "framemap", "original", "poster", "proxy"], "each once: \(kinds)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: directory.path("data/derived/\(version.lowercased())/review-1080"))
        #expect(runs.count == 1, "only the finished run's folder remains: \(runs)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path("data/derived/\(version.lowercased())/review-1080/\(runs[0])"))
        #expect(!files.contains { $0.hasPrefix(".partial") }, "\(files)")
        for component in components where component["kind"] as? String != "original" {
            let path = directory.path("data/" + (component["path"] as? String ?? ""))
            #expect(FileManager.default.fileExists(atPath: path))
        }
        _ = second.stop()
        _ = server.stop()
    }

    @Test("a worker that stalls past its lease: another completes the job, the stalled one's outputs are discarded, the job completes once")
    func lostLease() async throws {
        let directory = try TemporaryDirectory()
        let long = directory.path("long.mov")
        try Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24,trim=end_frame=480",
                                      "-c:v", "libx264", "-preset", "ultrafast", long])
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"])
        let api = server.api
        let receiver = try WebhookReceivers([.answer(200)])
        _ = try await api.send("POST", "/api/v1/webhooks", json: [
            "url": "http://localhost:\(receiver.ports[0])/dailies", "events": ["transcode.succeeded"]])
        let (_, version) = try await api.makeVersion()
        let job = try #require(try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=long.mov",
                                                  file: URL(fileURLWithPath: long)).json["job"] as? [String: Any])
        let jobID = try #require(job["id"] as? String)

        let stalled = try WorkerProcess(dataDirectory: directory.path("data"), leaseSeconds: 2, arguments: Self.loopbackForTests)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, (try await api.send("GET", "/api/v1/jobs/\(jobID)").json["progress_done"] as? Int ?? 0) < 24 {
            try await Task.sleep(for: .milliseconds(100))
        }
        // The worker stalls (a long GC pause, a frozen VM) without dying: its lease runs out.
        kill(stalled.process.processIdentifier, SIGSTOP)
        let rescuer = try WorkerProcess(dataDirectory: directory.path("data"), leaseSeconds: 2, arguments: Self.loopbackForTests)
        #expect(try await api.waitForMedia(version)["media_state"] as? String == "ready")
        let registered = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]] ?? []

        // The stalled worker wakes up, finds its lease gone, and drops what it made.
        kill(stalled.process.processIdentifier, SIGCONT)
        let folder = directory.path("data/derived/\(version.lowercased())/review-1080")
        let settle = Date().addingTimeInterval(60)
        while Date() < settle, (try FileManager.default.contentsOfDirectory(atPath: folder)).count > 1 {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(3))  // several of its heartbeats: time to do anything wrong
        #expect(stalled.process.isRunning, "losing a lease is a result, not a crash")
        // Both workers deliver webhooks: wait for the delivery, then a little more for any second one.
        try await receiver.wait { !$0.filter { $0.kind == "request" }.isEmpty }
        try await Task.sleep(for: .seconds(2))
        _ = stalled.stop()
        _ = rescuer.stop()

        let finished = try await api.send("GET", "/api/v1/jobs/\(jobID)").json
        #expect(finished["state"] as? String == "succeeded" && finished["attempts"] as? Int == 2, "\(finished)")
        let components = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]] ?? []
        #expect(components.compactMap { $0["id"] as? String }.sorted() == registered.compactMap { $0["id"] as? String }.sorted(),
                "the rescuer's registration stands, untouched")
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(runs.count == 1, "only the registered run's folder remains: \(runs)")
        for component in components where component["kind"] as? String != "original" {
            #expect(FileManager.default.fileExists(atPath: directory.path("data/" + (component["path"] as? String ?? ""))))
        }
        let succeeded = receiver.requests(0).filter { $0.headers["x-dailies-event"] == "transcode.succeeded" }
        #expect(succeeded.count == 1, "the job completed once: \(succeeded.count) transcode.succeeded deliveries")
        #expect(server.stop() == 0)
    }

    @Test("a worker crashing on a poison file: the job fails after its attempts with the reason, the server stays up")
    func crashingWorker() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--test-worker-crash-on", "poison"])
        let api = server.api
        let (project, version) = try await api.makeVersion()
        let job = try #require(try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=poison.mov",
                                                  file: URL(fileURLWithPath: Fixture.path("vp9-noaudio.webm"))).json["job"]
            as? [String: Any])
        let failed = try await api.waitForMedia(version, timeout: 120)
        #expect(failed["media_state"] as? String == "failed")
        #expect((failed["media_error"] as? String)?.contains("SIGABRT") == true, "\(failed)")
        let record = try await api.send("GET", "/api/v1/jobs/\(job["id"] as? String ?? "")").json
        #expect(record["state"] as? String == "failed" && record["attempts"] as? Int == 3, "\(record)")
        #expect((record["last_error"] as? String)?.contains("crashed (signal 6, SIGABRT)") == true)

        // The server is up, and its restarted worker handles good media.
        #expect(try await api.send("GET", "/healthz").status == 200)
        let (_, good) = try await api.makeVersion("sh020_comp", project: project)
        _ = try await api.send("PUT", "/api/v1/versions/\(good)/media?filename=good.webm",
                               file: URL(fileURLWithPath: Fixture.path("vp9-noaudio.webm")))
        #expect(try await api.waitForMedia(good)["media_state"] as? String == "ready")
        #expect(server.stop() == 0)
    }

    @Test("a 2 GB upload keeps the server's memory flat")
    func largeUpload() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"])
        let api = server.api
        let (_, version) = try await api.makeVersion()
        let big = directory.path("big.bin")
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 2 << 30)  // sparse: reads as zeros without taking the disk twice
        try handle.close()
        let before = server.peakResidentKilobytes
        let answer = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=big.bin",
                                        file: URL(fileURLWithPath: big))
        #expect(answer.status == 202)
        let after = server.peakResidentKilobytes
        #expect(before > 0 && after - before < 64 * 1024, "peak RSS grew from \(before) KiB to \(after) KiB")
        let original = try #require(answer.json["original"] as? [String: Any])
        #expect(original["size"] as? Int == 2 << 30)
        _ = server.stop()
    }

    @Test("reprocess: enqueues a project, shows progress, skips what is up to date, and can cancel and retry jobs")
    func reprocess() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"))
        let api = server.api
        let (project, first) = try await api.makeVersion("a")
        let (_, second) = try await api.makeVersion("b", project: project)
        for version in [first, second] {
            _ = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=clip.webm",
                                   file: URL(fileURLWithPath: Fixture.path("vp9-noaudio.webm")))
            _ = try await api.waitForMedia(version)
        }
        let data = ["--data-dir", directory.path("data")]
        let upToDate = try dailies(["reprocess", "--project", project] + data)
        #expect(upToDate.status == 0 && upToDate.standardOutputText.contains("0 to process, 2 up to date"))
        let draft = try dailies(["reprocess", "--project", project, "--profile", "draft-540"] + data)
        #expect(draft.status == 0, "\(draft.standardErrorText)")
        #expect(draft.standardOutputText.contains("2 to process") && draft.standardOutputText.contains("done: 2 succeeded"))
        #expect(draft.standardErrorText.contains("2/2 versions, 0 failed"), "progress: \(draft.standardErrorText)")
        let again = try dailies(["reprocess", "--project", project, "--profile", "draft-540"] + data)
        #expect(again.standardOutputText.contains("0 to process, 2 up to date"), "a rerun resumes: nothing left")

        // Through the API as well, with cancel and retry.
        let started = try await api.send("POST", "/api/v1/projects/\(project)/reprocess", json: ["profile": "review-720"])
        #expect(started.status == 202 && started.json["enqueued"] as? Int == 2)
        let batch = try #require(started.json["batch_id"] as? String)
        let jobs = started.json["jobs"] as? [[String: Any]] ?? []
        let cancelled = try await api.send("POST", "/api/v1/jobs/\(jobs[1]["id"] as? String ?? "")/cancel").json
        #expect(["cancelled", "running", "succeeded"].contains(cancelled["state"] as? String ?? ""))
        var summary: [String: Any] = [:]
        for _ in 0..<240 {
            summary = try await api.send("GET", "/api/v1/batches/\(batch)").json
            if summary["active"] as? Int == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(summary["active"] as? Int == 0 && summary["total"] as? Int == 2, "\(summary)")
        let states = try await api.send("GET", "/api/v1/jobs?batch_id=\(batch)").json["data"] as? [[String: Any]] ?? []
        if let stopped = states.first(where: { $0["state"] as? String == "cancelled" }) {
            let retried = try await api.send("POST", "/api/v1/jobs/\(stopped["id"] as? String ?? "")/retry").json
            #expect(retried["state"] as? String == "queued" && retried["attempts"] as? Int == 0)
        }
        _ = server.stop()
    }

    @Test("a version's display transform, set at ingest and through the API, reaches its outputs; a reprocess remakes what a changed setting touches, and only that")
    func displayTransformAndReprocessKey() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"))
        let api = server.api
        let data = ["--data-dir", directory.path("data")]
        // A movie (no gaps, no alpha) and a linear EXR sequence with gaps, ingested as "none".
        let (project, movie) = try await api.makeVersion("movie")
        _ = try await api.send("PUT", "/api/v1/versions/\(movie)/media?filename=clip.webm",
                               file: URL(fileURLWithPath: Fixture.path("vp9-noaudio.webm")))
        let ingested = try dailies(["ingest", "--project", project, "--name", "plate", "--display-transform", "none",
                                    Fixture.path("exr-gaps/plate.%04d.exr")] + data)
        #expect(ingested.status == 0, "\(ingested.standardErrorText)")
        let versions = try await api.send("GET", "/api/v1/projects/\(project)/versions").json["data"] as? [[String: Any]] ?? []
        let plate = try #require(versions.first { $0["name"] as? String == "plate" }?["id"] as? String)
        #expect(versions.first { $0["name"] as? String == "plate" }?["display_transform"] as? String == "none")
        #expect(versions.first { $0["name"] as? String == "movie" }?["display_transform"] == nil)
        for version in [movie, plate] { _ = try await api.waitForMedia(version) }

        /// What the proxy of `version` says of its pictures.
        func proxyTransform(_ version: String) async throws -> String? {
            let components = try await api.send("GET", "/api/v1/versions/\(version)/components").json["data"] as? [[String: Any]]
            let proxy = components?.first { $0["kind"] as? String == "proxy" }
            return (proxy?["media_info"] as? [String: Any])?["display_transform"] as? String
        }
        let (plateMade, movieMade) = (try await proxyTransform(plate), try await proxyTransform(movie))
        #expect(plateMade == "none" && movieMade == "none")
        func reprocess() throws -> String {
            let run = try dailies(["reprocess", "--project", project] + data)
            #expect(run.status == 0, "\(run.standardErrorText)")
            return run.standardOutputText
        }
        #expect(try reprocess().contains("0 to process, 2 up to date"))

        // The override cleared through the API: the EXR's own description (linear) decides at the reprocess.
        let cleared = try await api.send("PATCH", "/api/v1/versions/\(plate)", json: ["display_transform": NSNull()])
        #expect(cleared.status == 200 && cleared.json["display_transform"] == nil)
        #expect(try reprocess().contains("1 to process, 1 up to date"))
        #expect(try await proxyTransform(plate) == "srgb")
        #expect(try reprocess().contains("0 to process, 2 up to date"))

        // A project's gap fill touches the sequence with gaps, not the movie; its alpha background neither (no alpha).
        let patched = try await api.send("PATCH", "/api/v1/projects/\(project)",
                                         json: ["defaults": ["gap_fill": "slate", "alpha_background": "checkerboard"]])
        #expect((patched.json["defaults"] as? [String: Any])?["alpha_background"] as? String == "checkerboard")
        #expect(try reprocess().contains("1 to process, 1 up to date"))
        let media = try await api.send("GET", "/api/v1/versions/\(plate)/components").json["data"] as? [[String: Any]]
        let playback = media?.first { $0["kind"] as? String == "proxy" }?["media_info"] as? [String: Any]
        #expect(playback?["gap_fill"] as? String == "slate" && playback?["alpha_background"] == nil)
        let refused = try await api.send("PATCH", "/api/v1/versions/\(plate)", json: ["display_transform": "aces"])
        #expect(refused.status == 400)
        _ = server.stop()
    }

    @Test("a receiver that accepts and never answers holds one delivery slot: a healthy receiver hears everything meanwhile")
    func deadReceiverDoesNotStarveOthers() async throws {
        let receivers = try WebhookReceivers([.neverAnswer, .answer(200)])
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: ["--no-worker"] + Self.loopbackForTests)
        let api = server.api
        // The dead receiver's webhook is the older, so by age alone its deliveries would come first.
        for port in receivers.ports {
            let hook = try await api.send("POST", "/api/v1/webhooks", json: [
                "url": "http://localhost:\(port)/hook", "events": ["media.uploaded"]])
            #expect(hook.status == 201, "\(hook.json)")
        }
        let (project, _) = try await api.makeVersion("first")
        for number in 0..<3 {
            let version = try await api.makeVersion("v\(number)", project: project).version
            let upload = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=clip\(number).bin",
                                            body: Data("not media \(number)".utf8))
            #expect(upload.status == 202)
        }
        let queued = try await api.send("GET", "/api/v1/jobs?state=queued&kind=webhook").json
        #expect((queued["pagination"] as? [String: Any])?["total"] as? Int == 6, "three deliveries to each receiver wait")

        let worker = try WorkerProcess(dataDirectory: directory.path("data"), arguments: Self.loopbackForTests)
        let events = try await receivers.wait { events in events.filter { $0.receiver == 1 && $0.kind == "request" }.count == 3 }
        let third = try #require(events.indices.filter { events[$0].receiver == 1 && events[$0].kind == "request" }.last,
                                 "the healthy receiver got all three deliveries")
        let meanwhile = events[...third].filter { $0.receiver == 0 }
        #expect(meanwhile.filter { $0.kind == "accepted" }.count <= 1, "the dead receiver holds at most one slot")
        #expect(!meanwhile.contains { $0.kind == "closed" },
                "the healthy receiver's deliveries all came while the dead one's first was still in flight: \(events.map(\.kind))")
        let dead = try await receivers.wait { events in events.contains { $0.receiver == 0 && $0.kind == "accepted" } }
        #expect(dead.filter { $0.receiver == 0 && $0.kind == "accepted" }.count == 1, "one delivery to the dead receiver at a time")
        _ = worker.stop()
        _ = server.stop()
    }

    @Test("a delivery to an address the worker may not reach fails for good, saying why; nothing reaches it")
    func refusedAddress() async throws {
        let receivers = try WebhookReceivers([.answer(200)])
        let directory = try TemporaryDirectory()
        // As in production: no test configuration, so loopback is refused.
        let server = try ServeProcess(dataDirectory: directory.path("data"))
        let api = server.api
        let literal = try await api.send("POST", "/api/v1/webhooks", json: [
            "url": "http://0x7f000001:\(receivers.ports[0])/hook", "events": ["media.uploaded"]])
        #expect(literal.status == 422)
        #expect(String(decoding: literal.body, as: UTF8.self).contains("refused: 0x7f000001 is 127.0.0.1, a loopback address"))
        // A name is judged when it is resolved, at each delivery.
        let hook = try await api.send("POST", "/api/v1/webhooks", json: [
            "url": "http://localhost:\(receivers.ports[0])/hook", "events": ["media.uploaded"]])
        #expect(hook.status == 201)
        let (_, version) = try await api.makeVersion()
        _ = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=clip.bin", body: Data("not media".utf8))
        let jobs = try await api.waitForDeliveries(ended: 1)
        let delivery = try #require(jobs.first)
        #expect(delivery["state"] as? String == "failed" && delivery["attempts"] as? Int == 1, "not retried: \(delivery)")
        #expect(delivery["last_error"] as? String == "refused: 127.0.0.1 is a loopback address (localhost resolves to it)")
        #expect(receivers.events().isEmpty)
        _ = server.stop()
    }

    @Test("a 302 answer fails the delivery for good; its Location is never visited")
    func redirectNotFollowed() async throws {
        let receivers = try WebhookReceivers([.redirect(toReceiver: 1), .answer(200)])
        let directory = try TemporaryDirectory()
        let server = try ServeProcess(dataDirectory: directory.path("data"), arguments: Self.loopbackForTests)
        let api = server.api
        let hook = try await api.send("POST", "/api/v1/webhooks", json: [
            "url": "http://localhost:\(receivers.ports[0])/hook", "events": ["media.uploaded"]])
        #expect(hook.status == 201)
        let (_, version) = try await api.makeVersion()
        _ = try await api.send("PUT", "/api/v1/versions/\(version)/media?filename=clip.bin", body: Data("not media".utf8))
        let jobs = try await api.waitForDeliveries(ended: 1)
        let delivery = try #require(jobs.first)
        #expect(delivery["state"] as? String == "failed" && delivery["attempts"] as? Int == 1, "\(delivery)")
        #expect(delivery["last_error"] as? String == "the receiver answered HTTP 302; redirects are not followed")
        #expect(try await receivers.requests(0, atLeast: 1).count == 1)
        #expect(receivers.requests(1).isEmpty, "the redirect's target heard nothing")
        _ = server.stop()
    }
}
