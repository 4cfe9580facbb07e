import Foundation

/// Walks the top-level boxes (atoms) of an ISO base media / QuickTime file to tell a
/// truncated movie from a file that is not a movie at all.
///
/// When a copy or render of a `.mov` is cut short, libav only says "moov atom not found" or
/// "invalid data"; the box sizes say more. Each top-level box declares its length, so a box
/// that claims to run past the end of the file proves the file was cut.
enum QuickTimeAtoms {
    /// Box types that may start an ISO BMFF / QuickTime file.
    private static let leadingTypes: Set<String> = [
        "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid", "styp", "sidx", "moof", "junk", "pdin", "meta",
    ]

    /// Where a file is cut short: the box whose declared end lies past the end of the file.
    struct Truncation: Equatable {
        let boxType: String
        let declaredEnd: UInt64
        let fileSize: UInt64
    }

    /// The truncation of the file at `path`, or `nil` when its top-level boxes are whole or
    /// the file does not look like ISO BMFF at all.
    static func truncation(at path: String) -> Truncation? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let fileSize = try? handle.seekToEnd(), fileSize >= 8 else { return nil }
        var offset: UInt64 = 0
        var isFirst = true
        while offset + 8 <= fileSize {
            guard (try? handle.seek(toOffset: offset)) != nil,
                let header = try? handle.read(upToCount: 16), header.count >= 8
            else { return nil }
            let bytes = [UInt8](header)
            let type = String(decoding: bytes[4..<8], as: UTF8.self)
            guard bytes[4..<8].allSatisfy({ (0x20...0x7e).contains($0) }) else { return nil }
            if isFirst && !leadingTypes.contains(type) { return nil }
            isFirst = false
            var size = bytes[0..<4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if size == 1 {  // a 64-bit size follows the type
                guard bytes.count >= 16 else { return Truncation(boxType: type, declaredEnd: offset + 16, fileSize: fileSize) }
                size = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            } else if size == 0 {  // the box runs to the end of the file
                return nil
            }
            guard size >= 8 else { return nil }
            let (end, overflow) = offset.addingReportingOverflow(size)
            if overflow || end > fileSize {
                return Truncation(boxType: type, declaredEnd: overflow ? .max : end, fileSize: fileSize)
            }
            offset = end
        }
        return nil
    }
}
