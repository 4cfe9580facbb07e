import Catalog
import Foundation

/// The entity a `create`, `update` or `delete` names, and the values it sends, checked
/// against the schema: unknown attributes, computed ones and (on update) immutable ones are
/// refused before anything is written.
struct EntityTarget: Sendable {
    let type: EntityType
    let id: UUID
    /// `entity_data` without `__entity_type__` and `id`.
    let data: [String: WireValue]

    init(_ operation: Operation, creating: Bool) throws(FtrackError) {
        guard let typeName = operation.fields["entity_type"]?.string else {
            throw FtrackError(.validation, "The operation names no entity_type")
        }
        type = try QueryRunner.type(typeName)
        guard let id = Self.key(of: operation) else {
            throw FtrackError(.validation, "The operation's entity_key is not one id (a uuid)")
        }
        self.id = id
        var data = operation.fields["entity_data"]?.object ?? [:]
        if let given = data["id"]?.string, UUID(uuidString: given) != id {
            throw FtrackError(.validation, "entity_data.id \(given.prefix(40)) is not the entity_key")
        }
        data["id"] = nil
        data["__entity_type__"] = nil
        for (name, _) in data {
            guard let attribute = type.attribute(name) else {
                throw FtrackError(.validation, "\(type.name) has no attribute '\(name.prefix(100))'")
            }
            if attribute.isComputed {
                throw FtrackError(.immutable, "\(type.name).\(name) is worked out by the server: it cannot be set")
            }
            if !creating, attribute.isImmutable {
                throw FtrackError(.immutable, "\(type.name).\(name) is set when the \(type.name) is made, and cannot change")
            }
        }
        self.data = data
    }

    /// The id an operation names: its `entity_key`, else its `entity_data.id`.
    static func key(of operation: Operation) -> UUID? {
        if case .array(let key)? = operation.fields["entity_key"] {
            guard key.count == 1, let text = key[0].string else { return nil }
            return UUID(uuidString: text)
        }
        return operation.fields["entity_data"]?["id"]?.string.flatMap(UUID.init(uuidString:))
    }

    func has(_ name: String) -> Bool { data[name] != nil }

    /// A text value: `nil` when absent, `.some(nil)` for null.
    func text(_ name: String) throws(FtrackError) -> String?? {
        switch data[name] {
        case nil: return nil
        case .null?: return .some(nil)
        case .string(let value)?: return .some(value)
        case .int(let value)?: return .some(String(value))
        default: throw FtrackError(.validation, "\(type.name).\(name) is text")
        }
    }

    /// A text value that is set: an empty text from the client's defaults means "not given"
    /// (ftrack_api fills `name: ""` into every create).
    func givenText(_ name: String) throws(FtrackError) -> String? {
        guard let value = try text(name), let value, !value.isEmpty else { return nil }
        return value
    }

    func flag(_ name: String) throws(FtrackError) -> Bool? {
        switch data[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .int(let value)? where value == 0 || value == 1: return value == 1
        default: throw FtrackError(.validation, "\(type.name).\(name) is true or false")
        }
    }

    func integer(_ name: String) throws(FtrackError) -> Int? {
        switch data[name] {
        case nil, .null?: return nil
        case .int(let value)?: return value
        case .double(let value)? where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default: throw FtrackError(.validation, "\(type.name).\(name) is a whole number")
        }
    }

    /// A time: `{"__type__": "datetime" | "date", "value": ISO 8601}` (naive is UTC), or the text alone.
    func time(_ name: String) throws(FtrackError) -> Timestamp? {
        let text: String?
        switch data[name] {
        case nil, .null?: return nil
        case .string(let value)?: text = value
        case .object(let object)?: text = object["value"]?.string
        default: text = nil
        }
        guard let text, let milliseconds = WireTime.milliseconds(text) else {
            throw FtrackError(.validation, "\(type.name).\(name) is a time, as {\"__type__\": \"datetime\", \"value\": \"2026-11-23T12:00:00\"}")
        }
        return Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    /// The id a reference names, as `{__entity_type__, id}` under `name` or as the plain
    /// `scalar` id; `nil` when neither is given.
    func reference(_ name: String, or scalar: String? = nil) throws(FtrackError) -> UUID? {
        if let value = data[name] {
            if value == .null { return nil }
            guard let text = value["id"]?.string ?? value.string, let id = UUID(uuidString: text) else {
                throw FtrackError(.validation, "\(type.name).\(name) is a reference: {\"__entity_type__\": …, \"id\": …}")
            }
            return id
        }
        if let scalar, let value = data[scalar] {
            if value == .null { return nil }
            guard let text = value.string, let id = UUID(uuidString: text) else {
                throw FtrackError(.validation, "\(type.name).\(scalar) is an id")
            }
            return id
        }
        return nil
    }

    func required<T>(_ value: T?, _ name: String) throws(FtrackError) -> T {
        guard let value else { throw FtrackError(.validation, "A new \(type.name) needs its \(name)") }
        return value
    }

    /// The ids a collection value lists.
    func collection(_ name: String) throws(FtrackError) -> [UUID]? {
        guard let value = data[name] else { return nil }
        guard case .array(let items) = value else { throw FtrackError(.validation, "\(type.name).\(name) is a list") }
        var ids: [UUID] = []
        for item in items {
            guard let text = item["id"]?.string, let id = UUID(uuidString: text) else {
                throw FtrackError(.validation, "\(type.name).\(name) lists an entry without an id")
            }
            ids.append(id)
        }
        return ids
    }

    /// A session's fields from what a `ReviewSession` create or update sends.
    func sessionFields() throws(FtrackError) -> SessionFields {
        var fields = SessionFields()
        fields.title = try givenText("name")
        if let description = try text("description") { fields.description = description ?? "" }
        fields.startsAt = try time("start_date")
        fields.endsAt = try time("end_date")
        if let enabled = try flag("shareable_url_enabled") {
            fields.settings = SessionSettingsUpdate(shareLinkEnabled: .some(enabled))
        }
        if let passphrase = try text("passphrase") {
            // An empty passphrase removes it, as null does.
            fields.passphrase = .some(passphrase.flatMap { $0.isEmpty ? nil : $0 })
        }
        return fields
    }
}
