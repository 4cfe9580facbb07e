import ArgumentParser
import Catalog
import Foundation
import FrameTime

/// The admin commands work on the data directory's catalog directly (the server may be
/// running: the catalog is shared safely), so they need no server and no API key.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff members and their API keys.",
        subcommands: [Add.self, List.self, SetUsername.self, NewKey.self, SetPassword.self, Deactivate.self, Reactivate.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a staff member and print their new API key.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The person's name.") var name: String
        @Option(help: "Their email address.") var email: String
        @Option(help: "What scripts call them by (ftrack's FTRACK_API_USER); by default the email's local part.")
        var username: String?
        @Flag(help: "Let them manage staff and the studio's settings.") var admin = false

        func run() async throws {
            try await withCatalog(data) { catalog in
                let (user, key) = try await catalog.createStaffUser(name: name, email: email, username: username, isAdmin: admin)
                print("Added \(user.name) <\(user.email)>\(user.isAdmin ? " (admin)" : ""), username \(user.username), id \(user.id).")
                print("API key, shown only now:\n\n    \(key.value)\n")
            }
        }
    }

    struct SetUsername: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-username", abstract: "Give a staff member another username (what scripts call them by).")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "Their email address.") var email: String
        @Argument(help: "The new username: letters, digits and . _ - + @ (lowered).") var username: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                guard let user = try await catalog.staffUser(email: email) else {
                    throw ValidationError("no staff member has the email \(email)")
                }
                let changed = try await catalog.setUsername(username, userID: user.id)
                print("\(changed.name) <\(changed.email)> is now \(changed.username).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff members.")
        @OptionGroup var data: DataDirectoryOptions

        func run() async throws {
            try await withCatalog(data) { catalog in
                for user in try await catalog.staffUsers(page: .all).items {
                    print("\(user.id)  \(user.username)  \(user.name) <\(user.email)>\(user.isAdmin ? "  admin" : "")"
                          + (user.deactivatedAt == nil ? "" : "  deactivated"))
                }
            }
        }
    }

    struct NewKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new-key", abstract: "Issue another API key for a staff member.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The staff member's email.") var email: String
        @Option(help: "What the key is for (\"render farm\"), to tell it apart in the staff pages.") var label: String?

        func run() async throws {
            try await withCatalog(data) { catalog in
                print(try await catalog.createAPIKey(for: try await staffUser(email: email, catalog).id, label: label).secret.value)
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password", abstract: "Set the password a staff member signs in with from a browser.",
            discussion: """
                The password is read from standard input: typed twice without echo at a terminal, or \
                the first line of what is piped in (printf '%s\\n' "$PASSWORD" | dailies user set-password EMAIL). \
                It is \(TextRule.password.minimum) to \(TextRule.password.maximum) characters, stored only as a \
                scrypt hash, and setting it signs the member out of every browser.
                """)
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The staff member's email.") var email: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                // Known before asking: a mistyped email is told before anyone types a password.
                _ = try await staffUser(email: email, catalog)
                let user = try await catalog.setPassword(try PasswordInput.read(), forEmail: email)
                print("Set the password of \(user.name) <\(user.email)>; their browsers are signed out.")
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a staff member: their API keys and password stop working; their records stay.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The staff member's email.") var email: String

        func run() async throws {
            try await UserCommand.setDeactivated(true, email: email, data)
        }
    }

    struct Reactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a deactivated staff member in again.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The staff member's email.") var email: String

        func run() async throws {
            try await UserCommand.setDeactivated(false, email: email, data)
        }
    }

    /// Deactivates the staff member with `email`, or lets them in again, and says which.
    private static func setDeactivated(_ deactivated: Bool, email: String, _ data: DataDirectoryOptions) async throws {
        try await withCatalog(data) { catalog in
            let user = try await catalog.setDeactivated(deactivated, forEmail: email)
            print("\(deactivated ? "Deactivated" : "Reactivated") \(user.name) <\(user.email)>.")
        }
    }
}

/// A password from standard input: asked for twice without echo at a terminal (so a typo is
/// caught), or the first line of what is piped in (scripts).
enum PasswordInput {
    static func read() throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true) else {
                throw refusal("standard input is empty: pipe the password in, or run this at a terminal")
            }
            return line
        }
        let first = prompt("Password: ")
        guard prompt("Again: ") == first else { throw refusal("the two passwords typed differ; nothing was changed") }
        return first
    }

    private static func refusal(_ message: String) -> CatalogError {
        CatalogError(.invalidField, "password: \(message)", field: "password")
    }

    /// Asks on standard error and reads a line from the terminal with echo off.
    private static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        let saved = tcgetattr(STDIN_FILENO, &original) == 0
        if saved {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if saved { tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Manage projects.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a project.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The project's name.") var name: String
        @Option(help: "A short code, such as FT.") var code: String?
        @Option(help: "What frames of files missing from an image sequence show: hold (default), slate or black.")
        var gapFill: GapFill?
        @Option(help: "What transparent parts of its versions' pictures show: grey (default) or checkerboard.")
        var alphaBackground: AlphaBackground?

        func run() async throws {
            try await withCatalog(data) { catalog in
                let project = try await catalog.createProject(
                    name: name, code: code, defaults: ProjectDefaultsUpdate(gapFill: gapFill, alphaBackground: alphaBackground))
                print("Created project \(project.name), id \(project.id).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List projects.")
        @OptionGroup var data: DataDirectoryOptions

        func run() async throws {
            try await withCatalog(data) { catalog in
                for project in try await catalog.projects(page: .all).items {
                    print("\(project.id)  \(project.name)\(project.code.map { "  [\($0)]" } ?? "")")
                }
            }
        }
    }
}

struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Manage review sessions.",
        subcommands: [Add.self, List.self, Close.self, Reopen.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a review session in a project.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The project's name or id.") var project: String
        @Option(help: "The session's title.") var title: String?

        func run() async throws {
            try await withCatalog(data) { catalog in
                let project = try await resolveProject(project, catalog)
                let session = try await catalog.createSession(projectID: project.id, SessionFields(title: title))
                print("Created \"\(session.title)\", id \(session.id), open \(session.startsAt.ISO8601Format()) – \(session.endsAt.ISO8601Format()).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a project's review sessions.")
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "The project's name or id.") var project: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                let project = try await resolveProject(project, catalog)
                for session in try await catalog.sessions(projectID: project.id, page: .all).items {
                    print("\(session.id)  \(session.title)  \(session.isClosed ? "closed" : "open")  until \(session.endsAt.ISO8601Format())")
                }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a session: read-only until reopened.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The session's id.") var id: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                let session = try await catalog.closeSession(id: try parseID(id))
                print("Closed \"\(session.title)\".")
            }
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a closed session.")
        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: "The session's id.") var id: String

        func run() async throws {
            try await withCatalog(data) { catalog in
                let session = try await catalog.reopenSession(id: try parseID(id))
                print("Reopened \"\(session.title)\".")
            }
        }
    }
}

/// Runs `body` on the data directory's catalog, closing it after, and turns a catalog
/// refusal into its message and exit status 65.
func withCatalog(_ data: DataDirectoryOptions, _ body: (Catalog) async throws -> Void) async throws {
    let catalog = try await data.openCatalog()
    do {
        try await body(catalog)
        try await catalog.close()
    } catch let error as CatalogError {
        try? await catalog.close()
        printError("dailies: \(error.code): \(error.message)")
        throw ExitCode(65)
    } catch {
        try? await catalog.close()
        throw error
    }
}

func parseID(_ text: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw CatalogError(.invalidField, "'\(text)' is not an id", field: "id") }
    return id
}

func resolveProject(_ nameOrID: String, _ catalog: Catalog) async throws -> Project {
    if let id = UUID(uuidString: nameOrID) { return try await catalog.project(id: id) }
    guard let project = try await catalog.project(named: nameOrID) else {
        throw CatalogError(.notFound, "no project named \(nameOrID)")
    }
    return project
}
