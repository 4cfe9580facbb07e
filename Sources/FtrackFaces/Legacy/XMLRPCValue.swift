/// One XML-RPC value, as ftrack's legacy client (Python 2.7's xmlrpclib with `allow_none=True`)
/// sends and reads them.
///
/// A plain value type, so that a parsed call can cross tasks and be compared in tests. Structures
/// keep their members in the order written: a response is written back in the order the server
/// built it, and tests can compare bodies byte for byte.
public enum XMLRPCValue: Sendable, Hashable {
    case string(String)
    /// `<int>`, `<i4>` or `<i8>`: the reader takes any that fits `Int`; the writer picks `<int>`
    /// within 32 bits and `<i8>` beyond (which xmlrpclib 2.7 reads).
    case int(Int)
    case double(Double)
    case boolean(Bool)
    /// `<dateTime.iso8601>` as written (e.g. `20261123T12:32:05`): XML-RPC's dates carry no
    /// zone, so turning them into instants is the caller's decision, not the reader's.
    case dateTime(String)
    case base64([UInt8])
    case array([XMLRPCValue])
    /// `<struct>`'s members in the order written; the reader refuses two members of one name.
    case structure([XMLRPCMember])
    /// `<nil/>`: Python's `None` (the legacy client sends it, with `allow_none=True`).
    case `nil`
}

/// One member of an XML-RPC `<struct>`.
public struct XMLRPCMember: Sendable, Hashable {
    public var name: String
    public var value: XMLRPCValue

    public init(_ name: String, _ value: XMLRPCValue) {
        self.name = name
        self.value = value
    }
}

extension XMLRPCValue {
    /// The member named `key` of a structure; `nil` when there is none or this is no structure.
    public subscript(key: String) -> XMLRPCValue? {
        guard case .structure(let members) = self else { return nil }
        return members.first { $0.name == key }?.value
    }

    /// The element at `index` of an array; `nil` when out of range or this is no array.
    public subscript(index: Int) -> XMLRPCValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The value of a `<double>`, or of an `<int>`: Python writes `5` and `5.0` differently, and
    /// a number a person typed may have reached the client as either.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    public var dateTimeValue: String? {
        if case .dateTime(let value) = self { return value }
        return nil
    }

    public var base64Value: [UInt8]? {
        if case .base64(let value) = self { return value }
        return nil
    }

    public var arrayValue: [XMLRPCValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members of a structure, in order.
    public var structureValue: [XMLRPCMember]? {
        if case .structure(let value) = self { return value }
        return nil
    }

    public var isNil: Bool { self == .nil }
}

// Literals, so that tests and handlers can write values the way Python does:
// `["type": "reviewsession", "n": 5, "tags": ["a", "b"]]`.

extension XMLRPCValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension XMLRPCValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension XMLRPCValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension XMLRPCValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension XMLRPCValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: XMLRPCValue...) { self = .array(elements) }
}

/// A dictionary literal keeps its order, unlike a `Dictionary`: the members come out as written.
extension XMLRPCValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, XMLRPCValue)...) {
        self = .structure(elements.map { XMLRPCMember($0.0, $0.1) })
    }
}
