/// A decoded picture in memory, ready to look at: 8-bit gray or packed RGB.
public struct Picture: Sendable, Hashable {
    /// How pixels are laid out.
    public enum Layout: Sendable, Hashable {
        /// One luma byte per pixel.
        case gray8
        /// Three bytes per pixel, R G B.
        case rgb24

        public var bytesPerPixel: Int {
            switch self {
            case .gray8: 1
            case .rgb24: 3
            }
        }
    }

    public let width: Int
    public let height: Int
    public let layout: Layout
    /// Bytes from one row to the next (at least `width × bytesPerPixel`).
    public let bytesPerRow: Int
    /// `height` rows of `bytesPerRow` bytes.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, layout: Layout, bytesPerRow: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "empty picture")
        precondition(bytesPerRow >= width * layout.bytesPerPixel, "rows shorter than the width")
        precondition(pixels.count >= bytesPerRow * height, "too few bytes for the picture")
        self.width = width
        self.height = height
        self.layout = layout
        self.bytesPerRow = bytesPerRow
        self.pixels = pixels
    }

    /// The brightness of pixel (`x`, `y`), 0–255 (Rec. 709 weights for RGB).
    public func luma(x: Int, y: Int) -> Int {
        let offset = y * bytesPerRow + x * layout.bytesPerPixel
        switch layout {
        case .gray8:
            return Int(pixels[offset])
        case .rgb24:
            let (r, g, b) = (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
            return (2126 * r + 7152 * g + 722 * b + 5000) / 10000
        }
    }
}
