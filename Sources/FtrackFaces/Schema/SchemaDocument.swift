import Crypto
import Foundation

/// The schemas `query_schemas` answers, in the form ftrack_api reads (`ftrack-protocol.md`
/// §1.3), and a hash of them that changes whenever they do, so a client's cached schemas are
/// never taken for current ones.
enum SchemaDocument {
    static let schemas: WireValue = .array(FtrackSchema.types.map(schema))

    static let hash: String = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(schemas)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }()

    private static func schema(_ type: EntityType) -> WireValue {
        var properties: [String: WireValue] = [:]
        for attribute in type.attributes {
            var property: [String: WireValue]
            switch attribute.kind {
            case .scalar(let scalar, _):
                property = ["type": .string(scalar.schemaType)]
                if scalar == .datetime { property["format"] = .string("date-time") }
            case .reference(let targets):
                property = ["$ref": .string(targets[0].type)]
            case .collection(let child, _, _):
                property = ["type": .string("array"), "items": .object(["$ref": .string(child)])]
            }
            switch attribute.defaultValue {
            case .string(let value)?: property["default"] = .string(value)
            case .boolean(let value)?: property["default"] = .bool(value)
            case .integer(let value)?: property["default"] = .int(value)
            case nil: break
            }
            properties[attribute.name] = .object(property)
        }
        let names = { (keep: (Attribute) -> Bool) in WireValue.array(type.attributes.filter(keep).map { .string($0.name) }) }
        return .object([
            "id": .string(type.name), "type": .string("object"), "primary_key": .array([.string("id")]),
            "properties": .object(properties),
            "default_projections": .array(type.defaultProjections.map(WireValue.string)),
            "system_projections": .array([.string("id")]),
            "required": .array([]),
            "immutable": names { $0.isImmutable || $0.isComputed },
            "computed": names { $0.isComputed },
        ])
    }
}
