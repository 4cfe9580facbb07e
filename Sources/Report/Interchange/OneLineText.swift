/// Text made safe for a line-oriented format (an EDL's comment lines), where a client's
/// note or name must not end the line and start another that a reader would obey.
enum OneLineText {
    /// `text` on one line: every run of whitespace and control characters (each kind of line
    /// end, including U+2028 and U+0085, tabs, NUL) becomes one space, and the ends are
    /// trimmed. When longer than `limit` characters it is cut at a character boundary and
    /// ends in `...`, so a reader can tell that it was cut.
    static func flattened(_ text: String, limit: Int) -> String {
        var line = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace || character.unicodeScalars.contains(where: Self.isControl) {
                pendingSpace = !line.isEmpty
            } else {
                if pendingSpace { line.append(" ") }
                pendingSpace = false
                line.append(character)
            }
        }
        guard line.count > limit else { return line }
        let marker = "..."
        var cut = String(line.prefix(max(0, limit - marker.count)))
        while cut.last == " " { cut.removeLast() }
        return cut + marker
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
