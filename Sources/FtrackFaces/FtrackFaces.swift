import Catalog
import Foundation

/// The ftrack faces over one catalog: what `POST /api` (the `ftrack_api` client's JSON
/// operations) and `POST /client/` (the legacy XML-RPC client) answer, with the same rows,
/// rules and events as the REST API.
///
/// Protocol facts: `ftrack-protocol.md` beside DESIGN.md.
public struct FtrackFaces: Sendable {
    public let catalog: Catalog
    public var limits: QueryLimits
    /// Writes invitation mail (the server's links and templates); `nil`: invitations are refused.
    public let invitations: (any FtrackInvitations)?

    public init(catalog: Catalog, limits: QueryLimits = .standard, invitations: (any FtrackInvitations)? = nil) {
        self.catalog = catalog
        self.limits = limits
        self.invitations = invitations
    }

    /// Answers one query in ftrack's language for `caller`: the rows as the client reads them,
    /// and the offset of the next page (`nil` when there is none).
    ///
    /// Inside a ``Catalog/unitOfWork(writing:_:)`` it sees what the unit wrote so far.
    public func query(_ text: String, as caller: StaffUser) async throws -> (data: [WireValue], next: Int?) {
        let parsed: FtrackQuery
        do {
            parsed = try FtrackQuery.parse(text, limits: limits)
        } catch {
            throw FtrackError(.parse, "Could not parse the query: \(error)")
        }
        var runner = QueryRunner(catalog: catalog, caller: caller, limits: limits,
                                 now: Int(Date().timeIntervalSince1970 * 1000))
        return try await runner.run(parsed)
    }
}
