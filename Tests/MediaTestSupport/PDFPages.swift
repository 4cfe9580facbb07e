import Foundation
import Media

/// A PDF as people see it, through poppler: pages rendered to PNG by `pdftoppm` and text
/// extracted by `pdftotext` (Debian's poppler-utils), an oracle independent of cairo.
public enum PDFPages {
    /// Renders every page at `resolution` dots per inch into PNGs named from `prefix`;
    /// returns their paths in page order.
    public static func render(_ pdf: String, resolution: Int = 100, into prefix: String) throws -> [String] {
        _ = try Subprocess.run("/usr/bin/pdftoppm", ["-r", "\(resolution)", "-png", pdf, prefix])
        let folder = (prefix as NSString).deletingLastPathComponent
        let stem = (prefix as NSString).lastPathComponent + "-"
        // pdftoppm pads page numbers to the width of the last one: sort them as numbers.
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(stem) && $0.hasSuffix(".png") }
            .sorted { Int($0.dropFirst(stem.count).dropLast(4)) ?? 0 < Int($1.dropFirst(stem.count).dropLast(4)) ?? 0 }
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    /// A rendered page as RGB pixels. Read through a copy whose name holds no number: the
    /// page's own name (`report-3.png`) is a member of an image sequence to Media, which
    /// would read the sequence's first page.
    public static func picture(ofPage path: String) throws -> Picture {
        let folder = try TemporaryDirectory()
        let copy = folder.path("page.png")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        guard let decoded = try VideoFrameReader(copy).next(.rgb24) else {
            throw PDFPagesError(description: "\(path) holds no picture")
        }
        return decoded.picture
    }

    /// The PDF's text, in reading order.
    public static func text(_ pdf: String) throws -> String {
        try Subprocess.run("/usr/bin/pdftotext", [pdf, "-"]).standardOutputText
    }

    /// The picture in a box given in PDF points on a page rendered at `resolution`.
    public static func picture(on page: Picture, x: Double, y: Double, width: Double, height: Double, resolution: Int = 100)
        -> Picture
    {
        let scale = Double(resolution) / 72
        return page.cropped(x: Int((x * scale).rounded()), y: Int((y * scale).rounded()),
                            width: Int((width * scale).rounded()), height: Int((height * scale).rounded()))
    }
}

/// A rendered page that could not be read.
public struct PDFPagesError: Error, CustomStringConvertible {
    public let description: String
}
