import Catalog
import Foundation
import Hummingbird
import Media

/// What a reprocess request did.
struct ReprocessStarted: Encodable {
    let batchID: UUID?
    let profile: String
    let enqueued: Int
    let upToDate: Int
    let withoutMedia: Int
    let jobs: [Job]

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", profile, enqueued, upToDate = "up_to_date", withoutMedia = "without_media", jobs
    }
}

/// The job queue, the workers, webhooks and batch reprocessing.
func addJobRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/jobs",
                  "Jobs, newest first, with their progress (?state=, ?kind=, ?batch_id=, ?project_id=, ?version_id=)", tag: "jobs",
                  parameters: Parameter.page + [
                      .query("state", .oneOf(Job.State.self), "Only jobs in this state"),
                      .query("kind", .oneOf(Job.Kind.self), "Only jobs of this kind"),
                      .query("batch_id", .uuid, "Only the jobs of this reprocess batch"),
                      .query("project_id", .uuid, "Only jobs working for this project: its versions' transcodes, its sessions' "
                                                  + "reports, receipts and notifications"),
                      .query("version_id", .uuid, "Only jobs working for this version: its transcodes and its comments' receipts"),
                  ],
                  response: "JobList") { input in
        // The route's declaration has checked each value.
        var filter = JobFilter()
        filter.state = input.query("state").flatMap(Job.State.init(rawValue:))
        filter.kind = input.query("kind").flatMap(Job.Kind.init(rawValue:))
        filter.batchID = input.query("batch_id").flatMap(UUID.init(uuidString:))
        filter.projectID = input.query("project_id").flatMap(UUID.init(uuidString:))
        filter.versionID = input.query("version_id").flatMap(UUID.init(uuidString:))
        return try JSONCoding.response(ListResponse(try await input.catalog.jobs(filter, page: try input.page())))
    }
    api.staff.add(.get, "/api/v1/jobs/{job_id}", "A job and its progress", tag: "jobs", response: "Job") { input in
        try JSONCoding.response(try await input.catalog.job(id: try input.id("job_id")))
    }
    api.staff.add(.post, "/api/v1/jobs/{job_id}/cancel", "Cancel a job: a queued one at once, a running one within seconds",
                  tag: "jobs", response: "Job", refusals: [.conflict("The job has already ended")]) { input in
        try JSONCoding.response(try await input.catalog.cancelJob(id: try input.id("job_id")))
    }
    api.staff.add(.post, "/api/v1/jobs/{job_id}/retry", "Queue a failed or cancelled job again", tag: "jobs", response: "Job",
                  refusals: [.conflict("The job has not failed nor been cancelled, or the same work is queued or running")]) { input in
        let job = try await input.catalog.retryJob(id: try input.id("job_id"))
        if job.kind == .transcode, let payload = try? job.decodePayload(TranscodeJob.self) {
            try await input.catalog.setMediaState(versionID: payload.versionID, .processing)
        }
        return try JSONCoding.response(job)
    }
    api.staff.add(.get, "/api/v1/workers", "Workers alive in the last 15 seconds", tag: "jobs", response: "WorkerList") { input in
        try JSONCoding.response(ListResponse(all: try await input.catalog.liveWorkers()))
    }
    api.staff.add(.post, "/api/v1/projects/{project_id}/reprocess",
                  "Transcode every version of a project again for a profile, skipping those up to date (or only the failed)",
                  tag: "jobs", body: .json(.object([
                      Schema.oneOf(ProxyProfile.builtIn.map(\.name)).described("The server's own by default").optional("profile"),
                      Schema.boolean.described("Only the versions whose last transcode failed").optional("only_failed"),
                  ]), example: #"{"profile": "review-1080", "only_failed": false}"#),
                  status: .accepted, response: "ReprocessStarted") { input in
        struct Body: Decodable {
            let profile: String?
            let onlyFailed: Bool?
            enum CodingKeys: String, CodingKey { case profile, onlyFailed = "only_failed" }
        }
        let body = try await input.body(Body.self)
        let profile = body.profile ?? input.services.ingest.profile
        guard ProxyProfile.named(profile) != nil else {
            throw CatalogError(.invalidField, "profile: no profile named \(profile)", field: "profile")
        }
        let projectID = try input.id("project_id")
        let plan = try await input.catalog.reprocessPlan(projectID: projectID, profile: profile, onlyFailed: body.onlyFailed ?? false,
                                                          pipelineVersion: Transcoder.pipelineVersion)
        var batchID: UUID?
        var jobs: [Job] = []
        if !plan.toProcess.isEmpty {
            (batchID, jobs) = try await input.catalog.enqueueReprocess(projectID: projectID, versionIDs: plan.toProcess,
                                                                       profile: profile)
        }
        return try JSONCoding.response(
            ReprocessStarted(batchID: batchID, profile: profile, enqueued: jobs.count, upToDate: plan.upToDate.count,
                             withoutMedia: plan.withoutMedia.count, jobs: jobs), status: .accepted)
    }
    api.staff.add(.get, "/api/v1/batches/{batch_id}", "How a reprocess batch stands", tag: "jobs", response: "BatchSummary") { input in
        try JSONCoding.response(try await input.catalog.batchSummary(id: try input.id("batch_id")))
    }
    api.admin.add(.get, "/api/v1/webhooks", "Webhooks (admins)", tag: "webhooks", response: "WebhookList") { input in
        try JSONCoding.response(ListResponse(all: try await input.catalog.webhooks()))
    }
    api.admin.add(.post, "/api/v1/webhooks",
                  "Subscribe an http(s) address to events; deliveries are signed with the secret in the answer; loopback, "
                      + "link-local and unlisted private addresses are refused (admins)", tag: "webhooks",
                  body: .json(.object([
                      Schema.httpURL.required("url"),
                      Schema.array(.oneOf(Webhook.Event.self), count: 1...Webhook.Event.allCases.count, unique: true).required("events"),
                      Schema.oneOf(Webhook.Audience.self)
                          .described("Who the receiver speaks for: staff (every event, the default) or clients (only feedback "
                                     + "any collaborator may see: never an internal comment, never a transfer)")
                          .optional("audience"),
                  ]), example: #"{"url": "https://pipeline.studio.example/dailies", "events": ["transcode.succeeded", "comment.created"], "audience": "staff"}"#),
                  status: .created, response: "Webhook",
                  refusals: [.rule("The address names a host (a name or an IP address, with a port from 1 to 65535), carries no "
                                   + "user name or password, and does not reach loopback, link-local or unlisted private "
                                   + "networks")]) { input in
        struct Body: Decodable {
            let url: String
            let events: [Webhook.Event]
            let audience: Webhook.Audience?
        }
        let body = try await input.body(Body.self)
        return try JSONCoding.response(try await input.catalog.createWebhook(url: body.url, events: body.events,
                                                                             audience: body.audience ?? .staff),
                                       status: .created)
    }
    api.admin.add(.delete, "/api/v1/webhooks/{webhook_id}", "Remove a webhook (admins)", tag: "webhooks", status: .noContent, response: .empty) { input in
        try await input.catalog.deleteWebhook(id: try input.id("webhook_id"))
        return Response(status: .noContent)
    }
}
