/// A header field checked to be one field: a valid name, and a value with no line breaks of
/// its own (RFC 5322 §2.2). The composer folds and encodes it when writing the message.
public struct MailHeader: Sendable, Hashable {
    /// The field name, such as `List-Unsubscribe`.
    public let name: String
    /// The unfolded value. A value with non-ASCII characters is written as RFC 2047 encoded
    /// words, which suits unstructured fields; structured ones should stay ASCII.
    public let value: String

    /// The field `name`: `value`; throws when either would not stay one field.
    public init(_ name: String, _ value: String) throws(MailComposerError) {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && $0 != ":" }) else {
            throw MailComposerError(.invalidHeaderName, "'\(name.prefix(80))' is not a header field name "
                                    + "(printable ASCII without spaces or colons)")
        }
        try Self.checkValue(value, of: name)
        self.name = name
        self.value = value
    }

    /// Refuses a value that would end its field early: CR or LF start a new field (header
    /// injection); NUL is not allowed anywhere in a message.
    static func checkValue(_ value: String, of name: String) throws(MailComposerError) {
        if let bad = value.unicodeScalars.first(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            let what = bad == "\0" ? "NUL" : bad == "\r" ? "a carriage return" : "a line feed"
            throw MailComposerError(.invalidHeaderValue, "the \(name) field's value has \(what): header values stay on one line")
        }
    }
}
