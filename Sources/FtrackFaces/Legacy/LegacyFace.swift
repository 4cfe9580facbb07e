import Catalog
import Foundation

/// The legacy client's XML-RPC methods (`import ftrack`, 3.6.x; `ftrack-protocol.md` §2),
/// answered by the same operations as the JSON face: each call becomes queries, creates and
/// updates of the modern types, and each answer a legacy struct, with the legacy keys each
/// class reads (`showid`, `assetid`, `versionid`, `noteid` …) and `entityType` on list rows.
extension FtrackFaces {
    public func runLegacy(_ call: XMLRPCCall, as caller: StaffUser) async throws -> XMLRPCValue {
        let data = call.params.first ?? .structure([])
        switch call.method {
        case "getServerInformation":
            return Legacy.value(serverInformation)
        case "system.listMethods":
            return .array(["get", "create", "set", "getReviewSessions", "review_session_object_setStatus", "getServerInformation"]
                .map { .string($0) })
        case "get":
            return try await legacyGet(data, as: caller)
        case "getReviewSessions":
            let project = try Legacy.id(data, "project_id")
            return try await legacyList("ReviewSession", where: "project_id is \(project)", as: caller)
        case "create":
            return try await legacyCreate(data, as: caller)
        case "review_session_object_setStatus":
            let item = try Legacy.id(data, "reviewSessionObjectId")
            let invitee = try Legacy.id(data, "inviteeId")
            guard let status = data["status"]?.stringValue else { throw FtrackError(.validation, "setStatus needs a status") }
            let statusID = UUID()
            let created = try await run([Legacy.create("ReviewSessionObjectStatus", id: statusID, [
                "review_session_object_id": .string(item.uuidString), "review_session_invitee_id": .string(invitee.uuidString),
                "status": .string(status),
            ])], as: caller)
            return Legacy.structure(Legacy.createdEntity(created), type: "ReviewSessionObjectStatus")
        case "set":
            return try await legacySet(data, as: caller)
        default:
            throw FtrackError(.validation, "Dailies does not answer the legacy method '\(call.method.prefix(100))'")
        }
    }

    private func legacyGet(_ data: XMLRPCValue, as caller: StaffUser) async throws -> XMLRPCValue {
        let type = data["type"]?.stringValue ?? ""
        switch type {
        case "shows":
            return try await legacyList("Project", where: nil, as: caller)
        case "assets":
            return try await legacyList("Asset", where: "project_id is \(try Legacy.id(data, "id"))", as: caller)
        case "assetversions":
            return try await legacyList("AssetVersion", where: "asset_id is \(try Legacy.id(data, "id"))", as: caller)
        case "reviewsessionobjects":
            return try await legacyList("ReviewSessionObject", where: "review_session_id is \(try Legacy.id(data, "id"))", as: caller)
        case "reviewsessioninvitees":
            return try await legacyList("ReviewSessionInvitee", where: "review_session_id is \(try Legacy.id(data, "id"))", as: caller)
        case "reviewsessionobjectstatuses":
            let item = try Legacy.id(data, "reviewSessionObjectId")
            return try await legacyList("ReviewSessionObjectStatus", where: "review_session_object_id is \(item)", as: caller)
        case "notes":
            return try await legacyList("Note", where: "parent_id is \(try Legacy.id(data, "entityId"))", as: caller)
        case "attributes":
            // Every attribute is in the structs already: nothing more to fetch.
            return .array([])
        default:
            guard let modern = Legacy.modernType[type] else {
                throw FtrackError(.validation, "Dailies does not answer get for type '\(type.prefix(60))'")
            }
            let rows = try await legacyRows(modern, where: "id is \(try Legacy.id(data, "id"))", as: caller)
            guard let row = rows.first else { throw FtrackError(.notFound, "No \(type) \(try Legacy.id(data, "id"))") }
            return Legacy.structure(row, type: modern)
        }
    }

    private func legacyCreate(_ data: XMLRPCValue, as caller: StaffUser) async throws -> XMLRPCValue {
        let id = UUID()
        switch data["type"]?.stringValue ?? "" {
        case "reviewsession":
            let created = try await run([Legacy.create("ReviewSession", id: id, [
                "name": Legacy.wire(data["name"]), "description": Legacy.wire(data["description"]),
                "project_id": .string(try Legacy.id(data, "project_id").uuidString),
            ])], as: caller)
            return Legacy.structure(Legacy.createdEntity(created), type: "ReviewSession")
        case "reviewsessionobject":
            let versionID = try Legacy.id(data, "version_id")
            var values: [String: WireValue] = [
                "version_id": .string(versionID.uuidString),
                "review_session_id": .string(try Legacy.id(data, "review_session_id").uuidString),
                "name": Legacy.wire(data["name"]), "description": Legacy.wire(data["description"]),
                "version": Legacy.wire(data["version"]),
            ]
            if data["syncAssetVersionData"]?.boolValue == true {
                // As ftrack syncs: the asset's name, the version's comment, "Version N".
                let version = try await query("select version, comment, asset.name from AssetVersion where id is \(versionID)",
                                              as: caller).data.first
                if let version {
                    values["name"] = version["asset"]?["name"] ?? .string("")
                    values["description"] = version["comment"] ?? .string("")
                    if case .int(let number)? = version["version"] { values["version"] = .string("Version \(number)") }
                }
            }
            let created = try await run([Legacy.create("ReviewSessionObject", id: id, values)], as: caller)
            return Legacy.structure(Legacy.createdEntity(created), type: "ReviewSessionObject")
        case "reviewsessioninvitee":
            let created = try await run([Legacy.create("ReviewSessionInvitee", id: id, [
                "name": Legacy.wire(data["name"]), "email": Legacy.wire(data["email"]),
                "review_session_id": .string(try Legacy.id(data, "review_session_id").uuidString),
            ])], as: caller)
            return Legacy.structure(Legacy.createdEntity(created), type: "ReviewSessionInvitee")
        case "note":
            let parentType = switch (data["parent_type"]?.stringValue ?? "").lowercased() {
            case "reviewsessionobject": "ReviewSessionObject"
            case "asset_version", "assetversion": "AssetVersion"
            default: throw FtrackError(.validation, "A note goes on a reviewsessionobject or an asset_version")
            }
            let created = try await run([Legacy.create("Note", id: id, [
                "content": Legacy.wire(data["note"] ?? data["text"]), "parent_type": .string(parentType),
                "parent_id": .string(try Legacy.id(data, "parent_id").uuidString),
            ])], as: caller)
            return Legacy.structure(Legacy.createdEntity(created), type: "Note")
        case let other:
            throw FtrackError(.permissionDenied, "Creating a \(other.prefix(60)) is not open to scripts on Dailies")
        }
    }

    /// `set`: changes to an entity's values, or a delete (`{type: "delete", entityType, entityId}`).
    private func legacySet(_ data: XMLRPCValue, as caller: StaffUser) async throws -> XMLRPCValue {
        if data["type"]?.stringValue == "delete" {
            guard let modern = data["entityType"]?.stringValue.flatMap({ Legacy.modernType[$0] }) else {
                throw FtrackError(.validation, "set delete needs a known entityType")
            }
            _ = try await run([Operation(index: 0, action: "delete", fields: [
                "entity_type": .string(modern), "entity_key": .array([.string(try Legacy.id(data, "entityId").uuidString)]),
            ])], as: caller)
            return .boolean(true)
        }
        guard let modern = data["object"]?.stringValue.flatMap({ Legacy.modernType[$0] }),
              case .structure(let members)? = data["values"]
        else { throw FtrackError(.validation, "set needs an object type and its values") }
        let id = try Legacy.id(data, "id")
        var values: [String: WireValue] = [:]
        for member in members { values[Legacy.modernName[member.name] ?? member.name] = Legacy.wire(member.value) }
        _ = try await run([Operation(index: 0, action: "update", fields: [
            "entity_type": .string(modern), "entity_key": .array([.string(id.uuidString)]), "entity_data": .object(values),
        ])], as: caller)
        return .boolean(true)
    }

    private func legacyList(_ type: String, where condition: String?, as caller: StaffUser) async throws -> XMLRPCValue {
        .array(try await legacyRows(type, where: condition, as: caller).map { Legacy.structure($0, type: type) })
    }

    /// Every row meeting `condition`, with all its scalars, through the pages.
    private func legacyRows(_ type: String, where condition: String?, as caller: StaffUser) async throws -> [[String: WireValue]] {
        guard let entity = FtrackSchema.type(type) else { return [] }
        let scalars = entity.attributes.compactMap { attribute -> String? in
            if case .scalar = attribute.kind, !attribute.isWriteOnly { return attribute.name }
            return nil
        }
        var rows: [[String: WireValue]] = []
        var offset: Int? = 0
        while let start = offset {
            let text = "select \(scalars.joined(separator: ", ")) from \(type)" + (condition.map { " where \($0)" } ?? "")
                + " offset \(start) limit \(limits.limit)"
            let page = try await query(text, as: caller)
            rows += page.data.compactMap(\.object)
            offset = page.next
        }
        return rows
    }
}

/// The legacy client's names and value forms.
enum Legacy {
    /// Legacy type names, as `get {type, id}` and `set` spell them, to the modern types.
    static let modernType: [String: String] = [
        "show": "Project", "asset": "Asset", "assetversion": "AssetVersion", "reviewsession": "ReviewSession",
        "reviewsessionobject": "ReviewSessionObject", "reviewsessioninvitee": "ReviewSessionInvitee",
        "reviewsessionobjectstatus": "ReviewSessionObjectStatus", "note": "Note", "user": "User", "task": "Task",
    ]

    /// The legacy key each class reads for the modern attribute (ftrack's `alias_for`).
    static let aliases: [String: [String: String]] = [
        "Project": ["id": "showid", "full_name": "fullname"],
        "Asset": ["id": "assetid", "project_id": "showid"],
        "AssetVersion": ["id": "versionid", "asset_id": "assetid", "task_id": "taskid", "user_id": "userid"],
        "Note": ["id": "noteid", "content": "text", "user_id": "userid", "parent_id": "noteparentid", "category_id": "categoryid"],
        "User": ["id": "userid"],
        "Task": ["id": "taskid"],
    ]

    /// Legacy keys a `set` may send, to the modern attributes.
    static let modernName: [String: String] = ["text": "content", "fullname": "full_name"]

    static func create(_ type: String, id: UUID, _ values: [String: WireValue]) -> Operation {
        var data = values
        data["__entity_type__"] = .string(type)
        data["id"] = .string(id.uuidString.lowercased())
        return Operation(index: 0, action: "create", fields: [
            "entity_type": .string(type), "entity_key": .array([.string(id.uuidString.lowercased())]), "entity_data": .object(data),
        ])
    }

    static func createdEntity(_ results: [WireValue]) -> [String: WireValue] {
        results.first?["data"]?.object ?? [:]
    }

    /// A struct of scalars, with the legacy aliases and `entityType`.
    static func structure(_ entity: [String: WireValue], type: String) -> XMLRPCValue {
        // The legacy class's own `_type` (a Project is a "show"): FTList drops rows of any other.
        let legacyType = modernType.first { $0.value == type }?.key ?? type.lowercased()
        var members: [XMLRPCMember] = [XMLRPCMember("entityType", .string(legacyType))]
        let aliases = Self.aliases[type] ?? [:]
        for (name, value) in entity.sorted(by: { $0.key < $1.key }) where name != "__entity_type__" {
            let legacy = Self.value(value)
            members.append(XMLRPCMember(name, legacy))
            if let alias = aliases[name] { members.append(XMLRPCMember(alias, legacy)) }
        }
        if type == "Note" { members.append(XMLRPCMember("date", entity["created_at"].map(Self.value) ?? .nil)) }
        return .structure(members)
    }

    /// A modern value as XML-RPC carries it: times as `dateTime.iso8601` (`20261123T12:32:05`,
    /// the one form the legacy client parses back).
    static func value(_ value: WireValue) -> XMLRPCValue {
        switch value {
        case .null: return .nil
        case .bool(let flag): return .boolean(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(Self.value))
        case .object(let members):
            if members["__type__"] == .string("datetime"), let text = members["value"]?.string {
                return .dateTime(text.replacingOccurrences(of: "-", with: ""))
            }
            return .structure(members.sorted { $0.key < $1.key }.map { XMLRPCMember($0.key, Self.value($0.value)) })
        }
    }

    /// An XML-RPC value as the modern face takes it: `str(datetime)` and `dateTime.iso8601`
    /// both become times.
    static func wire(_ value: XMLRPCValue?) -> WireValue {
        switch value {
        case nil, .nil?: return .null
        case .string(let text)?: return .string(text)
        case .int(let number)?: return .int(number)
        case .double(let number)?: return .double(number)
        case .boolean(let flag)?: return .bool(flag)
        case .dateTime(let text)?: return .object(["__type__": .string("datetime"), "value": .string(isoTime(text))])
        case .array(let items)?: return .array(items.map { wire($0) })
        case .structure(let members)?: return .object(Dictionary(members.map { ($0.name, wire($0.value)) }, uniquingKeysWith: { a, _ in a }))
        case .base64?: return .null
        }
    }

    /// `20261123T12:32:05` as ISO 8601 with dashes.
    private static func isoTime(_ text: String) -> String {
        let scalars = Array(text)
        guard scalars.count >= 8, !text.contains("-") else { return text }
        return String(scalars[0..<4]) + "-" + String(scalars[4..<6]) + "-" + String(scalars[6...])
    }

    static func id(_ data: XMLRPCValue, _ key: String) throws(FtrackError) -> UUID {
        guard let text = data[key]?.stringValue, let id = UUID(uuidString: text) else {
            throw FtrackError(.validation, "The call needs \(key), an id")
        }
        return id
    }
}
