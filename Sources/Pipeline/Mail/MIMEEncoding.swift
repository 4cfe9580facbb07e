import Foundation

/// The encodings a message's text needs (RFC 2045, 2047, 5322), for ``MailComposer``.
enum MIMEEncoding {
    /// Header lines are folded to this length where there is whitespace to fold at (RFC 5322 §2.1.1).
    static let preferredLineLength = 78
    /// No line of a message may be longer (RFC 5322 §2.1.1).
    static let maximumLineLength = 998
    /// UTF-8 bytes in one encoded word: 36 bytes are 48 base64 characters, so a word is 60
    /// characters and a header line holding one stays within 76 (RFC 2047 §2).
    static let encodedWordPayload = 36

    // MARK: Header values

    /// Whether `text` cannot go into a header as it is: characters outside printable ASCII,
    /// or `=?`, which readers would take for the start of an encoded word.
    static func needsEncodedWords(_ text: String) -> Bool {
        text.unicodeScalars.contains { !(0x20...0x7E).contains($0.value) && $0 != "\t" } || text.contains("=?")
    }

    /// `text` as RFC 2047 encoded words (UTF-8, base64), each whole characters, separated by spaces.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > encodedWordPayload {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: " ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }

    /// An unstructured value (a subject, most extra fields): as it is when it can be, else encoded words.
    static func unstructured(_ text: String) -> String {
        needsEncodedWords(text) ? encodedWords(text) : text
    }

    /// A display name as a phrase (RFC 5322 §3.2.5): atoms as they are, other ASCII as a
    /// quoted string, anything else as encoded words.
    static func phrase(_ name: String) -> String {
        if needsEncodedWords(name) { return encodedWords(name) }
        let atext = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if name.unicodeScalars.allSatisfy({ atext.contains($0) }), !name.hasPrefix(" "), !name.hasSuffix(" ") {
            return name
        }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A mailbox: `Name <address>`, or the bare address without a name.
    static func mailbox(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.displayName, !name.isEmpty else { return mailbox.address }
        return "\(phrase(name)) <\(mailbox.address)>"
    }

    /// The field `name: value` as lines ending in CRLF, folded before whitespace to stay within
    /// 78 characters where it can (unfolding gives the value back exactly). Throws when a
    /// line would still be longer than 998.
    static func field(_ name: String, _ value: String) throws(MailComposerError) -> String {
        // Pieces that each start with their whitespace: folding puts CRLF before one, so the
        // whitespace begins the continuation line and no line is whitespace alone.
        var pieces: [String] = []
        var piece = ""
        var inWord = false
        for character in "\(name): \(value)" {
            let isSpace = character == " " || character == "\t"
            if isSpace && inWord {
                pieces.append(piece)
                piece = ""
            }
            piece.append(character)
            inWord = !isSpace
        }
        if !piece.isEmpty {
            if inWord || pieces.isEmpty { pieces.append(piece) } else { pieces[pieces.count - 1] += piece }
        }
        // Never fold right after the colon: some readers keep the fold's space as part of the value.
        if pieces.count > 1 {
            pieces[0] += pieces.remove(at: 1)
        }
        var lines: [String] = []
        var line = ""
        for piece in pieces {
            if !line.isEmpty, line.utf8.count + piece.utf8.count > preferredLineLength {
                lines.append(line)
                line = piece
            } else {
                line += piece
            }
        }
        lines.append(line)
        if lines.contains(where: { $0.utf8.count > maximumLineLength }) {
            throw MailComposerError(.invalidHeaderValue, "the \(name) field has a run of more than "
                                    + "\(maximumLineLength) characters without a space to fold it at")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: Bodies

    /// The lines of `text`, whichever line ends it uses (CRLF, LF or CR). A text ending in a
    /// line end gives an empty last line.
    static func lines(_ text: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so this splits each kind of line end once.
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
    }

    /// `text` with CRLF line ends.
    static func crlf(_ text: String) -> String {
        lines(text).joined(separator: "\r\n")
    }

    /// Whether every line of `text` fits SMTP's limit as it is.
    static func linesFit(_ text: String) -> Bool {
        lines(text).allSatisfy { $0.utf8.count <= maximumLineLength }
    }

    /// `text` as UTF-8 in quoted-printable (RFC 2045 §6.7): printable ASCII as it is, other
    /// bytes and `=` as `=XX`, whitespace at a line's end encoded, soft breaks keeping lines
    /// within 76 characters, and the text's own line ends as CRLF.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        func escaped(_ byte: UInt8) -> [UInt8] { [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 11 / 10)
        for (index, line) in lines(text).enumerated() {
            if index > 0 { output += Array("\r\n".utf8) }
            let bytes = Array(line.utf8)
            var length = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let isSpace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                let literal = ((33...126).contains(byte) && byte != UInt8(ascii: "=")) || (isSpace && !isLast)
                let token = literal ? [byte] : escaped(byte)
                // A soft break is "=" at the end of a line of at most 76.
                if length + token.count > 75 && !(isLast && length + token.count <= 76) {
                    output += Array("=\r\n".utf8)
                    length = 0
                }
                output += token
                length += token.count
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `data` in base64 in lines of 76 characters, each but the last ending in CRLF.
    static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n")
    }

    // MARK: Dates and boundaries

    /// `date` as RFC 5322 writes it (§3.3), in `timeZone`: `Mon, 23 Nov 2026 09:00:00 +0100`.
    /// Written out by hand: English names whatever the locale, and no formatter to share.
    static func date(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offset = timeZone.secondsFromGMT(for: date) / 60
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let zone = (offset < 0 ? "-" : "+") + two(abs(offset) / 60) + two(abs(offset) % 60)
        return "\(weekdays[parts.weekday! - 1]), \(parts.day!) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!)) \(zone)"
    }

    /// A fresh multipart boundary: 128 random bits. The `=_` cannot occur in quoted-printable
    /// or base64 text, so only an 8-bit part could hold it, and the caller checks that.
    static func boundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }
        return "=_dailies_" + bits.map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
    }
}
