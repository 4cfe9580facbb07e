import CCairo
import Foundation
import Media

/// A PDF being drawn with cairo: pages of real text (fonts embedded as subsets, so the text
/// is searchable and copyable), pictures embedded as the JPEGs they came as, and vector
/// shapes. Owns its surface and context and frees them; nothing of cairo leaves it.
///
/// Coordinates are PDF points (1/72 inch) from the top-left of the page. Not thread-safe:
/// one report draws on one canvas from one thread.
final class PDFCanvas {
    /// A colour, 0…1 per channel.
    struct Color: Hashable {
        var red: Double, green: Double, blue: Double, alpha: Double = 1

        init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
            (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
        }

        /// `#RRGGBB` or `#RRGGBBAA`; black for anything else.
        init(hex: String) {
            let digits = hex.hasPrefix("#") ? hex.dropFirst() : Substring(hex)
            let value = UInt64(digits, radix: 16) ?? 0
            switch digits.count {
            case 8:
                self.init(red: Double(value >> 24 & 0xFF) / 255, green: Double(value >> 16 & 0xFF) / 255,
                          blue: Double(value >> 8 & 0xFF) / 255, alpha: Double(value & 0xFF) / 255)
            case 6:
                self.init(red: Double(value >> 16 & 0xFF) / 255, green: Double(value >> 8 & 0xFF) / 255,
                          blue: Double(value & 0xFF) / 255)
            default:
                self.init(red: 0, green: 0, blue: 0)
            }
        }
    }

    /// The font faces used: DejaVu Sans, which fontconfig finds on Debian (fonts-dejavu-core)
    /// and which covers Latin, Greek and Cyrillic names.
    enum Face {
        case regular, bold, italic
    }

    let width: Double
    let height: Double
    private let surface: OpaquePointer
    private let context: OpaquePointer
    private(set) var pageCount = 1
    private var finished = false

    static let fontFamily = "DejaVu Sans"

    /// A PDF at `path`, pages `width` × `height` points.
    init(path: String, width: Double, height: Double, title: String, author: String) throws(ReportError) {
        self.width = width
        self.height = height
        guard let surface = cairo_pdf_surface_create(path, width, height) else {
            throw ReportError("cairo could not make a PDF at \(path)")
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw ReportError("cannot write the PDF at \(path): \(String(cString: cairo_status_to_string(status)))")
        }
        self.surface = surface
        context = cairo_create(surface)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Dailies")
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// Ends the page and starts the next.
    func newPage() {
        cairo_show_page(context)
        pageCount += 1
    }

    /// Writes out the document; drawing after this does nothing.
    ///
    /// - Throws: ``ReportError`` when cairo failed anywhere along the way (a full disk, say).
    func finish() throws(ReportError) {
        guard !finished else { return }
        finished = true
        cairo_surface_finish(surface)
        for status in [cairo_status(context), cairo_surface_status(surface)] where status != CAIRO_STATUS_SUCCESS {
            throw ReportError("cairo could not draw the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
    }

    // MARK: Text

    func font(_ face: Face, size: Double) {
        cairo_select_font_face(context, Self.fontFamily, face == .italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                               face == .bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// How far `text` advances in the current font.
    func advance(_ text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// The current font's ascent and the distance from one line to the next.
    var lineMetrics: (ascent: Double, lineHeight: Double) {
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        return (extents.ascent, extents.height)
    }

    /// Draws one line of text with its top at `y`.
    func text(_ text: String, x: Double, y: Double, color: Color) {
        set(color)
        cairo_move_to(context, x, y + lineMetrics.ascent)
        cairo_show_text(context, text)
    }

    /// `text` broken into lines no wider than `width` in the current font: at spaces where it
    /// can, inside a word only when one word is wider than a line; its own line breaks kept.
    func wrap(_ text: String, width: Double) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
                let candidate = line.isEmpty ? word : line + " " + word
                if advance(candidate) <= width {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                line = ""
                // A word wider than the line: as many characters as fit, line after line.
                var rest = Substring(word)
                while advance(String(rest)) > width, rest.count > 1 {
                    var count = rest.count - 1
                    while count > 1, advance(String(rest.prefix(count))) > width { count -= 1 }
                    lines.append(String(rest.prefix(count)))
                    rest = rest.dropFirst(count)
                }
                line = String(rest)
            }
            lines.append(line)
        }
        return lines
    }

    /// Draws `text` wrapped to `width` from `y`; returns the y below its last line.
    @discardableResult
    func paragraph(_ text: String, x: Double, y: Double, width: Double, color: Color, lineSpacing: Double = 1.15) -> Double {
        let step = lineMetrics.lineHeight * lineSpacing
        var y = y
        for line in wrap(text, width: width) {
            self.text(line, x: x, y: y, color: color)
            y += step
        }
        return y
    }

    /// The height `text` takes wrapped to `width`.
    func paragraphHeight(_ text: String, width: Double, lineSpacing: Double = 1.15) -> Double {
        Double(wrap(text, width: width).count) * lineMetrics.lineHeight * lineSpacing
    }

    // MARK: Shapes

    func fill(x: Double, y: Double, width: Double, height: Double, color: Color, radius: Double = 0) {
        set(color)
        roundedRectangle(x: x, y: y, width: width, height: height, radius: radius)
        cairo_fill(context)
    }

    func strokeRectangle(x: Double, y: Double, width: Double, height: Double, color: Color, lineWidth: Double) {
        set(color)
        cairo_set_line_width(context, lineWidth)
        cairo_rectangle(context, x, y, width, height)
        cairo_stroke(context)
    }

    func line(from: (Double, Double), to: (Double, Double), color: Color, width: Double) {
        set(color)
        cairo_set_line_width(context, width)
        cairo_move_to(context, from.0, from.1)
        cairo_line_to(context, to.0, to.1)
        cairo_stroke(context)
    }

    /// A path of points stroked as one line.
    func polyline(_ points: [(Double, Double)], color: Color, width: Double) {
        guard let first = points.first else { return }
        set(color)
        cairo_set_line_width(context, width)
        cairo_move_to(context, first.0, first.1)
        // One point is a dot: a stroke a hair long, with round caps.
        if points.count == 1 { cairo_line_to(context, first.0 + 0.01, first.1) }
        for point in points.dropFirst() { cairo_line_to(context, point.0, point.1) }
        cairo_stroke(context)
    }

    /// An ellipse inscribed in the box, stroked.
    func ellipse(x: Double, y: Double, width: Double, height: Double, color: Color, lineWidth: Double) {
        guard width > 0, height > 0 else { return polyline([(x, y), (x + width, y + height)], color: color, width: lineWidth) }
        set(color)
        cairo_save(context)
        cairo_translate(context, x + width / 2, y + height / 2)
        cairo_scale(context, width / 2, height / 2)
        cairo_new_path(context)
        cairo_arc(context, 0, 0, 1, 0, 2 * Double.pi)
        cairo_restore(context)
        // Stroked after the restore, so the line keeps its width all round.
        cairo_set_line_width(context, lineWidth)
        cairo_stroke(context)
    }

    /// Text as a drawing's text shape is painted: outlined in dark, then filled, so it reads
    /// on light and dark pictures alike (as the review page paints it).
    /// The outline is a path; the letters over it are text, so a drawing's words are found
    /// by a search like the comments'.
    func outlinedText(_ text: String, x: Double, y: Double, size: Double, color: Color) {
        font(.bold, size: size)
        let baseline = y + lineMetrics.ascent
        cairo_move_to(context, x, baseline)
        cairo_text_path(context, text)
        set(Color(red: 0, green: 0, blue: 0, alpha: 0.55))
        cairo_set_line_width(context, max(0.5, size / 8))
        cairo_stroke(context)
        set(color)
        cairo_move_to(context, x, baseline)
        cairo_show_text(context, text)
    }

    /// Keeps drawing inside the box until `body` returns.
    func clipped(x: Double, y: Double, width: Double, height: Double, _ body: () -> Void) {
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
        body()
        cairo_restore(context)
    }

    // MARK: Pictures

    /// Paints `picture` stretched to the box. With `jpeg` (the same picture, encoded), the
    /// PDF embeds those bytes as they are instead of recompressing the pixels: a frame's
    /// receipt goes in exactly as it was grabbed, and the file stays small.
    func picture(_ picture: Picture, jpeg: [UInt8]?, x: Double, y: Double, width: Double, height: Double) throws(ReportError) {
        guard let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(picture.width), Int32(picture.height)) else {
            throw ReportError("cairo could not hold a \(picture.width)×\(picture.height) picture")
        }
        defer { cairo_surface_destroy(image) }
        guard cairo_surface_status(image) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(image) else {
            throw ReportError("cairo could not hold a \(picture.width)×\(picture.height) picture")
        }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        picture.pixels.withUnsafeBufferPointer { source in
            for row in 0..<picture.height {
                let line = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
                let from = row * picture.bytesPerRow
                for column in 0..<picture.width {
                    let pixel = from + column * picture.layout.bytesPerPixel
                    // RGB24 is a native-endian 32-bit word per pixel: 0x00RRGGBB.
                    line[column] = picture.layout == .gray8
                        ? UInt32(source[pixel]) * 0x010101
                        : UInt32(source[pixel]) << 16 | UInt32(source[pixel + 1]) << 8 | UInt32(source[pixel + 2])
                }
            }
        }
        cairo_surface_mark_dirty(image)
        if let jpeg, !jpeg.isEmpty {
            // cairo frees its copy through `free` once the PDF has written it.
            let copy = malloc(jpeg.count)!
            jpeg.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: jpeg.count) }
            if cairo_surface_set_mime_data(image, "image/jpeg", copy.assumingMemoryBound(to: UInt8.self), UInt(jpeg.count),
                                           { free($0) }, copy) != CAIRO_STATUS_SUCCESS {
                free(copy)
            }
        }
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
        cairo_translate(context, x, y)
        cairo_scale(context, width / Double(picture.width), height / Double(picture.height))
        cairo_set_source_surface(context, image, 0, 0)
        // Scaled pictures filter smoothly wherever the PDF is shown.
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_GOOD)
        cairo_paint(context)
        cairo_restore(context)
    }

    // MARK: Internals

    private func set(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    private func roundedRectangle(x: Double, y: Double, width: Double, height: Double, radius: Double) {
        guard radius > 0 else { return cairo_rectangle(context, x, y, width, height) }
        let r = min(radius, width / 2, height / 2)
        cairo_new_sub_path(context)
        cairo_arc(context, x + width - r, y + r, r, -Double.pi / 2, 0)
        cairo_arc(context, x + width - r, y + height - r, r, 0, Double.pi / 2)
        cairo_arc(context, x + r, y + height - r, r, Double.pi / 2, Double.pi)
        cairo_arc(context, x + r, y + r, r, Double.pi, 3 * Double.pi / 2)
        cairo_close_path(context)
    }
}

/// A report that could not be made, saying why.
public struct ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
