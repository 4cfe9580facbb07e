import Foundation

/// A numbered run of image files, such as `shot_010.1001.exr` … `shot_010.1048.exr`.
///
/// Frames are the contiguous run of numbers from ``firstNumber``: libav's image2 demuxer
/// stops at the first missing number, so a gap ends the sequence and is reported.
public struct ImageSequence: Sendable, Hashable, Codable {
    /// The folder holding the files.
    public let directory: String
    /// The file-name part before the number: `shot_010.`.
    public let prefix: String
    /// The file-name part after the number: `.exr`.
    public let suffix: String
    /// Digits the number is zero-padded to; 0 when it is not padded.
    public let padding: Int
    /// The number of the first file, which becomes the first frame number (1001).
    public let firstNumber: Int
    /// How many contiguous files follow from the first, included.
    public let count: Int
    /// Numbers of matching files that lie beyond a gap and are therefore not part of the run.
    public let strayNumbers: [Int]

    /// The number of the last file of the run.
    public var lastNumber: Int { firstNumber + count - 1 }

    /// The printf-style pattern libav reads, `shot_010.%04d.exr`, as a file name.
    public var pattern: String { prefix + (padding > 0 ? "%0\(padding)d" : "%d") + suffix }

    /// The full path of the pattern.
    public var patternPath: String { (directory as NSString).appendingPathComponent(pattern) }

    /// The file name of frame `number`.
    public func fileName(number: Int) -> String {
        let digits = String(number)
        let padded = digits.count < padding ? String(repeating: "0", count: padding - digits.count) + digits : digits
        return prefix + padded + suffix
    }

    /// The full path of file `number`.
    public func path(number: Int) -> String {
        (directory as NSString).appendingPathComponent(fileName(number: number))
    }

    enum CodingKeys: String, CodingKey {
        case directory, prefix, suffix, padding, firstNumber = "first_number", count
        case strayNumbers = "stray_numbers"
    }
}

extension ImageSequence {
    /// File extensions treated as single images (and so as possible sequence members).
    static let imageExtensions: Set<String> = [
        "png", "jpg", "jpeg", "tif", "tiff", "exr", "dpx", "tga", "bmp", "webp", "jp2", "j2k", "sgi",
        "rgb", "hdr", "pfm", "ppm", "pgm", "qoi", "jxl",
    ]

    /// How a file name splits around its frame number.
    struct NameParts: Hashable {
        let prefix: String
        let suffix: String
        /// Padding width, or 0 for plain numbers.
        let padding: Int
    }

    /// Splits a pattern file name: `shot.%04d.exr`, `shot.%d.exr` or `shot.####.exr`.
    /// Returns `nil` when the name has no (or more than one) frame-number placeholder.
    static func parsePattern(_ name: String) -> NameParts? {
        if let percent = name.range(of: #"%(0?[1-9][0-9]*)?d"#, options: .regularExpression) {
            let token = name[percent].dropFirst().dropLast()
            let rest = name[percent.upperBound...]
            guard !rest.contains("%"), !name[..<percent.lowerBound].contains("%") else { return nil }
            return NameParts(prefix: String(name[..<percent.lowerBound]), suffix: String(rest), padding: Int(token) ?? 0)
        }
        if let hashes = name.range(of: "#+", options: .regularExpression) {
            guard !name[hashes.upperBound...].contains("#") else { return nil }
            return NameParts(prefix: String(name[..<hashes.lowerBound]), suffix: String(name[hashes.upperBound...]),
                             padding: name.distance(from: hashes.lowerBound, to: hashes.upperBound))
        }
        return nil
    }

    /// Splits a member file name, `shot.1001.exr`, around the digits that end its stem.
    /// Returns the parts (padding as written) and the number, or `nil` when the stem does not
    /// end in digits.
    static func parseMember(_ name: String) -> (parts: NameParts, number: Int)? {
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        let stem = name[..<dot]
        let digits = stem.reversed().prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let start = stem.index(stem.endIndex, offsetBy: -digits.count)
        let text = stem[start...]
        return (NameParts(prefix: String(stem[..<start]), suffix: String(name[dot...]),
                          padding: text.hasPrefix("0") || text.count > 1 ? text.count : 0),
                Int(text)!)
    }

    /// The numbers of every file in `directory` that fits `parts`: same prefix and suffix,
    /// digits padded as the pattern says (a padded pattern also takes longer numbers, as
    /// printf writes them).
    static func members(in directory: String, matching parts: NameParts) throws(MediaError) -> [Int] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MediaError(.fileNotFound, path: directory, reason: "cannot list the folder of the sequence")
        }
        var numbers: [Int] = []
        for name in names where name.hasPrefix(parts.prefix) && name.hasSuffix(parts.suffix)
            && name.count > parts.prefix.count + parts.suffix.count
        {
            let digits = name.dropFirst(parts.prefix.count).dropLast(parts.suffix.count)
            guard digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) else {
                continue
            }
            let written = String(number)
            let expected = written.count < parts.padding
                ? String(repeating: "0", count: parts.padding - written.count) + written : written
            if digits == expected { numbers.append(number) }
        }
        return numbers.sorted()
    }

    /// The sequence a pattern path names: the contiguous run from its lowest number.
    static func fromPattern(_ path: String) throws(MediaError) -> ImageSequence? {
        let name = (path as NSString).lastPathComponent
        guard let parts = parsePattern(name) else { return nil }
        let directory = directoryOf(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MediaError(.fileNotFound, path: path, reason: "the folder \(directory) does not exist")
        }
        let numbers = try members(in: directory, matching: parts)
        guard let first = numbers.first else {
            throw MediaError(.fileNotFound, path: path, reason: "no file in \(directory) matches the pattern \(name)")
        }
        return run(directory: directory, parts: parts, around: first, numbers: numbers)
    }

    /// The sequence a member path belongs to, or `nil` when it has no numbered siblings (a
    /// single image). The run is the contiguous block of numbers that holds the member.
    static func fromMember(_ path: String) throws(MediaError) -> ImageSequence? {
        let name = (path as NSString).lastPathComponent
        guard let (written, number) = parseMember(name) else { return nil }
        let directory = directoryOf(path)
        // A member like `shot.1001.exr` may be padded to 4 or simply be a 4-digit number; both
        // read the same files unless siblings have other widths. Padded wins a tie.
        var best: (parts: NameParts, numbers: [Int])?
        for padding in written.padding == 0 ? [0] : [written.padding, 0] {
            let parts = NameParts(prefix: written.prefix, suffix: written.suffix, padding: padding)
            let numbers = try members(in: directory, matching: parts)
            if numbers.contains(number) && numbers.count > (best?.numbers.count ?? 0) { best = (parts, numbers) }
        }
        guard let best, best.numbers.count > 1 else { return nil }
        return run(directory: directory, parts: best.parts, around: number, numbers: best.numbers)
    }

    private static func run(directory: String, parts: NameParts, around number: Int, numbers: [Int]) -> ImageSequence {
        let present = Set(numbers)
        var low = number
        while present.contains(low - 1) { low -= 1 }
        var high = number
        while present.contains(high + 1) { high += 1 }
        return ImageSequence(directory: directory, prefix: parts.prefix, suffix: parts.suffix, padding: parts.padding,
                             firstNumber: low, count: high - low + 1,
                             strayNumbers: numbers.filter { $0 < low || $0 > high })
    }

    private static func directoryOf(_ path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}
