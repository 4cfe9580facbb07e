import ArgumentParser
import Catalog
import Foundation
import Logging

/// `dailies catalog`: moving the catalog itself between engines, which no server or worker
/// may be running on while it happens.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Move the catalog from its embedded SQLite file to PostgreSQL.",
        subcommands: [Copy.self, Verify.self])

    /// The two ends of a move, as both subcommands take them.
    struct Endpoints: ParsableArguments {
        @Option(help: ArgumentHelp("The embedded catalog to copy from: sqlite:PATH, as in sqlite:dailies-data/catalog.sqlite.",
                                   valueName: "sqlite:path"))
        var from: String

        @Option(help: ArgumentHelp("The PostgreSQL database to copy to: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
                                       + "[?sslmode=disable|prefer|require]. It must exist, and its catalog tables be empty.",
                                   valueName: "url"))
        var to: String

        /// Both ends, refused before anything is opened unless they are a SQLite file and a
        /// PostgreSQL URL.
        func addresses() throws -> (source: CatalogAddress, target: CatalogAddress) {
            let source = try Self.parse(from, "--from")
            let target = try Self.parse(to, "--to")
            guard case .sqlite = source else {
                throw ValidationError("--from: \(source) is not an embedded catalog: give sqlite:PATH")
            }
            guard case .postgres = target else {
                throw ValidationError("--to: \(target) is not PostgreSQL: give a postgres:// URL")
            }
            return (source, target)
        }

        func validate() throws {
            _ = try addresses()
        }

        private static func parse(_ text: String, _ option: String) throws -> CatalogAddress {
            do {
                return try CatalogAddress(parsing: text)
            } catch {
                // Its message names the field it knows (`database`); here the option is the name.
                let message = error.field.map { error.message.replacingOccurrences(of: "\($0): ", with: "") } ?? error.message
                throw ValidationError("\(option): \(message)")
            }
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an embedded catalog into an empty PostgreSQL database, every row as it is.",
            discussion: """
                Stop every server and worker on the embedded catalog first: the copy refuses while one has \
                said it is alive within the last 15 s, and holds the catalog's write lock while it runs, so \
                nothing written meanwhile is lost. The PostgreSQL database must exist (createdb, or CREATE \
                DATABASE) and hold no catalog rows: one a server has opened is not empty. The schema and \
                every row go in one transaction, which commits only once each table's row count and \
                checksum match the source's; on any failure the target is left as it was. The data \
                directory's media stays where it is: start servers and workers with the same --data-dir \
                and --database set to the new URL (or DATABASE_URL).
                """)

        @OptionGroup var endpoints: Endpoints

        func run() async throws {
            let (source, target) = try endpoints.addresses()
            print("Copying \(source) to \(target)…")
            fflush(nil)
            let report = try await CatalogCommand.refusalsReported(failing: "the copy failed, and the target was left as it was") {
                try await CatalogCopy.copy(from: source, to: target, logger: CatalogCommand.logger) { table, rows in
                    print("  \(table.padding(toLength: 28, withPad: " ", startingAt: 0)) \(CatalogCommand.rows(rows))")
                    fflush(nil)  // as each table is done, into a log or a pipe too
                }
            }
            print("Copied \(CatalogCommand.rows(report.rows)) in \(report.tables.count) tables (schema step \(report.schemaVersion)); "
                  + "every table's row count and checksum match the source.")
            print("Start servers and workers with --database \(target) (or DATABASE_URL), and the same --data-dir.")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare an embedded catalog with its PostgreSQL copy, table by table.",
            discussion: """
                Counts every table's rows on both sides and checksums them, each value read as its column \
                declares it, in primary-key order. Right after 'dailies catalog copy' they match; they \
                differ once either side was written to. Exits 1 when a table differs.
                """)

        @OptionGroup var endpoints: Endpoints

        func run() async throws {
            let (source, target) = try endpoints.addresses()
            let report = try await CatalogCommand.refusalsReported(failing: "the comparison failed") {
                try await CatalogCopy.verify(source: source, target: target, logger: CatalogCommand.logger)
            }
            for check in report.tables {
                let verdict = check.matches ? "matches" : check.source.rows == check.target.rows
                    ? "DIFFERS (checksums)" : "DIFFERS (\(check.target.rows) rows in the target)"
                print("  \(check.table.padding(toLength: 28, withPad: " ", startingAt: 0)) \(CatalogCommand.rows(check.source.rows))  \(verdict)")
            }
            guard report.matches else {
                printError("dailies: \(report.mismatches.count) of \(report.tables.count) tables differ between \(source) and \(target)")
                throw ExitCode.failure
            }
            print("All \(report.tables.count) tables match (\(CatalogCommand.rows(report.rows)), schema step \(report.schemaVersion)).")
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "dailies.catalog")
        logger.logLevel = .warning
        return logger
    }

    static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

    /// Runs `body`, turning a refusal into its message and exit status 65, as the other admin
    /// commands do, and any other failure into `failing` and the engine's words.
    static func refusalsReported<Result>(failing: String, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as CatalogError {
            printError("dailies: \(error.code): \(error.message)")
            throw ExitCode(65)
        } catch {
            printError("dailies: \(failing): \(error)")
            throw ExitCode(70)  // EX_SOFTWARE
        }
    }
}
