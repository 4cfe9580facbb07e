import Catalog
import Foundation
import Logging
import NIOPosix
import PostgresKit

/// Where the tests' catalogs live: SQLite files in each test's folder, or, when the test
/// command started a PostgreSQL server and named it in `DAILIES_TEST_POSTGRES`, a new
/// database on it for each catalog, so the same tests run against both engines.
public enum TestCatalogs {
    /// The PostgreSQL server the test command started (`postgres://…/postgres`), if any.
    public static var postgresServer: String? {
        ProcessInfo.processInfo.environment["DAILIES_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The engine these tests run against, for messages.
    public static var engine: String { postgresServer == nil ? "SQLite" : "PostgreSQL" }

    /// Where a test's new catalog goes: the SQLite file in `dataDirectory`, or a new, empty
    /// PostgreSQL database.
    public static func address(dataDirectory: String) async throws -> CatalogAddress {
        guard let server = postgresServer else { return .embedded(dataDirectory: dataDirectory) }
        return .postgres(url: try await newDatabase(on: server))
    }

    /// Opens a new catalog for a test (see ``address(dataDirectory:)``).
    public static func open(dataDirectory: String, passphraseCost: PassphraseHash.Cost = .standard,
                            logger: Logger = Logger(label: "dailies.catalog")) async throws -> Catalog {
        try await Catalog.open(try await address(dataDirectory: dataDirectory), logger: logger, passphraseCost: passphraseCost)
    }

    /// Makes an empty database on `server` and returns its URL.
    public static func newDatabase(on server: String) async throws -> String {
        let name = "dailies_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let configuration = try SQLPostgresConfiguration(url: server).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1,
            logger: Logger(label: "test.postgres")).get()
        do {
            // The cluster's template: empty, so a new database is made in milliseconds.
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: connection.logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        guard var components = URLComponents(string: server) else { throw URLError(.badURL) }
        components.path = "/" + name
        return components.string!
    }
}
