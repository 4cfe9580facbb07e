import Catalog
import Foundation
import Logging
import NIOPosix
import PostgresKit

/// Where the tests' catalogs live: SQLite files in each test's folder, or, with
/// `DAILIES_TEST_ENGINE=postgres`, a new database for each catalog on the PostgreSQL server
/// the test command started (named in `DAILIES_TEST_POSTGRES`), so the same tests run against
/// both engines.
public enum TestCatalogs {
    /// The PostgreSQL server the test command started (`postgres://…/postgres`), if any: tests
    /// that need one whatever the engine (moving a catalog, workers on many hosts) use it.
    public static var postgresServer: String? {
        ProcessInfo.processInfo.environment["DAILIES_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the tests' catalogs are on PostgreSQL.
    public static var onPostgres: Bool { ProcessInfo.processInfo.environment["DAILIES_TEST_ENGINE"] == "postgres" }

    /// Where a test's new catalog goes: the SQLite file in `dataDirectory`, or a new, empty
    /// PostgreSQL database.
    public static func address(dataDirectory: String) async throws -> CatalogAddress {
        guard onPostgres else { return .embedded(dataDirectory: dataDirectory) }
        guard let server = postgresServer else {
            throw CatalogError(.unavailable, "DAILIES_TEST_ENGINE=postgres, but DAILIES_TEST_POSTGRES names no server")
        }
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
