import ArgumentParser
import Catalog
import Foundation
import Logging
import Media
import Pipeline
import ReviewServer

/// Where everything is kept: the data directory (media, mail outbox, and on the embedded
/// default the catalog), and the catalog's database when it is elsewhere.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "The data directory: media, mail outbox, and the catalog unless --database says otherwise. Also DAILIES_DATA. "
            + "Servers and workers on several machines share one (a network mount) with one PostgreSQL catalog.",
        valueName: "dir"))
    var dataDirectory: String = ProcessInfo.processInfo.environment["DAILIES_DATA"] ?? "dailies-data"

    @Option(name: .customLong("database"), help: ArgumentHelp(
        "The catalog: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require] to share it "
            + "between servers and workers on many machines, or sqlite:PATH. Also DATABASE_URL. "
            + "Default: catalog.sqlite in the data directory.", valueName: "url"))
    var database: String? = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Where the catalog is.
    func catalogAddress() throws -> CatalogAddress {
        guard let database else { return .embedded(dataDirectory: dataDirectory) }
        do {
            return try CatalogAddress(parsing: database)
        } catch {
            throw ValidationError("--database: \(error.message)")
        }
    }

    func openCatalog() async throws -> Catalog {
        var logger = Logger(label: "dailies.catalog")
        logger.logLevel = .warning
        let address = try catalogAddress()
        if case .sqlite = address {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        }
        return try await Catalog.open(address, logger: logger)
    }
}

/// `dailies serve`: the review server on the embedded default.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the review server: the REST API, collaborator access, and the catalog in the data directory.",
        discussion: """
            On first start with an empty catalog it creates an admin and prints the admin's API key \
            once: keep it. Staff call the API with 'Authorization: Bearer <key>'. Its worker delivers \
            mail (invitations, notifications) to the maildir DIR/outbox unless --smtp-host is given; \
            SMTP uses STARTTLS when the relay offers it (--smtp-security), and AUTH only over TLS. \
            Stops cleanly on Ctrl-C or SIGTERM.
            """)

    @OptionGroup var data: DataDirectoryOptions

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: ArgumentHelp("The address people reach the server at, for links in invitations.", valueName: "url"))
    var publicURL: String?

    @OptionGroup var mail: MailOptions

    @Flag(help: "Do not start a worker: transcodes wait for a separate 'dailies worker'.")
    var noWorker = false

    @Option(help: "Transcodes the supervised worker runs at once.")
    var workerConcurrency = 1

    @Option(help: ArgumentHelp("The largest upload accepted, in GiB.", valueName: "GiB"))
    var maxUpload = 200

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "A reverse proxy in front of the server (an address or CIDR range; repeat for more) whose X-Forwarded-For "
            + "header gives the client's address for throttles. From anyone else the header is ignored.",
        valueName: "address"))
    var trustedProxies: [String] = []

    @Option(help: ArgumentHelp(
        "Frame grabs queued or running at once; past that a grab answers 503 with Retry-After.", valueName: "count"))
    var frameGrabLimit = 256

    @Option(name: .customLong("allowed-origin"), help: ArgumentHelp(
        "Another origin whose pages may open the session rooms (repeat for more), such as https://review.lan:8443. "
            + "The public URL's origin and the address the request came to are always allowed.",
        valueName: "origin"))
    var allowedOrigins: [String] = []

    @Option(help: ArgumentHelp("For tests only: the supervised worker crashes on originals whose name contains this.",
                               visibility: .private))
    var testWorkerCrashOn: String?

    @Flag(help: ArgumentHelp("For tests only: the supervised worker's webhooks may reach loopback.", visibility: .private))
    var testWebhookLoopback = false

    @Option(help: ArgumentHelp("For tests only: drop the connection once, after this many bytes of upload chunks arrived.",
                               valueName: "bytes", visibility: .private))
    var testDropUploadAfter: Int64?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard (1...64).contains(workerConcurrency) else { throw ValidationError("--worker-concurrency must be 1 to 64") }
        guard maxUpload > 0 else { throw ValidationError("--max-upload must be at least 1 GiB") }
        guard (1...4096).contains(frameGrabLimit) else { throw ValidationError("--frame-grab-limit must be 1 to 4096") }
        for proxy in trustedProxies where !ServerConfiguration.isAddressOrRange(proxy) {
            throw ValidationError("--trusted-proxy '\(proxy)' is not an IP address or a CIDR range such as 10.0.0.0/8")
        }
        for origin in allowedOrigins where URL(string: origin)?.host == nil {
            throw ValidationError("--allowed-origin '\(origin)' is not an origin such as https://review.lan:8443")
        }
        if let publicURL, URL(string: publicURL)?.scheme == nil {
            throw ValidationError("--public-url must be a full address such as https://review.studio.example")
        }
    }

    func run() async throws {
        // What goes wrong with a frame grab or a logo is answered through MediaError, not libav's own lines.
        Libav.setLogLevel(.quiet)
        try await withCatalog(data) { catalog in
            // The first admin's link to choose a password: printed with the address once it is known.
            var firstAdminLink: PasswordLink?
            if try await catalog.staffUserCount() == 0 {
                let (admin, key) = try await catalog.createStaffUser(name: "Admin", email: "admin@dailies.local", isAdmin: true)
                firstAdminLink = try await catalog.issuePasswordLink(staffID: admin.id)
                print("""
                    First start: created the admin (admin@dailies.local). Its API key, shown only now:

                        \(key.value)

                    """)
            }
            let adminPasswordLink = firstAdminLink
            var configuration = ServerConfiguration(host: host, port: port, dataDirectory: data.dataDirectory,
                                                    publicURL: publicURL, maximumUpload: Int64(maxUpload) << 30,
                                                    trustedProxies: trustedProxies, frameGrabLimit: frameGrabLimit,
                                                    allowedOrigins: allowedOrigins)
            configuration.testDropUploadAfter = testDropUploadAfter
            var logger = Logger(label: "dailies.server")
            logger.logLevel = .info
            let supervisor = noWorker ? nil : WorkerSupervisor(
                executable: currentExecutable(), dataDirectory: data.dataDirectory, concurrency: workerConcurrency,
                catalog: catalog,
                extraArguments: mail.workerArguments + (testWorkerCrashOn.map { ["--test-crash-on", $0] } ?? [])
                    + (testWebhookLoopback ? ["--test-webhook-loopback"] : []))
            try await runServer(configuration, catalog: catalog, supervisor: supervisor, logger: logger) { url in
                print("""
                    Dailies is listening on \(url)   (data: \(data.dataDirectory), catalog: \(catalog.address))
                    Try:  curl -H "Authorization: Bearer <API key>" \(url)/api/v1/projects
                    API:  \(url)/api/v1/openapi.json
                    """)
                if let link = adminPasswordLink {
                    let days = PasswordLink.lifetime / 86_400
                    print("""
                        Set the admin's password here (one use, within \(days) days); the staff pages are at \(publicURL ?? url)/staff
                            \(publicURL ?? url)/staff/set-password/\(link.token.value)
                        """)
                }
                fflush(nil)  // all streams: a log collector sees the address at once
            }
        }
    }
}

/// This program's own path, to start workers from.
func currentExecutable() -> String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
}
