import Foundation
import FrameTime

/// A numbered run of image files, such as `shot_010.1001.exr` … `shot_010.1048.exr`.
///
/// A sequence runs from its first file number to its last (or over an explicit range), and
/// frame k is always file number ``firstNumber`` + k. Numbers in between with no file are
/// ``gaps``: they keep their frames, which ``gapFill`` fills, so a render that skipped 1003
/// still has 1004 on frame 3.
public struct ImageSequence: Sendable, Hashable, Codable {
    /// The folder holding the files.
    public let directory: String
    /// The file-name part before the number: `shot_010.`.
    public let prefix: String
    /// The file-name part after the number: `.exr`.
    public let suffix: String
    /// printf's width for the number (`%04d`): digits it is zero-padded to, a minus sign
    /// included; 0 when it is not padded. Wider numbers are written whole (`10000`).
    public let padding: Int
    /// The number of frame 0 (1001): the first file's, or an explicit range's first.
    public let firstNumber: Int
    /// The number of the last frame.
    public let lastNumber: Int
    /// The numbers from first to last with no file, as sorted inclusive ranges.
    public let gaps: [ClosedRange<Int>]
    /// What the frames of ``gaps`` show.
    public let gapFill: GapFill
    /// Numbers of matching files outside an explicit range, which are left out.
    public let ignored: [ClosedRange<Int>]

    /// How many frames the sequence has: last − first + 1, gaps included.
    public var count: Int { lastNumber - firstNumber + 1 }
    /// How many frames have no file.
    public var missingCount: Int { gaps.totalCount }
    /// How many files the sequence reads.
    public var fileCount: Int { count - missingCount }

    /// The frames with no file (``gaps`` counted from frame 0), as the frame map marks them.
    public var missingFrames: [ClosedRange<Int>] {
        gaps.map { ($0.lowerBound - firstNumber)...($0.upperBound - firstNumber) }
    }

    /// The numbers that have a file, in order (found between the gaps, so a long gap costs nothing).
    public var fileNumbers: [Int] {
        var numbers: [Int] = []
        numbers.reserveCapacity(fileCount)
        var next = firstNumber
        for gap in gaps + [(lastNumber + 1)...(lastNumber + 1)] {
            numbers += next..<gap.lowerBound
            next = gap.upperBound + 1
        }
        return numbers
    }

    /// Whether file `number` exists (as the sequence was resolved).
    public func hasFile(number: Int) -> Bool {
        (firstNumber...lastNumber).contains(number) && gaps.range(containing: number) == nil
    }

    /// The first number at or after `number` that has a file, or `nil` past the last file.
    public func fileNumber(atOrAfter number: Int) -> Int? {
        let number = max(number, firstNumber)
        let next = gaps.range(containing: number).map { $0.upperBound + 1 } ?? number
        return next <= lastNumber ? next : nil
    }

    /// The last number at or before `number` that has a file: the picture a held frame shows.
    /// `nil` before the first file (only an explicit range starts with a gap).
    public func fileNumber(atOrBefore number: Int) -> Int? {
        let number = min(number, lastNumber)
        let previous = gaps.range(containing: number).map { $0.lowerBound - 1 } ?? number
        return previous >= firstNumber ? previous : nil
    }

    /// The printf-style pattern libav reads, `shot_010.%04d.exr`, as a file name.
    public var pattern: String { NameParts(prefix: prefix, suffix: suffix, padding: padding).patternName }

    /// The full path of the pattern.
    public var patternPath: String { (directory as NSString).appendingPathComponent(pattern) }

    /// The file name of frame `number`, written as printf writes `%0<padding>d`.
    public func fileName(number: Int) -> String {
        prefix + ImageSequence.written(number, padding: padding) + suffix
    }

    /// The full path of file `number`.
    public func path(number: Int) -> String {
        (directory as NSString).appendingPathComponent(fileName(number: number))
    }

    enum CodingKeys: String, CodingKey {
        case directory, prefix, suffix, padding, firstNumber = "first_number", lastNumber = "last_number", count
        case files, gaps, gapFill = "gap_fill", ignored
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(directory, forKey: .directory)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(suffix, forKey: .suffix)
        try container.encode(padding, forKey: .padding)
        try container.encode(firstNumber, forKey: .firstNumber)
        try container.encode(lastNumber, forKey: .lastNumber)
        // For readers: both follow from the rest.
        try container.encode(count, forKey: .count)
        try container.encode(fileCount, forKey: .files)
        try container.encode(gaps, forKey: .gaps)
        try container.encode(gapFill, forKey: .gapFill)
        if !ignored.isEmpty { try container.encode(ignored, forKey: .ignored) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        directory = try container.decode(String.self, forKey: .directory)
        prefix = try container.decode(String.self, forKey: .prefix)
        suffix = try container.decode(String.self, forKey: .suffix)
        padding = try container.decode(Int.self, forKey: .padding)
        firstNumber = try container.decode(Int.self, forKey: .firstNumber)
        lastNumber = try container.decode(Int.self, forKey: .lastNumber)
        gaps = try container.decodeIfPresent([ClosedRange<Int>].self, forKey: .gaps) ?? []
        gapFill = try container.decodeIfPresent(GapFill.self, forKey: .gapFill) ?? .hold
        ignored = try container.decodeIfPresent([ClosedRange<Int>].self, forKey: .ignored) ?? []
    }

    init(directory: String, parts: NameParts, firstNumber: Int, lastNumber: Int, gaps: [ClosedRange<Int>],
         gapFill: GapFill, ignored: [ClosedRange<Int>]) {
        self.directory = directory
        prefix = parts.prefix
        suffix = parts.suffix
        padding = parts.padding
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
        self.gaps = gaps
        self.gapFill = gapFill
        self.ignored = ignored
    }
}

/// How to read an image sequence: where it starts and ends, what fills its gaps, and
/// whether it may be read when it is mostly gaps.
public struct SequenceOptions: Sendable, Hashable {
    /// The first and last frame numbers. Numbers inside with no file are gaps; files outside
    /// are left out. `nil`: from the first file to the last (or the range a pattern such as
    /// `shot.1001-1100#.exr` gives).
    public var range: ClosedRange<Int>?
    /// What frames with no file show.
    public var gapFill: GapFill
    /// Read a sequence even when filling its gaps would invent more frames than it has files.
    /// Without it such a sequence (`a.0001.dpx` beside `a.5000.dpx`) is refused with
    /// ``MediaError/Code/mostlyMissing``: it is more likely a mistake than a shot.
    public var allowGaps: Bool

    public init(range: ClosedRange<Int>? = nil, gapFill: GapFill = .hold, allowGaps: Bool = false) {
        self.range = range
        self.gapFill = gapFill
        self.allowGaps = allowGaps
    }

    /// A range written `FIRST-LAST`: `1001-1100`, `-5-20`, `-20--5`; `nil` when it is not one
    /// or its last comes before its first.
    public static func range(_ text: String) -> ClosedRange<Int>? {
        guard let last = ImageSequence.trailingNumber(Substring(text), signAfter: "-"),
            text[..<last.written.startIndex].hasSuffix("-"),
            let first = Int(text[..<text.index(before: last.written.startIndex)]),
            first <= last.value
        else { return nil }
        return first...last.value
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
        /// printf's width, or 0 for plain numbers.
        let padding: Int
    }

    /// `number` as printf's `%0<padding>d` writes it: the width counts a minus sign.
    static func written(_ number: Int, padding: Int) -> String {
        let digits = String(number.magnitude)
        let sign = number < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, padding - sign.count - digits.count)) + digits
    }

    /// The number that ends `text`, at most 9 digits, and how it is written there. A minus
    /// sign just before the digits is the number's own when it starts the text or follows
    /// a separator (`shot.-001`, `shot_-001`, or any of `signAfter`), not when it follows a
    /// letter or digit (`shot-0001` is number 1).
    static func trailingNumber(_ text: Substring, signAfter: String = "") -> (value: Int, written: Substring)? {
        let digits = text.reversed().prefix { $0.isASCII && $0.isNumber }.count
        guard digits > 0, digits <= 9 else { return nil }
        var start = text.index(text.endIndex, offsetBy: -digits)
        if start > text.startIndex, text[text.index(before: start)] == "-" {
            let sign = text.index(before: start)
            if sign == text.startIndex || "._".contains(text[text.index(before: sign)])
                || signAfter.contains(text[text.index(before: sign)])
            {
                start = sign
            }
        }
        return (Int(text[start...])!, text[start...])
    }

    /// Splits a pattern file name: `shot.%04d.exr`, `shot.%d.exr`, `shot.####.exr` (one `#`
    /// per digit, as Nuke writes it), or RV's `shot.1001-1100#.exr` (after a range, a lone `#`
    /// means 4 digits) and `shot.1001-1100%04d.exr`, which also give the first and last
    /// numbers (as written: the last may come before the first). Returns `nil` when the name
    /// has no (or more than one) frame-number placeholder.
    static func parsePattern(_ name: String) -> (parts: NameParts, range: (first: Int, last: Int)?)? {
        guard let placeholder = name.range(of: #"%(0?[1-9][0-9]*)?d|#+"#, options: .regularExpression) else { return nil }
        let rest = name[placeholder.upperBound...]
        var before = name[..<placeholder.lowerBound]
        guard !rest.contains("#"), !rest.contains("%"), !before.contains("%"), !before.contains("#") else { return nil }
        let token = name[placeholder]
        var padding = token.hasPrefix("%") ? Int(token.dropFirst().dropLast()) ?? 0 : token.count
        var range: (first: Int, last: Int)?
        // RV's range: `first-last` right before the placeholder, after a separator.
        if let last = trailingNumber(before, signAfter: "-"), before[..<last.written.startIndex].hasSuffix("-"),
            let first = trailingNumber(before[..<before.index(before: last.written.startIndex)]),
            first.written.startIndex == before.startIndex || "._".contains(before[before.index(before: first.written.startIndex)])
        {
            range = (first.value, last.value)
            before = before[..<first.written.startIndex]
            if token == "#" { padding = 4 }
        }
        return (NameParts(prefix: String(before), suffix: String(rest), padding: padding), range)
    }

    /// Splits a member file name, `shot.1001.exr`, around the number that ends its stem:
    /// prefix, suffix, the number and how it is written there; `nil` when the stem does not
    /// end in digits.
    static func parseMember(_ name: String) -> (prefix: String, suffix: String, number: Int, written: String)? {
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        let stem = name[..<dot]
        guard let (number, written) = trailingNumber(stem) else { return nil }
        return (String(stem[..<written.startIndex]), String(name[dot...]), number, String(written))
    }

    /// The names of the files in `directory`.
    static func names(in directory: String) throws(MediaError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MediaError(.fileNotFound, path: directory, reason: "cannot list the folder of the sequence")
        }
    }

    /// How the numbers of the `names` that are `prefix`…`suffix` are written.
    static func numberTexts(_ names: [String], prefix: String, suffix: String) -> [Substring] {
        names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && $0.count > prefix.count + suffix.count }
            .map { $0.dropFirst(prefix.count).dropLast(suffix.count) }
    }

    /// The numbers among `texts` written as printf writes them with `padding` (so a padded
    /// pattern also takes longer numbers: `%04d` reads `0998` and `10010`), sorted.
    static func numbers(_ texts: [Substring], padding: Int) -> [Int] {
        texts.compactMap { text -> Int? in
            let digits = text.hasPrefix("-") ? text.dropFirst() : text
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(text), written(number, padding: padding) == text
            else { return nil }
            return number
        }.sorted()
    }

    /// The sequence a pattern path names.
    static func fromPattern(_ path: String, options: SequenceOptions) throws(MediaError) -> ImageSequence? {
        let name = (path as NSString).lastPathComponent
        guard let (parts, written) = parsePattern(name) else { return nil }
        var options = options
        if options.range == nil, let written {
            guard written.first <= written.last else {
                throw MediaError(.invalidSequence, path: path,
                                 reason: "the pattern's range \(written.first)-\(written.last) ends before it starts")
            }
            options.range = written.first...written.last
        }
        let directory = directoryOf(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MediaError(.fileNotFound, path: path, reason: "the folder \(directory) does not exist")
        }
        let numbers = ImageSequence.numbers(numberTexts(try names(in: directory), prefix: parts.prefix, suffix: parts.suffix),
                                            padding: parts.padding)
        guard !numbers.isEmpty else {
            throw MediaError(.fileNotFound, path: path, reason: "no file in \(directory) matches the pattern \(name)")
        }
        return try make(directory: directory, parts: parts, numbers: numbers, options: options)
    }

    /// The sequence a member path belongs to, or `nil` when it has no numbered siblings (a
    /// single image) and no range was given.
    ///
    /// A member's name does not say its padding: `shot.1001.exr` may be `%04d`, `%03d` or
    /// plain `%d`, and `shot.10000.exr` may belong to `%04d` files that outgrew it. Every
    /// padding that writes the member as it is written is tried; the one that reads the most
    /// files wins, the widest on a tie, so each member of a sequence names the same sequence.
    static func fromMember(_ path: String, options: SequenceOptions) throws(MediaError) -> ImageSequence? {
        guard parseMember((path as NSString).lastPathComponent) != nil else { return nil }
        let directory = directoryOf(path)
        return try fromMember(named: (path as NSString).lastPathComponent, among: try names(in: directory), directory: directory,
                              options: options)
    }

    /// The sequence the file `name` belongs to among the files `names` of `directory`, as
    /// ``fromMember(_:options:)`` reads a folder: for files not on disk yet (a browser's
    /// upload of a folder), whose names say it all.
    public static func fromMember(named name: String, among names: [String], directory: String, options: SequenceOptions)
        throws(MediaError) -> ImageSequence?
    {
        guard let member = parseMember(name) else { return nil }
        let texts = numberTexts(names, prefix: member.prefix, suffix: member.suffix)
        var best: (padding: Int, numbers: [Int]) = (0, [])
        for padding in [0] + Array(2...max(2, member.written.count)) where written(member.number, padding: padding) == member.written {
            let numbers = ImageSequence.numbers(texts, padding: padding)
            if numbers.count >= best.numbers.count { best = (padding, numbers) }
        }
        guard best.numbers.count > 1 || options.range != nil else { return nil }
        return try make(directory: directory, parts: NameParts(prefix: member.prefix, suffix: member.suffix, padding: best.padding),
                        numbers: best.numbers, options: options)
    }

    /// The sequence over `options`' range, or from the first of `numbers` (sorted) to the
    /// last, refused when it is mostly gaps and gaps are not allowed.
    private static func make(directory: String, parts: NameParts, numbers: [Int], options: SequenceOptions)
        throws(MediaError) -> ImageSequence
    {
        let range = options.range ?? numbers.first!...numbers.last!
        let inside = numbers.filter(range.contains)
        let patternPath = (directory as NSString).appendingPathComponent(parts.patternName)
        guard !inside.isEmpty else {
            throw MediaError(.fileNotFound, path: patternPath,
                             reason: "no file of the sequence is numbered \(range.lowerBound)–\(range.upperBound)")
        }
        let sequence = ImageSequence(
            directory: directory, parts: parts, firstNumber: range.lowerBound, lastNumber: range.upperBound,
            gaps: runs(between: inside, within: range), gapFill: options.gapFill,
            ignored: runs(of: numbers.filter { !range.contains($0) }))
        if sequence.missingCount > sequence.fileCount && !options.allowGaps {
            throw MediaError(
                .mostlyMissing, path: patternPath,
                reason: "only \(sequence.fileCount) of the \(sequence.count) frames \(range.lowerBound)–\(range.upperBound) "
                    + "have a file; filling the gaps (\(describe(sequence.gaps))) would invent \(sequence.missingCount) "
                    + "frames. Is a stray file in the folder? Allow gaps to read it anyway")
        }
        return sequence
    }

    /// The numbers of `range` that are not in `present` (sorted, all inside), as ranges.
    private static func runs(between present: [Int], within range: ClosedRange<Int>) -> [ClosedRange<Int>] {
        var gaps: [ClosedRange<Int>] = []
        var expected = range.lowerBound
        for number in present + [range.upperBound + 1] {
            if number > expected { gaps.append(expected...(number - 1)) }
            expected = number + 1
        }
        return gaps
    }

    /// Sorted numbers as ranges of consecutive ones.
    private static func runs(of numbers: [Int]) -> [ClosedRange<Int>] {
        var runs: [ClosedRange<Int>] = []
        for number in numbers {
            if let last = runs.last, last.upperBound + 1 == number {
                runs[runs.count - 1] = last.lowerBound...number
            } else {
                runs.append(number...number)
            }
        }
        return runs
    }

    /// Ranges for people: `1003, 1006–1007`, the first few and a count when there are many.
    public static func describe(_ ranges: [ClosedRange<Int>]) -> String {
        let shown = ranges.prefix(6).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }
        let more = ranges.count - shown.count
        return shown.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }

    private static func directoryOf(_ path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}

extension ImageSequence.NameParts {
    /// The printf pattern of these parts, as a file name.
    var patternName: String { prefix + (padding > 0 ? "%0\(padding)d" : "%d") + suffix }
}
