import ArgumentParser
import Catalog
import Foundation
import Logging
import Media
import Pipeline
import Report

/// `dailies report SESSION`: the session's PDF report, made as a job on the queue (which
/// this command runs itself, so no server needs to be up), or its comments as CSV, its
/// timeline as OpenTimelineIO or a CMX 3600 EDL.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Make a session's PDF report, or export its comments (CSV) and timeline (OTIO, EDL).",
        discussion: """
            The PDF is made by a report job on the queue, with its progress on standard error; this command \
            runs the job itself, so it works with or without a server. It shows every comment with its \
            frame's picture (the comment's receipt, or an exact grab) and its drawing, each item's statuses \
            with their history, and a cover. --format csv, otio and edl write the exports instead, to \
            standard output unless --output is given. Internal comments are left out unless --internal.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case pdf, csv, otio, edl
    }

    @OptionGroup var data: DataDirectoryOptions
    @Argument(help: "The session's id.") var session: String
    @Option(help: "pdf (the default), csv, otio or edl.") var format: Format = .pdf
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Where to write it. A PDF goes to '<session title> report.pdf' here by default; the exports to standard output.",
        valueName: "path"))
    var output: String?
    @Option(help: ArgumentHelp("Who it is made for: a staff member's email (the first admin by default).", valueName: "email"))
    var by: String?
    @Flag(help: "Include staff's internal comments.") var `internal` = false
    @Option(name: .customLong("item"), help: ArgumentHelp("An item's id; repeat for more (every item, by default).", valueName: "id"))
    var items: [String] = []
    @Option(help: ArgumentHelp("Only this collaborator's feedback: their statuses and the threads they started.", valueName: "id"))
    var collaborator: String?
    @Option(help: "OTIO: which file the clips point at, original or proxy.") var media: EditorialTimeline.MediaChoice = .proxy
    @Option(help: "EDL: avid (* LOC: lines, the default) or resolve (DaVinci Resolve's marker events).")
    var markers: EDLWriter.MarkerForm = .avidLocators

    func run() async throws {
        Libav.setLogLevel(.quiet)
        try await withCatalog(data) { catalog in
            let sessionID = try parseID(session)
            let user = try await requester(catalog)
            let options = ReportOptions(includeInternal: `internal`, itemIDs: items.isEmpty ? nil : try items.map(parseID),
                                        collaboratorID: try collaborator.map(parseID))
            guard let exportFormat else {
                try await pdf(sessionID: sessionID, options: options, user: user, catalog: catalog)
                return
            }
            let feedback = try await SessionFeedback.gather(sessionID: sessionID, for: .staff(user.id), options: options,
                                                            catalog: catalog)
            let export: SessionExport
            do {
                export = try SessionExport(feedback, format: exportFormat, media: media, baseURL: try await catalog.publicURL())
            } catch let error as EDLWriterError {
                // A refusal like the catalog's: said on standard error, exit status 65.
                throw CatalogError(.invalidField, error.message, field: "format")
            }
            if let output {
                try Data(export.bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
                printError("wrote \(output)")
            } else {
                FileHandle.standardOutput.write(Data(export.bytes))
            }
        }
    }

    /// The export asked for; `nil` for the PDF, which is a report job instead.
    private var exportFormat: SessionExport.Format? {
        switch format {
        case .pdf: nil
        case .csv: .csv
        case .otio: .otio
        case .edl: .edl(markers)
        }
    }

    /// The staff member named by --by, or the first active admin.
    private func requester(_ catalog: Catalog) async throws -> StaffUser {
        if let by { return try await staffUser(email: by, catalog) }
        guard let admin = try await catalog.staffUsers(page: try Page(limit: Page.maximumLimit, offset: 0)).items
            .first(where: { $0.isAdmin && $0.deactivatedAt == nil })
        else { throw CatalogError(.notFound, "no active admin to make the report for: name one with --by") }
        return admin
    }

    /// Puts the report on the queue, runs a report worker until it is made, and copies it out.
    private func pdf(sessionID: UUID, options: ReportOptions, user: StaffUser, catalog: Catalog) async throws {
        let (report, job) = try await catalog.requestReport(sessionID: sessionID, options: options, by: .staff(user))
        var logger = Logger(label: "dailies.report")
        logger.logLevel = .warning
        var configuration = PipelineWorker.Configuration(id: "report-\(ProcessInfo.processInfo.processIdentifier)-\(job.id.uuidString.prefix(8))")
        configuration.kinds = [.report]
        let store = try LocalBlobStore(dataDirectory: data.dataDirectory)
        let worker = PipelineWorker(catalog: catalog, store: store, configuration: configuration, logger: logger)
        let running = Task { try await worker.run() }
        let interrupts = InterruptHandler { worker.stop() }
        defer { withExtendedLifetime(interrupts) {} }

        var made = report
        var shown = ""
        while made.state == .queued {
            try await Task.sleep(for: .milliseconds(200))
            made = try await catalog.report(id: report.id)
            let current = try await catalog.job(id: job.id)
            if current.state == .cancelled || (current.state == .failed && made.state == .queued) {
                made.state = .failed
                made.error = current.lastError ?? "its job was \(current.state.rawValue)"
            }
            let line = current.progressTotal > 0 ? "report: \(current.progressDone) of \(current.progressTotal) pictures" : "report: gathering"
            if line != shown {
                printError(line)
                shown = line
            }
        }
        worker.stop()
        _ = try? await running.value
        guard made.state == .ready, let path = made.path else {
            throw CatalogError(.conflict, "the report failed: \(made.error ?? "no reason given")")
        }
        let session = try await catalog.session(id: sessionID)
        let target = output ?? SessionExport.fileName(session.title + " report", extension: "pdf")
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: store.absolutePath(path), toPath: target)
        print("\(target): \(made.pages ?? 0) pages, \(made.size ?? 0) bytes")
    }
}

extension EditorialTimeline.MediaChoice: ExpressibleByArgument {}
extension EDLWriter.MarkerForm: ExpressibleByArgument {}
