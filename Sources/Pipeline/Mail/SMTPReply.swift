import NIOCore

/// One reply from an SMTP server: a three-digit code and one or more lines of text
/// (`250-first`, `250-second`, `250 last`).
struct SMTPReply: Sendable, Hashable {
    /// The reply code, such as 250.
    let code: Int
    /// The text of each line, after the code and its separator.
    let lines: [String]
    /// Whether more bytes had already arrived after this reply when it was decoded. After
    /// the 220 that agrees to STARTTLS nothing may follow until the handshake: bytes that did
    /// were sent in plain text and must not be read as if they came over TLS.
    let wasFollowedByMoreInput: Bool

    /// The lines joined with newlines.
    var text: String { lines.joined(separator: "\n") }

    /// The reply as the server sent it, on one line, for messages.
    var summary: String { "\(code) \(lines.joined(separator: " / "))" }

    var isPositive: Bool { (200..<400).contains(code) }
}

/// Splits the bytes from an SMTP server into replies (RFC 5321 §4.2): lines ending in CRLF
/// (a bare LF is tolerated), where `250-` continues a reply and `250 ` ends it.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// The reply is not SMTP: a line without a code, a code that changes within one reply,
    /// or a line or reply far longer than any server sends.
    struct MalformedReply: Error, CustomStringConvertible {
        let description: String
    }

    /// RFC 5321 allows 512 octets a reply line; servers' EHLO lines stay well below this.
    static let maximumLineLength = 4096
    /// Far more lines than any EHLO reply has; stops a server that never ends its reply.
    static let maximumLinesPerReply = 512

    private var code: Int?
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw MalformedReply(description: "a reply line longer than \(Self.maximumLineLength) bytes")
            }
            return .needMoreData
        }
        var bytes = buffer.readBytes(length: newline - buffer.readerIndex + 1)!
        bytes.removeLast()
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count <= Self.maximumLineLength else {
            throw MalformedReply(description: "a reply line longer than \(Self.maximumLineLength) bytes")
        }
        let line = String(decoding: bytes, as: UTF8.self)
        let digits = bytes.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let lineCode = Int(String(decoding: digits, as: UTF8.self)), (200...599).contains(lineCode)
        else {
            throw MalformedReply(description: "a reply line without a reply code: '\(line.prefix(80))'")
        }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw MalformedReply(description: "a reply line with '\(UnicodeScalar(separator))' after its code: '\(line.prefix(80))'")
        }
        if let code, code != lineCode {
            throw MalformedReply(description: "a reply whose code changes from \(code) to \(lineCode)")
        }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maximumLinesPerReply else {
            throw MalformedReply(description: "a reply of more than \(Self.maximumLinesPerReply) lines")
        }
        if separator == UInt8(ascii: " ") {
            let reply = SMTPReply(code: lineCode, lines: lines, wasFollowedByMoreInput: buffer.readableBytes > 0)
            code = nil
            lines = []
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // What is left is half a reply from a server that went away: the handler reports the close.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// What a server offers in its EHLO reply (RFC 5321 §4.1.1.1): one keyword a line after the
/// greeting line, with parameters, such as `AUTH PLAIN LOGIN`, `STARTTLS`, `8BITMIME`.
struct SMTPCapabilities: Sendable, Hashable {
    /// Each keyword in upper case, with its parameters.
    let keywords: [String: [String]]

    /// No extensions: what a server answering only HELO offers.
    static let none = SMTPCapabilities(keywords: [:])

    init(keywords: [String: [String]]) {
        self.keywords = keywords
    }

    /// The capabilities in an EHLO reply (its first line greets and is skipped).
    init(ehlo reply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard var keyword = words.first?.uppercased() else { continue }
            var parameters = Array(words.dropFirst())
            // Old servers wrote "AUTH=PLAIN LOGIN"; it means the same as "AUTH PLAIN LOGIN".
            if keyword.hasPrefix("AUTH=") {
                parameters.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []] += parameters
        }
        self.keywords = keywords
    }

    var offersStartTLS: Bool { keywords["STARTTLS"] != nil }
    var offers8BitMIME: Bool { keywords["8BITMIME"] != nil }
    /// The SASL mechanisms offered, in upper case.
    var authenticationMechanisms: Set<String> { Set((keywords["AUTH"] ?? []).map { $0.uppercased() }) }
}
