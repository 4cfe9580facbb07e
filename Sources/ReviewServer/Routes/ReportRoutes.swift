import Catalog
import Foundation
import Hummingbird
import Report

/// PDF reports of a session's feedback: asked for here, made by a job on the queue (whose
/// progress the report shows), downloaded once ready. Staff may always; collaborators where
/// the session's `allow_exports` says so, and then the report shows what they may see.
func addReportRoutes(_ api: APIRoutes) {
    let base = "/api/v1/review/sessions/{session_id}/reports"
    let forbidden = Refusal(.forbidden, "The session's reports are for staff only, or internal comments were asked for by a collaborator")
    api.participant.add(.post, base, "Make a PDF report of the session's feedback (a job; follow its progress on the report)",
                        tag: "reports", body: .json(reportOptions, example: #"{"internal": false}"#), status: .accepted,
                        response: "Report", refusals: [forbidden, .rule("items and the collaborator are the session's")]) { input in
        let options = try await input.body(ReportOptions.self)
        let (report, job) = try await input.catalog.requestReport(sessionID: try input.id("session_id"), options: options,
                                                                  by: input.caller)
        return try JSONCoding.response(ReportView(report, job: job), status: .accepted)
    }
    api.participant.add(.get, base, "The session's reports, newest first (a collaborator sees those made for them)",
                        tag: "reports", response: "ReportList", refusals: [forbidden]) { input in
        let viewer = input.caller.viewer
        let sessionID = try input.id("session_id")
        try input.catalog.checkExports(try await input.catalog.session(id: sessionID), for: viewer)
        var views: [ReportView] = []
        for report in try await input.catalog.reports(sessionID: sessionID, for: viewer) {
            views.append(ReportView(report, job: try? await input.catalog.job(id: report.jobID)))
        }
        return try JSONCoding.response(ListResponse(all: views))
    }
    api.participant.add(.get, base + "/{report_id}", "A report: its state, and its job's progress while it is made",
                        tag: "reports", response: "Report", refusals: [forbidden]) { input in
        let report = try await visibleReport(input)
        return try JSONCoding.response(ReportView(report, job: try? await input.catalog.job(id: report.jobID)))
    }
    api.participant.add(.get, base + "/{report_id}/pdf", "Download a ready report's PDF", tag: "reports",
                        response: .file(["application/pdf"]),
                        refusals: [forbidden, .conflict("The report is not ready: it is being made, or it failed")]) { input in
        let report = try await visibleReport(input)
        guard report.state == .ready, let path = report.path, let sha256 = report.sha256 else {
            throw APIError(status: .conflict, code: "report_not_ready",
                           message: report.state == .failed ? "the report failed: \(report.error ?? "no reason given")"
                               : "the report is still being made: follow its progress at \(ReportView.path(report))")
        }
        let session = try await input.catalog.session(id: report.sessionID)
        return try await FileResponse.serve(path: input.services.store.absolutePath(path), sha256: sha256,
                                            downloadName: SessionExport.fileName(session.title + " report", extension: "pdf"), contentType: "application/pdf",
                                            request: input.request, context: input.context)
    }

    // The exports: made on the spot for the caller, with the same rules as the report.
    let exportParameters: [Parameter] = [
        .query("internal", .boolean, "Staff's internal comments too (staff only)"),
        .query("items", .string, "Only these items: their ids, separated by commas"),
        .query("collaborator", .uuid, "Only this collaborator's feedback"),
    ]
    // Each export's own parameters, and how it reads them (a route reads only what it declares).
    typealias ExportChoice = @Sendable (RouteInput<FeedbackActor>) -> (SessionExport.Format, EditorialTimeline.MediaChoice)
    let exports: [(String, String, [Parameter], String, ExportChoice)] = [
        ("comments.csv", "The session's comments as CSV (RFC 4180; cells that would run as spreadsheet formulas made inert)",
         [], "text/csv", { _ in (.csv, .proxy) }),
        ("timeline.otio", "The session as an OpenTimelineIO timeline: a clip per item, a marker per comment", [
            .query("media", .oneOf(EditorialTimeline.MediaChoice.allCases.map(\.rawValue)),
                   "Which file the clips point at: proxy (the default) or original"),
        ], "application/json", { input in (.otio, EditorialTimeline.MediaChoice(rawValue: input.query("media") ?? "") ?? .proxy) }),
        ("timeline.edl", "The session as a CMX 3600 EDL: an event per item, a locator per comment (one rate per EDL)", [
            .query("markers", .oneOf(EDLWriter.MarkerForm.allCases.map(\.rawValue)),
                   "avid: * LOC: lines (the default); resolve: DaVinci Resolve's marker events"),
        ], "text/plain", { input in (.edl(EDLWriter.MarkerForm(rawValue: input.query("markers") ?? "") ?? .avidLocators), .proxy) }),
    ]
    for (name, summary, parameters, mediaType, choice) in exports {
        api.participant.add(.get, "/api/v1/review/sessions/{session_id}/exports/\(name)", summary, tag: "reports",
                            parameters: exportParameters + parameters, response: .file([mediaType]),
                            refusals: [forbidden, .rule("One EDL has one rate: items at different rates are named")]) { input in
            let viewer = input.caller.viewer
            let sessionID = try input.id("session_id")
            try input.catalog.checkExports(try await input.catalog.session(id: sessionID), for: viewer)
            let items = try input.query("items").map { text in
                try text.split(separator: ",").map { part in
                    guard let id = UUID(uuidString: part.trimmingCharacters(in: .whitespaces)) else {
                        throw APIError(status: .unprocessableContent, code: "invalid_field", message: "items: '\(part)' is not an id")
                    }
                    return id
                }
            }
            let options = ReportOptions(includeInternal: input.query("internal") == "true", itemIDs: items,
                                        collaboratorID: input.query("collaborator").flatMap(UUID.init(uuidString:)))
            let feedback = try await SessionFeedback.gather(sessionID: sessionID, for: viewer, options: options,
                                                            catalog: input.catalog)
            let (format, media) = choice(input)
            let export: SessionExport
            do {
                export = try SessionExport(feedback, format: format, media: media,
                                           baseURL: input.services.publicAddress.url)
            } catch let error as EDLWriterError {
                throw APIError(status: .unprocessableContent, code: error.code.description, message: error.message)
            }
            return Response(status: .ok, headers: [
                .contentType: export.contentType, .contentDisposition: FileResponse.disposition(export.fileName),
                .cacheControl: "private, no-store",
            ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: export.bytes)))
        }
    }
}

/// The report of the path, if the caller may see it; a collaborator where the session no
/// longer allows exports is refused.
private func visibleReport(_ input: RouteInput<FeedbackActor>) async throws -> SessionReport {
    let sessionID = try input.id("session_id")
    try input.catalog.checkExports(try await input.catalog.session(id: sessionID), for: input.caller.viewer)
    return try await input.catalog.report(id: try input.id("report_id"), sessionID: sessionID, for: input.caller.viewer)
}

/// What a report or an export covers.
let reportOptions = Schema.object([
    Schema.boolean.described("Staff's internal comments too (staff only)").optional("internal"),
    Schema.array(.uuid).described("Only these items (all by default)").optional("items"),
    Schema.uuid.described("Only this collaborator's feedback: their statuses and the threads they started").optional("collaborator"),
])

/// A report as the API shows it: its state, its job's progress while it is made, and
/// once ready where to download it.
struct ReportView: Encodable, Sendable {
    struct Progress: Encodable, Sendable {
        let jobID: UUID
        let state: Job.State
        let done: Int
        let total: Int

        enum CodingKeys: String, CodingKey { case jobID = "job_id", state, done, total }
    }

    let report: SessionReport
    let job: Job?

    init(_ report: SessionReport, job: Job?) {
        self.report = report
        self.job = job
    }

    static func path(_ report: SessionReport) -> String {
        "/api/v1/review/sessions/\(report.sessionID)/reports/\(report.id)"
    }

    /// A report whose job ended without making it (cancelled by staff) failed, whatever its row says yet.
    var state: SessionReport.State {
        if report.state == .queued, let job, job.state == .cancelled || job.state == .failed { return .failed }
        return report.state
    }

    enum CodingKeys: String, CodingKey {
        case id, sessionID = "session_id", state, requestedBy = "requested_by", options, progress, pages, pictures, size, sha256
        case error, pdfURL = "pdf_url", createdAt = "created_at", finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.id, forKey: .id)
        try container.encode(report.sessionID, forKey: .sessionID)
        try container.encode(state, forKey: .state)
        try container.encode(report.requestedBy, forKey: .requestedBy)
        try container.encode(report.options, forKey: .options)
        if let job {
            try container.encode(Progress(jobID: job.id, state: job.state, done: job.progressDone, total: job.progressTotal),
                                 forKey: .progress)
        }
        try container.encodeIfPresent(report.pages, forKey: .pages)
        if state == .ready { try container.encode(report.pictures, forKey: .pictures) }
        try container.encodeIfPresent(report.size, forKey: .size)
        try container.encodeIfPresent(report.sha256, forKey: .sha256)
        let error = report.error ?? (state == .failed ? job.map { $0.lastError ?? "its job was \($0.state.rawValue)" } : nil)
        try container.encodeIfPresent(error, forKey: .error)
        if state == .ready { try container.encode(Self.path(report) + "/pdf", forKey: .pdfURL) }
        try container.encode(report.createdAt, forKey: .createdAt)
        try container.encodeIfPresent(report.finishedAt, forKey: .finishedAt)
    }
}
