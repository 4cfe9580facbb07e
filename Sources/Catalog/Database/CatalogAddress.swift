import Foundation
import PostgresKit

/// Where a catalog lives: the embedded SQLite file, or a PostgreSQL database that many
/// servers and workers share.
///
/// Written on the command line as `--database` (or `DATABASE_URL`): `sqlite:PATH` or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
/// Without one, the catalog is the SQLite file in the data directory.
public enum CatalogAddress: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// The SQLite file in `dataDirectory`: the embedded default.
    public static func embedded(dataDirectory: String) -> CatalogAddress {
        .sqlite(path: (dataDirectory as NSString).appendingPathComponent(Catalog.fileName))
    }

    /// Reads `text` as `sqlite:PATH` or a `postgres://` (`postgresql://`) URL.
    ///
    /// - Throws: ``CatalogError`` naming what is wrong with it.
    public init(parsing text: String) throws(CatalogError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw CatalogError.invalid("database", "sqlite: needs a file path, as in sqlite:data/catalog.sqlite") }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            do {
                _ = try SQLPostgresConfiguration(url: trimmed)
            } catch {
                throw CatalogError.invalid("database", "'\(Self.redacted(trimmed))' is not a PostgreSQL URL like postgres://user@host:5432/dailies")
            }
            guard let components = URLComponents(string: trimmed), components.path.count > 1 else {
                throw CatalogError.invalid("database", "'\(Self.redacted(trimmed))' names no database: add it, as in postgres://user@host/dailies")
            }
            self = .postgres(url: trimmed)
        } else {
            throw CatalogError.invalid("database", "'\(Self.redacted(trimmed).prefix(60))' is neither sqlite:PATH nor a postgres:// URL")
        }
    }

    /// The address as it can be shown or logged: a PostgreSQL password is left out.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// The address as `--database` takes it back (with its password).
    public var argument: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url
        }
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    private static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
