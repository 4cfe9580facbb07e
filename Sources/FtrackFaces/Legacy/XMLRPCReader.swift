import Foundation

/// An XML-RPC call: `<methodCall>`'s method name and its parameters.
public struct XMLRPCCall: Sendable, Hashable {
    public var method: String
    public var params: [XMLRPCValue]

    public init(method: String, params: [XMLRPCValue] = []) {
        self.method = method
        self.params = params
    }

    /// Reads a `<methodCall>` body, refusing anything outside the small subset of XML that
    /// XML-RPC needs (see ``XMLRPCError/Reason``).
    ///
    /// Foundation's `XMLParser` on Linux (libxml2) expands internal entities and recovers from
    /// errors, which makes a billion-laughs body or a half-written one its caller's problem; this
    /// reader knows no entities but the five predefined ones, reads no DTD, and stops at the first
    /// fault with its byte offset.
    public static func parse(_ body: [UInt8], limits: XMLRPCLimits = .standard) throws(XMLRPCError) -> XMLRPCCall {
        var reader = try XMLRPCReader(body, limits: limits)
        return try reader.readCall()
    }

    /// Reads a `<methodCall>` body held in `Data`.
    public static func parse(_ body: Data, limits: XMLRPCLimits = .standard) throws(XMLRPCError) -> XMLRPCCall {
        // The size first: an oversized body is not worth copying.
        try XMLRPCReader.checkSize(body.count, limits: limits)
        return try parse([UInt8](body), limits: limits)
    }
}

/// An XML-RPC response: one value, or a fault.
///
/// The server only writes responses; reading them is for tests and for talking to a real ftrack.
public enum XMLRPCResponse: Sendable, Hashable {
    case value(XMLRPCValue)
    case fault(code: Int, message: String)

    /// Reads a `<methodResponse>` body, with the same refusals as a call's.
    public static func parse(_ body: [UInt8], limits: XMLRPCLimits = .standard) throws(XMLRPCError) -> XMLRPCResponse {
        var reader = try XMLRPCReader(body, limits: limits)
        return try reader.readResponse()
    }

    public static func parse(_ body: Data, limits: XMLRPCLimits = .standard) throws(XMLRPCError) -> XMLRPCResponse {
        try XMLRPCReader.checkSize(body.count, limits: limits)
        return try parse([UInt8](body), limits: limits)
    }
}

/// The bounds a body must keep within, so that no body can cost more than a known amount of
/// memory, time or stack.
public struct XMLRPCLimits: Sendable, Hashable {
    /// The largest body read, in bytes (checked before anything else).
    public var bodySize: Int
    /// How deep arrays and structs may nest: the outermost one is depth 1. Checked before each
    /// one is entered, since the reader recurses once per level.
    public var depth: Int
    /// How many elements (start tags) a body may hold in all.
    public var elements: Int

    public init(bodySize: Int = 8 << 20, depth: Int = 64, elements: Int = 200_000) {
        self.bodySize = bodySize
        self.depth = depth
        self.elements = elements
    }

    /// 8 MiB, 64 levels, 200,000 elements: far above anything the legacy client sends (its
    /// biggest calls are a few hundred members), far below what would hurt the server.
    public static let standard = XMLRPCLimits()
}

/// Why a body was refused, what was wrong, and where.
public struct XMLRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// Longer than ``XMLRPCLimits/bodySize``.
        case bodyTooLarge
        /// Not UTF-8 (or declares another encoding), or holds a character XML 1.0 forbids.
        case invalidEncoding
        /// A `<!DOCTYPE`, `<!ENTITY` or other DTD declaration, anywhere: entities are refused
        /// outright (billion laughs, external entities).
        case dtdRefused
        /// A processing instruction other than the leading `<?xml …?>`.
        case processingInstructionRefused
        /// An entity reference other than `&lt; &gt; &amp; &quot; &apos;` and character references.
        case unknownEntity
        /// Arrays and structs nested deeper than ``XMLRPCLimits/depth``.
        case tooDeep
        /// More elements than ``XMLRPCLimits/elements``.
        case tooManyElements
        /// Not well-formed XML: a mismatched, unclosed or broken tag, a truncated body, a stray `&`.
        case malformedXML
        /// Well-formed XML, but not XML-RPC: an unknown element, one out of place, text where
        /// only elements belong, an attribute.
        case notXMLRPC
        /// A typed value that does not read as its type: an int that is no number or does not
        /// fit `Int`, a boolean other than 0 or 1, bad base64, a duplicate struct member.
        case invalidValue
    }

    public var reason: Reason
    /// What was wrong, in words, e.g. "the body declares a DOCTYPE: entities are refused".
    public var message: String
    /// The byte offset in the body where the fault was found.
    public var offset: Int
    /// The elements open there, outermost first, e.g. `methodCall/params/param/value/struct`;
    /// empty outside the root element.
    public var path: String

    public init(_ reason: Reason, _ message: String, offset: Int, path: String = "") {
        self.reason = reason
        self.message = message
        self.offset = offset
        self.path = path
    }

    public var description: String {
        path.isEmpty ? "\(message) (at byte \(offset))" : "\(message) (at byte \(offset), in \(path))"
    }
}

// MARK: - The reader

/// The elements of XML-RPC, and `unknown` for any other (which the grammar then refuses).
enum XMLRPCElement: Equatable {
    case methodCall, methodName, methodResponse, params, param, fault, value
    case string, int, i4, i8, boolean, double, dateTime, base64, `nil`, array, data, `struct`, member, name
    case unknown

    init(_ name: ArraySlice<UInt8>) {
        self = switch String(decoding: name, as: UTF8.self) {
        case "methodCall": .methodCall
        case "methodName": .methodName
        case "methodResponse": .methodResponse
        case "params": .params
        case "param": .param
        case "fault": .fault
        case "value": .value
        case "string": .string
        case "int": .int
        case "i4": .i4
        case "i8": .i8
        case "boolean": .boolean
        case "double": .double
        case "dateTime.iso8601": .dateTime
        case "base64": .base64
        case "nil": .nil
        case "array": .array
        case "data": .data
        case "struct": .struct
        case "member": .member
        case "name": .name
        default: .unknown
        }
    }

    var tag: String {
        switch self {
        case .methodCall: "<methodCall>"
        case .methodName: "<methodName>"
        case .methodResponse: "<methodResponse>"
        case .params: "<params>"
        case .param: "<param>"
        case .fault: "<fault>"
        case .value: "<value>"
        case .string: "<string>"
        case .int: "<int>"
        case .i4: "<i4>"
        case .i8: "<i8>"
        case .boolean: "<boolean>"
        case .double: "<double>"
        case .dateTime: "<dateTime.iso8601>"
        case .base64: "<base64>"
        case .nil: "<nil>"
        case .array: "<array>"
        case .data: "<data>"
        case .struct: "<struct>"
        case .member: "<member>"
        case .name: "<name>"
        case .unknown: "an unknown element"
        }
    }
}

/// A pull reader over the bytes of one body: a tokenizer for the XML subset (``next()``) under a
/// recursive-descent reader of XML-RPC's grammar (``readCall()``, ``readValue()``, …).
///
/// It works on bytes, not `String`s, for speed and for exact offsets. The tokenizer checks
/// well-formedness (every end tag closes the element open), counts elements, and decodes text;
/// the grammar checks that each element is where XML-RPC puts it, so the stack of open
/// elements never outgrows the depth limit: a misplaced start tag is refused as soon as it is read.
struct XMLRPCReader {
    /// What the tokenizer found next.
    enum Event {
        /// A start tag (a self-closing `<x/>` comes as a start then an end).
        case start(XMLRPCElement, name: Range<Int>, at: Int)
        /// An end tag, which the tokenizer has checked closes the innermost open element.
        case end(XMLRPCElement, at: Int)
        /// A run of text (character data, references, CDATA; comments inside it are dropped),
        /// decoded into ``text``, where it stays until the next text run.
        case text(at: Int)
        case endOfInput
    }

    private let bytes: [UInt8]
    private let limits: XMLRPCLimits
    private var position = 0
    /// The names of the open elements, outermost first, as ranges of `bytes`.
    private var openElements: [Range<Int>] = []
    /// The name of a `<x/>` just read, whose end event comes next.
    private var pendingSelfClose: Range<Int>?
    private var elementCount = 0
    /// How many arrays and structs are open.
    private var nesting = 0
    /// The last text run, decoded (references resolved, line ends normalized, comments dropped).
    private var text: [UInt8] = []
    /// Whether ``text`` is only XML whitespace (or empty).
    private var textIsWhitespace = true

    /// Checks the body as a whole before reading any of it: its size, then DTD markup anywhere,
    /// then its encoding, so the most telling refusal comes first.
    init(_ body: [UInt8], limits: XMLRPCLimits) throws(XMLRPCError) {
        try Self.checkSize(body.count, limits: limits)
        try Self.refuseDTDMarkup(body)
        try Self.checkEncoding(body)
        bytes = body
        self.limits = limits
    }

    static func checkSize(_ size: Int, limits: XMLRPCLimits) throws(XMLRPCError) {
        guard size <= limits.bodySize else {
            throw XMLRPCError(.bodyTooLarge, "the body is \(size) bytes, over the limit of \(limits.bodySize)",
                              offset: limits.bodySize)
        }
    }

    /// Refuses `<!DOCTYPE`, `<!ENTITY` and the other DTD declarations wherever they stand, even
    /// inside a comment: no XML-RPC body needs one, and finding them by a plain scan leaves no
    /// way to smuggle one past the tokenizer.
    private static func refuseDTDMarkup(_ body: [UInt8]) throws(XMLRPCError) {
        /// Whether `word` (lowercase ASCII) follows at `index`, in any case.
        func keyword(_ word: StaticString, at index: Int) -> Bool {
            word.withUTF8Buffer { word in
                index + word.count <= body.count && word.indices.allSatisfy { body[index + $0] | 0x20 == word[$0] }
            }
        }
        var index = 0
        let end = body.count - 1
        while index < end {
            if body[index] == .lessThan, body[index + 1] == .exclamation {
                if keyword("doctype", at: index + 2) {
                    throw XMLRPCError(.dtdRefused, "the body declares a DOCTYPE: entities are refused", offset: index)
                }
                if keyword("entity", at: index + 2) {
                    throw XMLRPCError(.dtdRefused, "the body declares an ENTITY: entities are refused", offset: index)
                }
                if keyword("element", at: index + 2) || keyword("attlist", at: index + 2) || keyword("notation", at: index + 2) {
                    throw XMLRPCError(.dtdRefused, "the body holds a DTD declaration (<!ELEMENT, <!ATTLIST or <!NOTATION): DTDs are refused",
                                      offset: index)
                }
            }
            index += 1
        }
    }

    /// Checks that the body is UTF-8 holding only characters XML 1.0 allows (no C0 controls
    /// but tab, line feed and return; no U+FFFE or U+FFFF), so that text can later be turned
    /// into `String`s without loss or checks.
    private static func checkEncoding(_ body: [UInt8]) throws(XMLRPCError) {
        var index = 0
        let count = body.count
        while index < count {
            let lead = body[index]
            if lead < 0x80 {
                if lead < 0x20, lead != 0x09, lead != 0x0A, lead != 0x0D {
                    throw XMLRPCError(.invalidEncoding, "the character U+\(hex(UInt32(lead))) is not allowed in XML", offset: index)
                }
                index += 1
                continue
            }
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF  // no overlong forms
            case 0xED: length = 3; secondRange = 0x80...0x9F  // no surrogates
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xF0: length = 4; secondRange = 0x90...0xBF  // no overlong forms
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondRange = 0x80...0x8F  // nothing past U+10FFFF
            default:
                throw XMLRPCError(.invalidEncoding, "invalid UTF-8: byte 0x\(hex(UInt32(lead))) starts no character", offset: index)
            }
            guard index + length <= count else {
                throw XMLRPCError(.invalidEncoding, "invalid UTF-8: the body ends inside a character", offset: index)
            }
            guard secondRange.contains(body[index + 1]) else {
                throw XMLRPCError(.invalidEncoding, "invalid UTF-8: a broken \(length)-byte sequence", offset: index)
            }
            for continuation in 2..<length where !(0x80...0xBF).contains(body[index + continuation]) {
                throw XMLRPCError(.invalidEncoding, "invalid UTF-8: a broken \(length)-byte sequence", offset: index)
            }
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters.
            if lead == 0xEF, body[index + 1] == 0xBF, body[index + 2] >= 0xBE {
                throw XMLRPCError(.invalidEncoding, "the character U+FFF\(body[index + 2] == 0xBE ? "E" : "F") is not allowed in XML",
                                  offset: index)
            }
            index += length
        }
    }

    // MARK: Grammar

    mutating func readCall() throws(XMLRPCError) -> XMLRPCCall {
        try readProlog()
        switch try nextTag() {
        case .start(.methodCall, _, _):
            break
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "the root element is <\(nameText(name))>, not <methodCall>", at: at)
        default:
            throw failure(.malformedXML, "the body holds no <methodCall>", at: position)
        }
        try expectStart(.methodName, in: .methodCall)
        let methodAt = position
        let method = try readText(of: .methodName)
        try checkMethodName(method, at: methodAt)
        var params: [XMLRPCValue] = []
        switch try nextTag() {
        case .start(.params, _, _):
            params = try readParams()
            try expectEnd(of: .methodCall)
        case .end:
            break  // XML-RPC lets a call without parameters leave out <params>.
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "unexpected <\(nameText(name))> in <methodCall>", at: at)
        case .text, .endOfInput:
            throw failure(.malformedXML, "the body ends inside <methodCall>", at: position)
        }
        try readEpilog()
        return XMLRPCCall(method: method, params: params)
    }

    mutating func readResponse() throws(XMLRPCError) -> XMLRPCResponse {
        try readProlog()
        switch try nextTag() {
        case .start(.methodResponse, _, _):
            break
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "the root element is <\(nameText(name))>, not <methodResponse>", at: at)
        default:
            throw failure(.malformedXML, "the body holds no <methodResponse>", at: position)
        }
        let response: XMLRPCResponse
        switch try nextTag() {
        case .start(.params, _, let at):
            let params = try readParams()
            guard params.count == 1 else {
                throw failure(.notXMLRPC, "a response holds one <param>, not \(params.count)", at: at)
            }
            response = .value(params[0])
        case .start(.fault, _, let at):
            try expectStart(.value, in: .fault)
            let fault = try readValue()
            try expectEnd(of: .fault)
            guard let code = fault["faultCode"]?.intValue, let message = fault["faultString"]?.stringValue else {
                throw failure(.notXMLRPC, "a <fault> holds a struct of an int faultCode and a string faultString", at: at)
            }
            response = .fault(code: code, message: message)
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "unexpected <\(nameText(name))> in <methodResponse>", at: at)
        case .end(_, let at):
            throw failure(.notXMLRPC, "<methodResponse> holds neither <params> nor <fault>", at: at)
        case .text, .endOfInput:
            throw failure(.malformedXML, "the body ends inside <methodResponse>", at: position)
        }
        try expectEnd(of: .methodResponse)
        try readEpilog()
        return response
    }

    /// `<param><value>…</value></param>…` up to `</params>`, whose start tag has been read.
    private mutating func readParams() throws(XMLRPCError) -> [XMLRPCValue] {
        var params: [XMLRPCValue] = []
        while true {
            switch try nextTag() {
            case .start(.param, _, _):
                try expectStart(.value, in: .param)
                params.append(try readValue())
                try expectEnd(of: .param)
            case .end:
                return params
            case .start(_, let name, let at):
                throw failure(.notXMLRPC, "unexpected <\(nameText(name))> in <params>", at: at)
            case .text, .endOfInput:
                throw failure(.malformedXML, "the body ends inside <params>", at: position)
            }
        }
    }

    /// A value, whose `<value>` start tag has been read, up to and with its `</value>`.
    private mutating func readValue() throws(XMLRPCError) -> XMLRPCValue {
        var event = try next()
        var hadText = false
        if case .text = event {
            hadText = true
            event = try next()  // A tag: text runs are as long as they go, and tags leave `text` be.
        }
        switch event {
        case .end:
            // No type element: the text itself is the string, whitespace and all.
            return .string(hadText ? String(decoding: text, as: UTF8.self) : "")
        case .start(let element, let name, let at):
            if hadText, !textIsWhitespace {
                throw failure(.notXMLRPC, "text \(preview(text)) stands next to <\(nameText(name))> in <value>", at: at)
            }
            let value = try readTyped(element, name: name, at: at)
            try expectEnd(of: .value)
            return value
        case .text, .endOfInput:
            throw failure(.malformedXML, "the body ends inside <value>", at: position)
        }
    }

    /// The typed element inside a `<value>`, whose start tag has been read, up to its end tag.
    private mutating func readTyped(_ element: XMLRPCElement, name: Range<Int>, at: Int) throws(XMLRPCError) -> XMLRPCValue {
        switch element {
        case .string:
            return .string(try readText(of: element))
        case .int, .i4, .i8:
            return .int(try readInt(of: element, at: at))
        case .boolean:
            let digit = Self.trimmed(try readText(of: element))
            switch digit {
            case "0": return .boolean(false)
            case "1": return .boolean(true)
            default: throw failure(.invalidValue, "a <boolean> is 0 or 1, not \(preview(digit))", at: at)
            }
        case .double:
            return .double(try readDouble(at: at))
        case .dateTime:
            return .dateTime(Self.trimmed(try readText(of: element)))
        case .base64:
            let encoded = try readText(of: element).utf8.filter { !$0.isXMLWhitespace }
            guard let data = Data(base64Encoded: Data(encoded)) else {
                throw failure(.invalidValue, "the <base64> is not base64", at: at)
            }
            return .base64([UInt8](data))
        case .nil:
            guard Self.trimmed(try readText(of: element)).isEmpty else {
                throw failure(.invalidValue, "a <nil> holds nothing", at: at)
            }
            return .nil
        case .array:
            try enterNesting(at: at)
            defer { nesting -= 1 }
            try expectStart(.data, in: .array)
            var items: [XMLRPCValue] = []
            while true {
                switch try nextTag() {
                case .start(.value, _, _):
                    items.append(try readValue())
                case .end:
                    try expectEnd(of: .array)
                    return .array(items)
                case .start(_, let name, let at):
                    throw failure(.notXMLRPC, "unexpected <\(nameText(name))> in <data>", at: at)
                case .text, .endOfInput:
                    throw failure(.malformedXML, "the body ends inside <data>", at: position)
                }
            }
        case .struct:
            try enterNesting(at: at)
            defer { nesting -= 1 }
            var members: [XMLRPCMember] = []
            var names: Set<String> = []
            while true {
                switch try nextTag() {
                case .start(.member, _, let memberAt):
                    try expectStart(.name, in: .member)
                    let name = try readText(of: .name)
                    // Python keeps the last of two and others the first: refusing both leaves no doubt.
                    guard names.insert(name).inserted else {
                        throw failure(.invalidValue, "the struct has two members named \(preview(Array(name.utf8)))", at: memberAt)
                    }
                    try expectStart(.value, in: .member)
                    members.append(XMLRPCMember(name, try readValue()))
                    try expectEnd(of: .member)
                case .end:
                    return .structure(members)
                case .start(_, let name, let at):
                    throw failure(.notXMLRPC, "unexpected <\(nameText(name))> in <struct>", at: at)
                case .text, .endOfInput:
                    throw failure(.malformedXML, "the body ends inside <struct>", at: position)
                }
            }
        default:
            throw failure(.notXMLRPC, "<\(nameText(name))> is not an XML-RPC type", at: at)
        }
    }

    /// Counts one more open array or struct, refusing it before it is read when it goes past
    /// the limit: each level is a recursion, so the check must come first.
    private mutating func enterNesting(at: Int) throws(XMLRPCError) {
        guard nesting < limits.depth else {
            throw failure(.tooDeep, "arrays and structs nest deeper than \(limits.depth) levels", at: at)
        }
        nesting += 1
    }

    private mutating func readInt(of element: XMLRPCElement, at: Int) throws(XMLRPCError) -> Int {
        let written = Self.trimmed(try readText(of: element))
        var digits = Array(written.utf8)[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw failure(.invalidValue, "\(element.tag) \(preview(Array(written.utf8))) is not a whole number", at: at)
        }
        var value = 0
        for digit in digits {
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            // Negative numbers are summed downwards, so that Int.min fits.
            let (next, overflowAdd) = negative
                ? shifted.subtractingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                : shifted.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !overflowShift, !overflowAdd else {
                throw failure(.invalidValue, "\(element.tag) \(preview(Array(written.utf8))) does not fit in 64 bits", at: at)
            }
            value = next
        }
        return value
    }

    /// A `<double>` as Python's `float()` reads what Python's `repr()` writes: decimal, with an
    /// exponent perhaps, or `inf`, `-inf`, `nan`. Not hexadecimal floats, which Swift's parser
    /// would also take.
    private mutating func readDouble(at: Int) throws(XMLRPCError) -> Double {
        let written = Self.trimmed(try readText(of: .double))
        let plain = written.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
        }
        let special: Double? = switch written.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": .infinity
        case "-inf", "-infinity": -.infinity
        case "nan", "+nan", "-nan": .nan
        default: nil
        }
        guard let value = special ?? (plain ? Double(written) : nil) else {
            throw failure(.invalidValue, "<double> \(preview(Array(written.utf8))) is not a number", at: at)
        }
        return value
    }

    /// The characters XML-RPC allows in a method name: letters, digits, `_ . : /`.
    private func checkMethodName(_ method: String, at: Int) throws(XMLRPCError) {
        let allowed = !method.isEmpty && method.utf8.allSatisfy {
            switch $0 {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"): true
            default: false
            }
        }
        guard allowed else {
            throw failure(.notXMLRPC, "the method name \(preview(Array(method.utf8))) holds characters other than A-Z a-z 0-9 _ . : /",
                          at: at)
        }
    }

    /// An optional byte-order mark and `<?xml …?>` declaration, which must say UTF-8 if it
    /// names an encoding at all.
    private mutating func readProlog() throws(XMLRPCError) {
        guard !bytes.isEmpty else { throw failure(.malformedXML, "the body is empty", at: 0) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        guard matches("<?xml", at: position), position + 5 < bytes.count,
              bytes[position + 5].isXMLWhitespace || bytes[position + 5] == .question else { return }
        let start = position
        guard let close = find("?>", from: position + 5) else {
            throw failure(.malformedXML, "the <?xml declaration is not closed", at: start)
        }
        var attributes: [String: String] = [:]
        var index = position + 5
        while true {
            while index < close, bytes[index].isXMLWhitespace { index += 1 }
            if index == close { break }
            let nameStart = index
            while index < close, bytes[index] != .equals, !bytes[index].isXMLWhitespace { index += 1 }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            while index < close, bytes[index].isXMLWhitespace { index += 1 }
            guard index < close, bytes[index] == .equals else {
                throw failure(.malformedXML, "the <?xml declaration is malformed near \"\(name)\"", at: nameStart)
            }
            index += 1
            while index < close, bytes[index].isXMLWhitespace { index += 1 }
            guard index < close, bytes[index] == .quote || bytes[index] == .apostrophe else {
                throw failure(.malformedXML, "the <?xml declaration's \(name) is not quoted", at: index)
            }
            let quote = bytes[index]
            let valueStart = index + 1
            guard let valueEnd = bytes[valueStart..<close].firstIndex(of: quote) else {
                throw failure(.malformedXML, "the <?xml declaration's \(name) is not closed", at: index)
            }
            attributes[name] = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
            index = valueEnd + 1
        }
        guard let version = attributes["version"], version.hasPrefix("1."), version.count > 2,
              version.utf8.dropFirst(2).allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw failure(.malformedXML, "the <?xml declaration names no version 1.x", at: start)
        }
        if let encoding = attributes["encoding"], !["utf-8", "utf8", "us-ascii", "ascii"].contains(encoding.lowercased()) {
            throw failure(.invalidEncoding, "the body declares the encoding \(preview(Array(encoding.utf8))): only UTF-8 is read",
                          at: start)
        }
        if let unknown = attributes.keys.first(where: { !["version", "encoding", "standalone"].contains($0) }) {
            throw failure(.malformedXML, "the <?xml declaration holds \(preview(Array(unknown.utf8)))", at: start)
        }
        position = close + 2
    }

    /// After the root element: only whitespace and comments, to the end.
    private mutating func readEpilog() throws(XMLRPCError) {
        switch try nextTag() {
        case .endOfInput:
            return
        case .start(_, let name, let at):
            throw failure(.malformedXML, "a second root element <\(nameText(name))> after the first", at: at)
        case .end(_, let at), .text(let at):
            throw failure(.malformedXML, "markup after the root element", at: at)
        }
    }

    /// The next start tag, end tag or end of input, past whitespace text; other text is refused,
    /// since it can only stand where XML-RPC puts elements.
    private mutating func nextTag() throws(XMLRPCError) -> Event {
        let event = try next()
        guard case .text(let at) = event else { return event }
        guard textIsWhitespace else {
            let parent = openElements.last.map { "<\(nameText($0))>" } ?? "the prolog"
            throw failure(.notXMLRPC, "text \(preview(text)) is not allowed in \(parent)", at: at)
        }
        return try next()  // Not text again: a text run goes as far as text does.
    }

    private mutating func expectStart(_ element: XMLRPCElement, in parent: XMLRPCElement) throws(XMLRPCError) {
        switch try nextTag() {
        case .start(element, _, _):
            return
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "<\(nameText(name))> stands where \(element.tag) belongs in \(parent.tag)", at: at)
        case .end(_, let at):
            throw failure(.notXMLRPC, "\(parent.tag) ends without \(element.tag)", at: at)
        case .text, .endOfInput:
            throw failure(.malformedXML, "the body ends inside \(parent.tag)", at: position)
        }
    }

    /// The end tag of `element`, the innermost open one, past whitespace.
    private mutating func expectEnd(of element: XMLRPCElement) throws(XMLRPCError) {
        switch try nextTag() {
        case .end:
            return  // The tokenizer has checked it closes the open element.
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "unexpected <\(nameText(name))> in \(element.tag)", at: at)
        case .text, .endOfInput:
            throw failure(.malformedXML, "the body ends inside \(element.tag)", at: position)
        }
    }

    /// The text of an element that holds only text (`<string>`, `<name>`, `<int>`, …), whose
    /// start tag has been read, up to its end tag.
    private mutating func readText(of element: XMLRPCElement) throws(XMLRPCError) -> String {
        var event = try next()
        var content = ""
        if case .text = event {
            content = String(decoding: text, as: UTF8.self)
            event = try next()
        }
        switch event {
        case .end:
            return content
        case .start(_, let name, let at):
            throw failure(.notXMLRPC, "<\(nameText(name))> inside \(element.tag), which holds only text", at: at)
        case .text, .endOfInput:
            throw failure(.malformedXML, "the body ends inside \(element.tag)", at: position)
        }
    }

    // MARK: Tokenizer

    /// The next start tag, end tag, text run or the end of the body.
    private mutating func next() throws(XMLRPCError) -> Event {
        if let name = pendingSelfClose {
            pendingSelfClose = nil
            openElements.removeLast()
            return .end(XMLRPCElement(bytes[name]), at: position)
        }
        guard position < bytes.count else {
            if let open = openElements.last {
                throw failure(.malformedXML, "the body ends inside <\(nameText(open))>", at: position)
            }
            return .endOfInput
        }
        if bytes[position] == .lessThan {
            let following = position + 1 < bytes.count ? bytes[position + 1] : 0
            switch following {
            case .slash:
                return try readEndTag()
            case .question:
                throw failure(.processingInstructionRefused,
                              "a processing instruction: only the leading <?xml …?> declaration is read", at: position)
            case .exclamation:
                guard matches("<!--", at: position) || matches("<![CDATA[", at: position) else {
                    throw failure(.malformedXML, "markup \"<!\" that is neither a comment nor CDATA", at: position)
                }
            default:
                return try readStartTag()
            }
        }
        return try readTextRun()
    }

    private mutating func readStartTag() throws(XMLRPCError) -> Event {
        let start = position
        position += 1
        let name = try readName(tagAt: start)
        while position < bytes.count, bytes[position].isXMLWhitespace { position += 1 }
        guard position < bytes.count else {
            throw failure(.malformedXML, "the body ends inside the tag <\(nameText(name))", at: start)
        }
        let selfClosing: Bool
        if bytes[position] == .greaterThan {
            selfClosing = false
            position += 1
        } else if bytes[position] == .slash, position + 1 < bytes.count, bytes[position + 1] == .greaterThan {
            selfClosing = true
            position += 2
        } else if bytes[position].isXMLNameStart {
            throw failure(.notXMLRPC, "<\(nameText(name))> has an attribute, which XML-RPC has none of", at: position)
        } else {
            throw failure(.malformedXML, "the tag <\(nameText(name)) is broken", at: start)
        }
        elementCount += 1
        guard elementCount <= limits.elements else {
            throw failure(.tooManyElements, "the body holds more than \(limits.elements) elements", at: start)
        }
        openElements.append(name)
        if selfClosing { pendingSelfClose = name }
        return .start(XMLRPCElement(bytes[name]), name: name, at: start)
    }

    private mutating func readEndTag() throws(XMLRPCError) -> Event {
        let start = position
        position += 2
        let name = try readName(tagAt: start)
        while position < bytes.count, bytes[position].isXMLWhitespace { position += 1 }
        guard position < bytes.count, bytes[position] == .greaterThan else {
            throw failure(.malformedXML, "the end tag </\(nameText(name)) is broken or not closed", at: start)
        }
        position += 1
        guard let open = openElements.last else {
            throw failure(.malformedXML, "</\(nameText(name))> closes no element", at: start)
        }
        guard bytes[open].elementsEqual(bytes[name]) else {
            throw failure(.malformedXML, "</\(nameText(name))> closes <\(nameText(open))>", at: start)
        }
        openElements.removeLast()
        return .end(XMLRPCElement(bytes[name]), at: start)
    }

    /// An element name at `position`, which must be followed by whitespace, `/` or `>`.
    private mutating func readName(tagAt start: Int) throws(XMLRPCError) -> Range<Int> {
        let nameStart = position
        guard position < bytes.count, bytes[position].isXMLNameStart else {
            throw failure(.malformedXML, "a \"<\" that starts no tag", at: start)
        }
        while position < bytes.count, bytes[position].isXMLNameByte { position += 1 }
        guard position < bytes.count else {
            throw failure(.malformedXML, "the body ends inside a tag", at: start)
        }
        let after = bytes[position]
        guard after.isXMLWhitespace || after == .slash || after == .greaterThan else {
            throw failure(.malformedXML, "a broken tag name", at: position)
        }
        return nameStart..<position
    }

    /// Character data up to the next tag, into ``text``: references decoded, CDATA copied,
    /// comments dropped, line ends normalized to `\n` as XML prescribes (`&#13;` stays a return).
    /// Outside the root element only whitespace and comments are allowed.
    private mutating func readTextRun() throws(XMLRPCError) -> Event {
        let start = position
        let outsideRoot = openElements.isEmpty
        text.removeAll(keepingCapacity: true)
        textIsWhitespace = true
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case .lessThan:
                if matches("<!--", at: position) {
                    guard let close = find("-->", from: position + 4) else {
                        throw failure(.malformedXML, "a comment that is not closed", at: position)
                    }
                    position = close + 3
                } else if matches("<![CDATA[", at: position) {
                    guard !outsideRoot else {
                        throw failure(.malformedXML, "CDATA outside the root element", at: position)
                    }
                    guard let close = find("]]>", from: position + 9) else {
                        throw failure(.malformedXML, "a CDATA section that is not closed", at: position)
                    }
                    appendText(position + 9..<close)
                    position = close + 3
                } else {
                    return .text(at: start)
                }
            case .ampersand:
                guard !outsideRoot else {
                    throw failure(.malformedXML, "a reference outside the root element", at: position)
                }
                try readReference()
            default:
                // The longest run of plain text, copied at once.
                let runStart = position
                while position < bytes.count, bytes[position] != .lessThan, bytes[position] != .ampersand { position += 1 }
                if outsideRoot, !bytes[runStart..<position].allSatisfy(\.isXMLWhitespace) {
                    throw failure(.malformedXML, "text outside the root element", at: runStart)
                }
                // XML reserves "]]>" for closing CDATA; in text it must be written "]]&gt;".
                if let close = find("]]>", from: runStart, endingBy: position) {
                    throw failure(.malformedXML, "\"]]>\" in text, outside CDATA", at: close)
                }
                appendText(runStart..<position)
            }
        }
        return .text(at: start)
    }

    /// Appends raw text, turning `\r\n` and a lone `\r` into `\n`.
    private mutating func appendText(_ range: Range<Int>) {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == .carriageReturn {
                text.append(.lineFeed)
                if index + 1 < range.upperBound, bytes[index + 1] == .lineFeed { index += 1 }
            } else {
                if textIsWhitespace, !byte.isXMLWhitespace { textIsWhitespace = false }
                text.append(byte)
            }
            index += 1
        }
    }

    /// `&lt; &gt; &amp; &quot; &apos; &#NN; &#xHH;` at `position`, decoded into ``text``.
    private mutating func readReference() throws(XMLRPCError) {
        let start = position
        // The longest reference read is `&#x0010FFFF;`-ish; a name longer than this is unknown anyway.
        let searchEnd = min(bytes.count, start + 32)
        guard let semicolon = bytes[(start + 1)..<searchEnd].firstIndex(of: .semicolon), semicolon > start + 1 else {
            throw failure(.malformedXML, "an \"&\" that starts no reference (write &amp;)", at: start)
        }
        let name = bytes[(start + 1)..<semicolon]
        position = semicolon + 1
        switch String(decoding: name, as: UTF8.self) {
        case "lt": appendScalar(0x3C)
        case "gt": appendScalar(0x3E)
        case "amp": appendScalar(0x26)
        case "quot": appendScalar(0x22)
        case "apos": appendScalar(0x27)
        default:
            guard name.first == .hash else {
                guard name.allSatisfy(\.isXMLNameByte) else {
                    throw failure(.malformedXML, "an \"&\" that starts no reference (write &amp;)", at: start)
                }
                throw failure(.unknownEntity,
                              "the entity reference &\(String(decoding: name, as: UTF8.self)); is unknown: only &lt; &gt; &amp; &quot; &apos; and character references are read",
                              at: start)
            }
            let hexadecimal = name.dropFirst().first == UInt8(ascii: "x")
            let digits = name.dropFirst(hexadecimal ? 2 : 1)
            let radix: UInt32 = hexadecimal ? 16 : 10
            var scalar: UInt32 = 0
            var valid = !digits.isEmpty && digits.count <= 8
            for digit in digits where valid {
                guard let value = Self.digitValue(digit, radix: radix) else { valid = false; break }
                scalar = scalar * radix + value
            }
            guard valid, Self.isXMLCharacter(scalar) else {
                throw failure(.malformedXML,
                              "the character reference &\(String(decoding: name, as: UTF8.self)); names no XML character",
                              at: start)
            }
            appendScalar(scalar)
        }
    }

    private mutating func appendScalar(_ value: UInt32) {
        let scalar = Unicode.Scalar(value)!  // Checked by isXMLCharacter (or a literal).
        if textIsWhitespace, !(value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D) { textIsWhitespace = false }
        text.append(contentsOf: UTF8.encode(scalar)!)
    }

    private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        let value: UInt32 = switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: 99
        }
        return value < radix ? value : nil
    }

    /// XML 1.0's `Char` production.
    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    // MARK: Helpers

    private func matches(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { bytes[index..<(index + count)].elementsEqual($0) }
    }

    /// Where `literal` next starts at or after `index`, ending at or before `end`.
    private func find(_ literal: StaticString, from index: Int, endingBy end: Int? = nil) -> Int? {
        literal.withUTF8Buffer { needle -> Int? in
            let end = end ?? bytes.count
            guard let first = needle.first, end >= needle.count else { return nil }
            var candidate = index
            let last = end - needle.count
            while candidate <= last {
                if bytes[candidate] == first, bytes[candidate..<(candidate + needle.count)].elementsEqual(needle) {
                    return candidate
                }
                candidate += 1
            }
            return nil
        }
    }

    private func nameText(_ name: Range<Int>) -> String {
        let written = String(decoding: bytes[name.prefix(40)], as: UTF8.self)
        return name.count > 40 ? written + "…" : written
    }

    /// Text for a message: quoted, at most 40 bytes of it.
    private func preview(_ text: some Collection<UInt8>) -> String {
        let shown = String(decoding: text.prefix(40), as: UTF8.self)
        let quoted = shown.debugDescription  // Quotes, and escapes for line ends and controls.
        return text.count > 40 ? String(quoted.dropLast()) + "…\"" : quoted
    }

    private func preview(_ text: String) -> String { preview(Array(text.utf8)) }

    private static func trimmed(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { !$0.isXMLWhitespace }),
              let last = bytes.lastIndex(where: { !$0.isXMLWhitespace }) else { return "" }
        return first == 0 && last == bytes.count - 1 ? text : String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// An error at `offset`, with the path of the elements open there.
    /// The path is shortened past 20 elements (which only deep nesting reaches) to its first 10
    /// and last 9, so that a refusal stays a line long.
    private func failure(_ reason: XMLRPCError.Reason, _ message: String, at offset: Int) -> XMLRPCError {
        var names = openElements.map { nameText($0) }
        if names.count > 20 { names = names.prefix(10) + ["…"] + names.suffix(9) }
        return XMLRPCError(reason, message, offset: offset, path: names.joined(separator: "/"))
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

fileprivate extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let slash = UInt8(ascii: "/")
    static let question = UInt8(ascii: "?")
    static let exclamation = UInt8(ascii: "!")
    static let ampersand = UInt8(ascii: "&")
    static let semicolon = UInt8(ascii: ";")
    static let hash = UInt8(ascii: "#")
    static let equals = UInt8(ascii: "=")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")

    /// XML's whitespace: space, tab, line feed, return.
    var isXMLWhitespace: Bool { self == .space || self == .tab || self == .lineFeed || self == .carriageReturn }

    /// A byte that may start an element name: an ASCII letter, `_`, `:`, or any byte of a
    /// non-ASCII character (names XML-RPC knows are ASCII; others are refused by name later).
    var isXMLNameStart: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...:
            true
        default: false
        }
    }

    /// A byte that may continue an element name (or an entity's).
    var isXMLNameByte: Bool {
        isXMLNameStart || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "-")
            || self == UInt8(ascii: ".")
    }
}
