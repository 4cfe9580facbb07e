import Catalog
import Foundation

/// What the faces ask of the server around them: the invitation mail, which ReviewServer
/// writes (its links and its mail templates are the server's).
public protocol FtrackInvitations: Sendable {
    /// Queues the invitation mail to `collaborator` with `link`'s token, from `staff`; called
    /// inside the batch's unit of work, so the mail goes in its transaction.
    func queueInvitation(to collaborator: Collaborator, token: SecretToken, from staff: StaffUser) async throws
}

/// The most operations one `POST /api` may carry: a commit of a few hundred creates is a big
/// script's; more is refused rather than held in one transaction.
public let ftrackMaximumOperations = 500

extension FtrackFaces {
    /// Answers one `POST /api` body for `caller`: one result for each operation, in order.
    ///
    /// The operations run in order, as one unit of work: all of them happen, with their
    /// events and mail, or (at the first refusal) none, and the refusal is thrown.
    public func run(operations body: Data, as caller: StaffUser) async throws -> [WireValue] {
        try await run(try Self.decodeOperations(body), as: caller)
    }

    /// Runs `operations` in order, as one unit of work (the legacy face's calls come here too).
    func run(_ operations: [Operation], as caller: StaffUser) async throws -> [WireValue] {
        // What is slow happens before the transaction: hashing passphrases.
        var prepared: [PreparedOperation] = []
        for operation in operations { prepared.append(try await prepare(operation, as: caller)) }
        let links = try Self.noteLinks(prepared)
        let writing = prepared.contains { !$0.operation.isRead }
        let now = Int(Date().timeIntervalSince1970 * 1000)
        return try await catalog.unitOfWork(writing: writing) {
            var results: [WireValue] = []
            for operation in prepared {
                results.append(try await self.perform(operation, links: links, as: caller, now: now))
            }
            return results
        }
    }

    static func decodeOperations(_ body: Data) throws(FtrackError) -> [Operation] {
        let decoded: WireValue
        do {
            decoded = try JSONDecoder().decode(WireValue.self, from: body)
        } catch {
            throw FtrackError(.parse, "The request body is not JSON: send a list of operations")
        }
        guard case .array(let items) = decoded else {
            throw FtrackError(.parse, "The request body must be a list of operations, such as [{\"action\": \"query_server_information\"}]")
        }
        guard items.count <= ftrackMaximumOperations else {
            throw FtrackError(.validation, "A request carries at most \(ftrackMaximumOperations) operations; this one has \(items.count)")
        }
        var operations: [Operation] = []
        for (index, item) in items.enumerated() {
            guard let fields = item.object, case .string(let action)? = fields["action"] else {
                throw FtrackError(.parse, "Operation \(index + 1) is not an object with an action")
            }
            operations.append(Operation(index: index, action: action, fields: fields))
        }
        return operations
    }

    /// The server information `Session()` asks for first.
    var serverInformation: WireValue {
        .object([
            // ftrack_api checks it is "dev" or at least 3.3.11; Dailies speaks the protocol of ftrack 4.
            "version": .string("4.13.8"),
            "server_name": .string("Dailies"),
            "schema_hash": .string(SchemaDocument.hash),
            "storage_scenario": .object(["scenario": .string("ftrack.automatic"), "data": .object([:])]),
            "is_timezone_support_enabled": .bool(true),
        ])
    }

    private func perform(_ prepared: PreparedOperation, links: NoteLinks, as caller: StaffUser, now: Int) async throws -> WireValue {
        let operation = prepared.operation
        do {
            switch operation.action {
            case "query_server_information":
                return serverInformation
            case "query_schemas":
                return SchemaDocument.schemas
            case "query":
                guard case .string(let expression)? = operation.fields["expression"] else {
                    throw FtrackError(.parse, "A query operation needs its expression")
                }
                let (data, next) = try await query(expression, as: caller)
                return .object(["action": .string("query"), "data": .array(data),
                                "metadata": .object(["next": .object(["offset": next.map { .int($0) } ?? .null])])])
            case "create":
                let target = try EntityTarget(operation, creating: true)
                let writer = EntityWriter(catalog: catalog, invitations: invitations, caller: caller, links: links)
                try await writer.create(target, prepared)
                return .object(["action": .string("create"), "data": try await entity(target, as: caller, now: now)])
            case "update":
                let target = try EntityTarget(operation, creating: false)
                let writer = EntityWriter(catalog: catalog, invitations: invitations, caller: caller, links: links)
                try await writer.update(target, prepared)
                return .object(["action": .string("update"), "data": try await entity(target, as: caller, now: now)])
            case "delete":
                let target = try EntityTarget(operation, creating: false)
                let writer = EntityWriter(catalog: catalog, invitations: invitations, caller: caller, links: links)
                try await writer.delete(target)
                return .object(["action": .string("delete"), "data": .bool(true)])
            case "send_review_session_invite":
                guard let text = operation.fields["review_session_invitee_id"]?.string, let id = UUID(uuidString: text) else {
                    throw FtrackError(.validation, "send_review_session_invite needs the review_session_invitee_id")
                }
                let writer = EntityWriter(catalog: catalog, invitations: invitations, caller: caller, links: links)
                try await writer.sendInvite(collaboratorID: id)
                return .object(["action": .string("send_review_session_invite"), "data": .object([:])])
            default:
                // ftrack_api string-matches this to tell an old server from a failing one.
                throw FtrackError(.validation, "Invalid action u'\(operation.action.prefix(100))'")
            }
        } catch let error as FtrackError {
            throw error.inOperation(operation)
        } catch let error as CatalogError {
            throw FtrackError(error).inOperation(operation)
        }
    }

    /// Every readable scalar of the entity, as it is now: what a write answers.
    private func entity(_ target: EntityTarget, as caller: StaffUser, now: Int) async throws -> WireValue {
        let scalars = target.type.attributes.filter { attribute in
            if case .scalar = attribute.kind { return !attribute.isWriteOnly }
            return false
        }
        let query = FtrackQuery(projections: scalars.map { AttributePath([$0.name]) }, entityType: target.type.name,
                                filter: .comparison(AttributePath(["id"]), .equal, .string(target.id.uuidString)), limit: 1)
        var runner = QueryRunner(catalog: catalog, caller: caller, limits: limits, now: now)
        let rows = try await runner.run(query, listedOnly: false).data
        // Deleted by the same write (an invitee removed), or not the caller's to see: its key.
        return rows.first ?? .object(["__entity_type__": .string(target.type.name), "id": .string(target.id.uuidString.lowercased())])
    }
}

/// One operation as sent.
struct Operation: Sendable {
    let index: Int
    let action: String
    let fields: [String: WireValue]

    var isRead: Bool { ["query", "query_server_information", "query_schemas"].contains(action) }
}

/// An operation with what was worked out before the transaction.
struct PreparedOperation: Sendable {
    let operation: Operation
    /// A session's fields, its passphrase hashed.
    var sessionFields: SessionFields?
}

extension FtrackFaces {
    private func prepare(_ operation: Operation, as caller: StaffUser) async throws -> PreparedOperation {
        var prepared = PreparedOperation(operation: operation)
        guard ["create", "update"].contains(operation.action), operation.fields["entity_type"]?.string == "ReviewSession" else {
            return prepared
        }
        do {
            let target = try EntityTarget(operation, creating: operation.action == "create")
            prepared.sessionFields = try await catalog.prepare(try target.sessionFields())
        } catch let error as FtrackError {
            throw error.inOperation(operation)
        } catch let error as CatalogError {
            throw FtrackError(error).inOperation(operation)
        }
        return prepared
    }

    /// The notes each collection update links to a parent: ftrack_api's `create_note` sends
    /// the note's create without a parent and then the parent's `notes` list with it in.
    static func noteLinks(_ operations: [PreparedOperation]) throws -> NoteLinks {
        var links = NoteLinks()
        for prepared in operations where prepared.operation.action == "update" || prepared.operation.action == "create" {
            let operation = prepared.operation
            guard let typeName = operation.fields["entity_type"]?.string, let type = FtrackSchema.type(typeName),
                  ["ReviewSessionObject", "AssetVersion"].contains(typeName),
                  case .array(let notes)? = operation.fields["entity_data"]?["notes"],
                  let id = EntityTarget.key(of: operation)
            else { continue }
            for note in notes {
                guard let text = note["id"]?.string, let noteID = UUID(uuidString: text) else {
                    throw FtrackError(.validation, "\(type.name).notes lists an entry without an id").inOperation(operation)
                }
                links.parents[noteID] = NoteLinks.Parent(type: typeName, id: id)
            }
        }
        return links
    }
}

/// Notes and the parents a batch links them to.
struct NoteLinks: Sendable {
    struct Parent: Sendable, Hashable {
        let type: String
        let id: UUID
    }

    var parents: [UUID: Parent] = [:]
}

extension FtrackError {
    /// The error, saying which operation of the batch it stopped at.
    func inOperation(_ operation: Operation) -> FtrackError {
        var error = self
        error.message = "Operation \(operation.index + 1) (\(operation.action)): \(message)"
        return error
    }

    /// A catalog refusal in the face's words.
    public init(_ error: CatalogError) {
        let kind: Kind = switch error.code {
        case .notFound: .notFound
        case .forbidden, .accessRevoked: .permissionDenied
        case .conflict: .conflict
        case .throttled: .throttled
        case .unavailable: .unavailable
        case .damaged: .server
        default: .validation
        }
        self.init(kind, error.message, retryAfter: error.retryAfter)
    }
}
