/// The words the grammar gives a meaning to, spelled in lower case (the language ignores case).
///
/// A word is a keyword only where the grammar expects one: `order by limit` orders by an attribute
/// called `limit`. The parser decides; the lexer only recognises the spelling once, so that the
/// parser never lower-cases a word twice.
enum QueryKeyword: String, Sendable, Hashable {
    case select, from, `where`, order, by, asc, desc, offset, limit
    case and, or, not
    case `in`, notIn = "not_in", has, any
    case `is`, isNot = "is_not", like, notLike = "not_like", after, before
    case noneLiteral = "none", nullLiteral = "null", trueLiteral = "true", falseLiteral = "false"

    /// The keyword a word spells in any case; `nil` for the (much more common) other words, found
    /// without lower-casing them: no keyword is longer than eight letters.
    init?(spelling word: String) {
        guard word.utf8.count <= 8, word.utf8.first.map({ $0 >= UInt8(ascii: "A") }) == true else { return nil }
        self.init(rawValue: word.lowercased())
    }

    /// The comparison a keyword operator stands for, synonyms folded (`after` is `>`).
    var comparison: ComparisonOperator? {
        switch self {
        case .is: .equal
        case .isNot: .notEqual
        case .like: .like
        case .notLike: .notLike
        case .after: .greater
        case .before: .less
        default: nil
        }
    }

    /// Whether the word can stand between a path and what it is compared with: a word at the start
    /// of a condition followed by one of these is an attribute name even when it is spelled like a
    /// keyword.
    var isOperator: Bool {
        comparison != nil || self == .in || self == .notIn || self == .has || self == .any
    }
}

/// One token of a query, with the offset (in Unicode scalars) of its first character, so that
/// every refusal can say where.
struct QueryToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A run of letters, digits and `_ - : . +`: a keyword, a type, a dotted path, a number or
        /// an unquoted value such as an id. The lexer does not tell them apart; the parser does, by
        /// where the word stands.
        case word
        /// A quoted string; `text` holds it with its escapes undone.
        case quoted
        case openParenthesis
        case closeParenthesis
        case comma
        /// `=`, `!=`, `<`, `>`, `<=` or `>=`.
        case comparison(ComparisonOperator)
        /// After the last character: every token list ends with one, so the parser can always look
        /// at the current token.
        case end
    }

    var kind: Kind
    /// As written, except for a quoted string, whose escapes are undone and quotes dropped.
    var text: String
    var position: Int
    /// The keyword this word spells, if any (only for `.word`).
    var keyword: QueryKeyword?

    init(_ kind: Kind, _ text: String, at position: Int) {
        self.kind = kind
        self.text = text
        self.position = position
        keyword = kind == .word ? QueryKeyword(spelling: text) : nil
    }

    /// The token as an error message names it: `'limit'`, `the string "x"`, `end of query`.
    var described: String {
        switch kind {
        case .end: "end of query"
        case .quoted: "the string \"\(Self.shortened(text))\""
        default: "'\(Self.shortened(text))'"
        }
    }

    /// Keeps a message readable when the text is an entire 16 KB value.
    static func shortened(_ text: String) -> String {
        let limit = 40
        var scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        scalars.removeSubrange(scalars.index(scalars.startIndex, offsetBy: limit)...)
        return String(scalars) + "…"
    }
}

/// Splits a query into tokens in one pass over its scalars, before any parsing: the text is
/// already bounded by ``QueryLimits/length``, and an iterative scan cannot be driven into deep
/// recursion whatever the text.
enum QueryLexer {
    static func tokens(in scalars: [Unicode.Scalar]) throws(FtrackQueryError) -> [QueryToken] {
        var tokens: [QueryToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let start = index
            if Self.isSpace(scalar) {
                index += 1
                continue
            }
            switch scalar {
            case "(":
                tokens.append(QueryToken(.openParenthesis, "(", at: start))
                index += 1
            case ")":
                tokens.append(QueryToken(.closeParenthesis, ")", at: start))
                index += 1
            case ",":
                tokens.append(QueryToken(.comma, ",", at: start))
                index += 1
            case "=":
                tokens.append(QueryToken(.comparison(.equal), "=", at: start))
                index += 1
            case "!":
                guard index + 1 < scalars.count, scalars[index + 1] == "=" else {
                    throw FtrackQueryError("unexpected character '!' (the operator is '!=')", at: start)
                }
                tokens.append(QueryToken(.comparison(.notEqual), "!=", at: start))
                index += 2
            case "<", ">":
                let orEqual = index + 1 < scalars.count && scalars[index + 1] == "="
                let comparison: ComparisonOperator =
                    scalar == "<" ? (orEqual ? .lessOrEqual : .less) : (orEqual ? .greaterOrEqual : .greater)
                tokens.append(QueryToken(.comparison(comparison), comparison.rawValue, at: start))
                index += orEqual ? 2 : 1
            case "\"", "'":
                let (value, next) = try quoted(scalars, from: start)
                tokens.append(QueryToken(.quoted, value, at: start))
                index = next
            default:
                guard isWordScalar(scalar) else {
                    throw FtrackQueryError("unexpected character \(describe(scalar))", at: start)
                }
                while index < scalars.count, isWordScalar(scalars[index]) { index += 1 }
                // Word scalars are ASCII, so each is one UTF-8 byte.
                let word = String(unsafeUninitializedCapacity: index - start) { bytes in
                    for offset in 0..<(index - start) { bytes[offset] = UInt8(truncatingIfNeeded: scalars[start + offset].value) }
                    return index - start
                }
                tokens.append(QueryToken(.word, word, at: start))
            }
        }
        tokens.append(QueryToken(.end, "", at: scalars.count))
        return tokens
    }

    /// The string opened by the quote at `start`, and the index after its closing quote.
    ///
    /// `\"`, `\'` and `\\` stand for the quote or backslash; a backslash before any other
    /// character is kept with it, as in a Python literal, so `like "100\%"` and Windows paths reach
    /// the SQL compiler as written.
    private static func quoted(_ scalars: [Unicode.Scalar], from start: Int) throws(FtrackQueryError)
        -> (String, Int)
    {
        let quote = scalars[start]
        var value = String.UnicodeScalarView()
        var index = start + 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == quote { return (String(value), index + 1) }
            if scalar == "\\" {
                guard index + 1 < scalars.count else { break }
                let escaped = scalars[index + 1]
                if escaped != "\"" && escaped != "'" && escaped != "\\" { value.append(scalar) }
                value.append(escaped)
                index += 2
            } else {
                value.append(scalar)
                index += 1
            }
        }
        throw FtrackQueryError("unterminated string: no closing \(quote == "\"" ? "\"" : "'")", at: start)
    }

    /// Any Unicode white space; ASCII first, as nearly all of it is, since the Unicode property
    /// lookup costs more than the rest of a character's lexing.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": true
        default: !scalar.isASCII && scalar.properties.isWhitespace
        }
    }

    /// Letters, digits and the punctuation of dotted paths, numbers, ids and timestamps
    /// (`2024-05-01T10:00:00+00:00`); ASCII only, so anything else must be quoted.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ":", ".", "+": true
        default: false
        }
    }

    /// A character as a message shows it: printable ASCII as itself, anything else by its code
    /// point, so a control character or a lone combining mark cannot garble the message.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, scalar.value >= 0x21, scalar.value < 0x7F { return "'\(scalar)'" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
