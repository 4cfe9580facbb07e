import CFFmpeg

/// The picture of a frame with no file behind it: black, or a slate that says which file
/// is missing (`MISSING` over `1003`), white on black.
///
/// The slate's letters are drawn here, from a 5×7 pixel font scaled up in whole steps,
/// rather than with libavfilter's `drawtext`: that filter needs FreeType and a font found
/// through fontconfig, which a worker machine need not have, and its pixels would change
/// with the font installed; these are the same everywhere, so tests can compare them.
/// The picture is full-range gray: black and white are the same in every YUV matrix, so a
/// converter turns it into any output without a colour shift.
final class GapPicture {
    private let frame = Frame()

    /// A `size` picture, black, saying `MISSING <number>` when `slateNumber` is given; owned
    /// by this object and valid until the next call.
    func frame(size: PictureSize, slateNumber: Int?, path: String) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
        try frame.prepare(AV_PIX_FMT_GRAY8, width: size.width, height: size.height, path: path)
        let f = frame.pointer
        f.pointee.color_range = AVCOL_RANGE_JPEG
        let stride = Int(f.pointee.linesize.0)
        let pixels = f.pointee.data.0!
        memset(pixels, 0, stride * size.height)
        if let slateNumber {
            GapPicture.draw(["MISSING", String(slateNumber)], into: pixels, stride: stride, size: size)
        }
        return f
    }

    /// The lines of text centred, each glyph cell 6 × 7 units (a column and a line of 3
    /// units between), a unit as many pixels as fit the text in three quarters of the width
    /// and three fifths of the height, at least one. What does not fit is left out.
    static func draw(_ lines: [String], into pixels: UnsafeMutablePointer<UInt8>, stride: Int, size: PictureSize) {
        let columns = (lines.map(\.count).max() ?? 0) * 6 - 1
        let rows = lines.count * 10 - 3
        let unit = max(1, min(size.width * 3 / 4 / columns, size.height * 3 / 5 / rows))
        let top = (size.height - rows * unit) / 2
        for (lineNumber, line) in lines.enumerated() {
            let left = (size.width - (line.count * 6 - 1) * unit) / 2
            for (column, character) in line.enumerated() {
                guard let glyph = glyphs[character] else { continue }
                for (row, bits) in glyph.enumerated() {
                    for (bit, mark) in bits.enumerated() where mark == "X" {
                        // One unit square, clipped to the picture.
                        let x = left + (column * 6 + bit) * unit
                        let y = top + (lineNumber * 10 + row) * unit
                        let (x0, x1) = (max(0, x), min(size.width, x + unit))
                        let (y0, y1) = (max(0, y), min(size.height, y + unit))
                        guard x0 < x1, y0 < y1 else { continue }
                        for line in y0..<y1 { memset(pixels + line * stride + x0, 255, x1 - x0) }
                    }
                }
            }
        }
    }

    /// 5 × 7 glyphs for what a slate says.
    static let glyphs: [Character: [String]] = [
        "M": ["X...X", "XX.XX", "X.X.X", "X.X.X", "X...X", "X...X", "X...X"],
        "I": [".XXX.", "..X..", "..X..", "..X..", "..X..", "..X..", ".XXX."],
        "S": [".XXXX", "X....", "X....", ".XXX.", "....X", "....X", "XXXX."],
        "N": ["X...X", "XX..X", "X.X.X", "X..XX", "X...X", "X...X", "X...X"],
        "G": [".XXXX", "X....", "X....", "X.XXX", "X...X", "X...X", ".XXXX"],
        "-": [".....", ".....", ".....", "XXXXX", ".....", ".....", "....."],
        "0": [".XXX.", "X...X", "X..XX", "X.X.X", "XX..X", "X...X", ".XXX."],
        "1": ["..X..", ".XX..", "..X..", "..X..", "..X..", "..X..", ".XXX."],
        "2": [".XXX.", "X...X", "....X", "...X.", "..X..", ".X...", "XXXXX"],
        "3": ["XXXXX", "...X.", "..X..", "...X.", "....X", "X...X", ".XXX."],
        "4": ["...X.", "..XX.", ".X.X.", "X..X.", "XXXXX", "...X.", "...X."],
        "5": ["XXXXX", "X....", "XXXX.", "....X", "....X", "X...X", ".XXX."],
        "6": ["..XX.", ".X...", "X....", "XXXX.", "X...X", "X...X", ".XXX."],
        "7": ["XXXXX", "....X", "...X.", "..X..", ".X...", ".X...", ".X..."],
        "8": [".XXX.", "X...X", "X...X", ".XXX.", "X...X", "X...X", ".XXX."],
        "9": [".XXX.", "X...X", "X...X", ".XXXX", "....X", "...X.", ".XX.."],
    ]
}
