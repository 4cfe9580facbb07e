import Foundation

/// Writes XML-RPC bodies that Python 2.7's xmlrpclib (expat underneath) reads back exactly.
///
/// Choices made for that reader:
/// - ints within 32 bits are `<int>`, others `<i8>`, which xmlrpclib 2.7 reads (its
///   `Unmarshaller` maps `i8` to `int()`, as it does `int` and `i4`);
/// - every string is a `<string>` element, so an empty one cannot be mistaken for anything else;
/// - text escapes `&`, `<`, `>`, and a carriage return as `&#13;`, which expat would otherwise
///   turn into a line feed; `"` needs no escape in text;
/// - characters XML 1.0 cannot carry at all, even as references (C0 controls but tab, line feed
///   and return; U+FFFE, U+FFFF), become U+FFFD: written raw, they would make expat refuse
///   the whole response;
/// - doubles are written as Swift prints them, shortest round trip (`0.1`, `1e-05`), and
///   infinities and NaN as `inf`, `-inf`, `nan`, which XML-RPC lacks but Python's `float()` reads;
/// - no whitespace between elements but the line end after the declaration, like the brief
///   bodies of the spec's examples.
///
/// Values built by the server are written recursively, one level of the Swift stack per level
/// of nesting: they should not nest thousands deep (what the reader accepts never does).
public enum XMLRPCWriter {
    private static let declaration = "<?xml version='1.0'?>\n"

    /// A `<methodResponse>` carrying `value`.
    public static func response(_ value: XMLRPCValue) -> [UInt8] {
        var out: [UInt8] = []
        out.append(declaration + "<methodResponse><params><param>")
        append(value, to: &out)
        out.append("</param></params></methodResponse>")
        return out
    }

    /// A `<methodResponse>` carrying a fault, which xmlrpclib raises as `xmlrpclib.Fault`.
    public static func fault(code: Int, message: String) -> [UInt8] {
        var out: [UInt8] = []
        out.append(declaration + "<methodResponse><fault>")
        append(["faultCode": .int(code), "faultString": .string(message)], to: &out)
        out.append("</fault></methodResponse>")
        return out
    }

    /// A `<methodCall>`: what a client sends (for tests, and for talking to a real ftrack).
    public static func call(_ call: XMLRPCCall) -> [UInt8] {
        var out: [UInt8] = []
        out.append(declaration + "<methodCall><methodName>")
        appendEscaped(call.method, to: &out)
        out.append("</methodName><params>")
        for param in call.params {
            out.append("<param>")
            append(param, to: &out)
            out.append("</param>")
        }
        out.append("</params></methodCall>")
        return out
    }

    /// `<value>…</value>` for `value`.
    public static func append(_ value: XMLRPCValue, to out: inout [UInt8]) {
        out.append("<value>")
        switch value {
        case .string(let text):
            out.append("<string>")
            appendEscaped(text, to: &out)
            out.append("</string>")
        case .int(let number):
            let tag = Int(Int32.min)...Int(Int32.max) ~= number ? "int" : "i8"
            out.append("<\(tag)>\(number)</\(tag)>")
        case .double(let number):
            out.append("<double>\(number.description)</double>")  // "inf", "-inf", "nan" as Python reads them
        case .boolean(let flag):
            out.append(flag ? "<boolean>1</boolean>" : "<boolean>0</boolean>")
        case .dateTime(let written):
            out.append("<dateTime.iso8601>")
            appendEscaped(written, to: &out)
            out.append("</dateTime.iso8601>")
        case .base64(let bytes):
            out.append("<base64>\(Data(bytes).base64EncodedString())</base64>")
        case .array(let items):
            out.append("<array><data>")
            for item in items { append(item, to: &out) }
            out.append("</data></array>")
        case .structure(let members):
            out.append("<struct>")
            for member in members {
                out.append("<member><name>")
                appendEscaped(member.name, to: &out)
                out.append("</name>")
                append(member.value, to: &out)
                out.append("</member>")
            }
            out.append("</struct>")
        case .nil:
            out.append("<nil/>")
        }
        out.append("</value>")
    }

    /// `text` as XML character data (see the type's notes for what is escaped or replaced).
    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        // Most text needs nothing: copy it whole.
        guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
            || $0 == 0xEF })
        else {
            out.append(contentsOf: utf8)
            return
        }
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]  // U+FFFD
        let bytes = Array(utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"): out.append("&amp;")
            case UInt8(ascii: "<"): out.append("&lt;")
            case UInt8(ascii: ">"): out.append("&gt;")
            case UInt8(ascii: "\r"): out.append("&#13;")
            case UInt8(ascii: "\t"), UInt8(ascii: "\n"): out.append(byte)
            case ..<0x20: out.append(contentsOf: replacement)
            case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                // U+FFFE or U+FFFF.
                out.append(contentsOf: replacement)
                index += 2
            default: out.append(byte)
            }
            index += 1
        }
    }
}

private extension [UInt8] {
    mutating func append(_ text: String) { append(contentsOf: text.utf8) }
}
