import ArgumentParser
import Catalog
import Foundation

/// `dailies bench-ftrack`: for `Scripts/bench-ftrack.sh`. Seeds a catalog the size of a busy
/// studio's (when it is empty), then times the lookups a typical ftrack script makes, made
/// directly through the Catalog, and prints them with what the script needs to time the same
/// lookups through `POST /api`.
struct BenchFtrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ftrack",
        abstract: "Seed a large catalog and time typical ftrack-script lookups made directly through the Catalog.",
        shouldDisplay: false)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Versions to seed.") var versions = 10_000
    @Option(help: "Sessions to seed (each holds versions / sessions of them).") var sessions = 500
    @Option(help: "Timed repetitions of each lookup.") var count = 200

    /// The lookups, as the script sends them through `POST /api` and as they are made here.
    struct Lookup: Encodable {
        var name: String
        var expression: String
        var p50Milliseconds: Double
        var p99Milliseconds: Double
    }

    struct Report: Encodable {
        var versions: Int
        var sessions: Int
        var seedSeconds: Double?
        /// A fresh key of the bench's admin, and their username, for the `POST /api` side.
        var apiKey: String
        var username: String
        var lookups: [Lookup]
    }

    func run() async throws {
        try await withCatalog(data) { catalog in
            let clock = ContinuousClock()
            var seedSeconds: Double?
            if try await catalog.project(named: "Bench") == nil {
                let started = clock.now
                try await seed(catalog)
                seedSeconds = (clock.now - started).seconds
            }
            let project = try await catalog.project(named: "Bench")!
            guard let admin = try await catalog.staffUser(username: "bench") else {
                throw ValidationError("the catalog has a Bench project but no staff member named bench: use a fresh data directory")
            }
            let key = try await catalog.createAPIKey(for: admin.id, label: "ftrack bench").secret
            let all = try await catalog.sessions(projectID: project.id, page: .all).items
            // A session in the middle, its first item and first invitee.
            let session = all.first { $0.title == "Session \(sessions / 2)" } ?? all[all.count / 2]
            let item = try await catalog.items(sessionID: session.id)[0]
            let invitee = try await catalog.collaborators(sessionID: session.id)[0]
            let version = try await catalog.version(id: item.versionID)

            var lookups: [Lookup] = []
            func time(_ name: String, _ expression: String, _ body: () async throws -> Void) async throws {
                for _ in 0..<5 { try await body() }
                var latencies: [Double] = []
                for _ in 0..<count {
                    let started = clock.now
                    try await body()
                    latencies.append((clock.now - started).seconds * 1000)
                }
                latencies.sort()
                lookups.append(Lookup(name: name, expression: expression, p50Milliseconds: latencies[latencies.count / 2],
                                      p99Milliseconds: latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]))
            }
            try await time("objects of a session by the project's name",
                           "select id, name, sort_order from ReviewSessionObject where review_session.name is \"\(session.title)\" "
                               + "and review_session.project.name is \"Bench\"") {
                // The catalog's own way: the project by name, its sessions, the one so named, its items.
                let project = try await catalog.project(named: "Bench")!
            guard let admin = try await catalog.staffUser(username: "bench") else {
                throw ValidationError("the catalog has a Bench project but no staff member named bench: use a fresh data directory")
            }
            let key = try await catalog.createAPIKey(for: admin.id, label: "ftrack bench").secret
                let found = try await catalog.sessions(projectID: project.id, page: .all).items.first { $0.title == session.title }!
                _ = try await catalog.items(sessionID: found.id)
            }
            try await time("statuses by invitee email",
                           "select status, review_session_object_id from ReviewSessionObjectStatus where invitee.email is \"\(invitee.email!)\"") {
                _ = try await catalog.statuses(sessionID: invitee.sessionID).filter { $0.collaborator.id == invitee.id }
            }
            try await time("notes of an object",
                           "select content, author.name from Note where parent_id is \(item.id.uuidString.lowercased())") {
                _ = try await catalog.comments(sessionID: item.sessionID, for: .staff(UUID()), filter: CommentFilter(itemID: item.id))
            }
            try await time("one attribute, lazily loaded",
                           "select version from AssetVersion where id is \(version.id.uuidString.lowercased())") {
                _ = try await catalog.version(id: version.id)
            }
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(Report(versions: versions, sessions: sessions, seedSeconds: seedSeconds,
                                                             apiKey: key.value, username: admin.username, lookups: lookups)), as: UTF8.self))
        }
    }

    /// `versions` versions of `versions / 20` assets, in sessions of equal size, each with two
    /// invitees (one has approved the first item) and a staff comment on the first item.
    private func seed(_ catalog: Catalog) async throws {
        let project = try await catalog.createProject(name: "Bench")
        let (staff, _) = try await catalog.createStaffUser(name: "Bench Producer", email: "bench@studio.example", username: "bench",
                                                           isAdmin: true)
        var versionIDs: [UUID] = []
        for index in 0..<versions {
            let asset = "sh\(String(format: "%04d", index / 20))_comp"
            versionIDs.append(try await catalog.createVersion(
                projectID: project.id, VersionFields(name: "\(asset)_v\(index % 20 + 1)", versionNumber: index % 20 + 1, asset: asset)).id)
        }
        let perSession = max(1, versions / sessions)
        for number in 0..<sessions {
            let chosen = Array(versionIDs[(number * perSession) % versions..<min(versions, (number * perSession) % versions + perSession)])
            let session = try await catalog.createSession(projectID: project.id, SessionFields(title: "Session \(number)"),
                                                          versionIDs: chosen, createdBy: staff.id)
            let items = try await catalog.items(sessionID: session.id)
            let (first, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Client \(number)",
                                                               email: "client\(number)@client.example")
            _ = try await catalog.addCollaborator(sessionID: session.id, name: "Supervisor \(number)",
                                                  email: "supervisor\(number)@client.example")
            _ = try await catalog.setStatus(.approved, sessionID: session.id, itemID: items[0].id, onBehalfOf: first.id, by: staff)
            _ = try await catalog.addComment(sessionID: session.id, itemID: items[0].id, CommentDraft(text: "Warmer, please"),
                                             by: .staff(staff))
        }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
