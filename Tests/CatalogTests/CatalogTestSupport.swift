import Foundation
import MediaTestSupport
import Testing

@testable import Catalog

/// A catalog in a fresh folder (or database), removed afterwards.
func withCatalog(_ body: (Catalog) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-catalog-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withCatalog(at: try await TestCatalogs.address(dataDirectory: directory.path), body)
}

/// Opens the catalog at `address`, runs `body` on it and closes it, whatever happens.
func withCatalog(at address: CatalogAddress, passphraseCost: PassphraseHash.Cost = .standard,
                 _ body: (Catalog) async throws -> Void) async throws {
    let catalog = try await Catalog.open(address, passphraseCost: passphraseCost)
    do {
        try await body(catalog)
        try await catalog.close()
    } catch {
        try? await catalog.close()
        throw error
    }
}

/// The code of the `CatalogError` that `body` throws, or `nil` when it does not throw one.
func catalogErrorCode(_ body: () async throws -> Void) async -> CatalogError.Code? {
    do {
        try await body()
        return nil
    } catch let error as CatalogError {
        return error.code
    } catch {
        Issue.record("expected a CatalogError, got \(error)")
        return nil
    }
}

/// A project with `count` versions, and a session holding them.
func makeSession(_ catalog: Catalog, versions count: Int = 3, fields: SessionFields = SessionFields()) async throws
    -> (project: Project, versions: [Version], session: ReviewSession)
{
    let project = try await catalog.createProject(name: "Show \(UUID().uuidString.prefix(8))")
    var versions: [Version] = []
    for number in 0..<count {
        versions.append(try await catalog.createVersion(
            projectID: project.id, VersionFields(name: "sh\(number)0_comp", versionNumber: number + 1)))
    }
    let session = try await catalog.createSession(projectID: project.id, fields, versionIDs: versions.map(\.id))
    return (project, versions, session)
}
