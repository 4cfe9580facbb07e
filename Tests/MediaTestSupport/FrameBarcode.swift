import Media

/// Reads the frame index every fixture frame carries (see `Scripts/make-fixtures.sh`).
///
/// The top quarter of the picture holds 18 cells across the full width: a start guard
/// (white over black), 16 bits of the index, most significant first (white over black is
/// 1), and an end guard (black over white). Each bit is the difference between the upper
/// and lower half of its cell, so the code reads the same after scaling, chroma subsampling,
/// range conversion and lossy compression. The reader tries the four quarter turns, so a
/// picture that was rotated for display reads too, and reports which one matched.
public enum FrameBarcode {
    /// A successful read.
    public struct Reading: Hashable, Sendable {
        /// The frame index the picture shows.
        public let index: Int
        /// Clockwise degrees the barcode is turned in the picture: 0, 90, 180 or 270.
        public let rotation: Int

        public init(index: Int, rotation: Int) {
            self.index = index
            self.rotation = rotation
        }
    }

    static let cells = 18

    /// The ffmpeg filter that draws the barcode of each frame's index (geq's N, the frame's
    /// ordinal at the filter) over the top quarter: the twin of `barcode_filter` in
    /// `Scripts/make-fixtures.sh`, for tests that author their own media.
    public static func filter(index: String = "N") -> String {
        let cell = "floor(X*18/W)"
        let bit = "if(eq(\(cell),0),1,if(eq(\(cell),17),0,mod(floor((\(index))/pow(2,16-\(cell))),2)))"
        let level = "255*if(lt(Y,H/8),\(bit),1-\(bit))"
        return "format=gbrp,geq=r='if(lt(Y,H/4),\(level),r(X,Y))':g='if(lt(Y,H/4),\(level),g(X,Y))'"
            + ":b='if(lt(Y,H/4),\(level),b(X,Y))'"
    }

    /// The smallest difference, out of 255, between the halves of a cell that counts as a bit.
    static let minimumContrast = 48

    /// The index shown by `picture`, or `nil` when no orientation holds a valid barcode.
    public static func read(_ picture: Picture) -> Reading? {
        for rotation in [0, 90, 180, 270] {
            if let index = read(picture, rotation: rotation) {
                return Reading(index: index, rotation: rotation)
            }
        }
        return nil
    }

    /// The index shown by `picture` with the barcode turned `rotation` degrees clockwise.
    public static func read(_ picture: Picture, rotation: Int) -> Int? {
        var index = 0
        for cell in 0..<cells {
            let upper = meanLuma(picture, rotation: rotation, cell: cell, upperHalf: true)
            let lower = meanLuma(picture, rotation: rotation, cell: cell, upperHalf: false)
            guard abs(upper - lower) >= minimumContrast else { return nil }
            let bit = upper > lower ? 1 : 0
            switch cell {
            case 0: guard bit == 1 else { return nil }
            case cells - 1: guard bit == 0 else { return nil }
            default: index = index << 1 | bit
            }
        }
        return index
    }

    /// Design coordinates are fractions of the picture's width and height with this
    /// denominator: a cell is 256 wide, each half of the strip 576 high.
    static let denominator = 4608

    /// The mean luma over a 5×5 grid of points in the middle half (both ways) of one half of
    /// `cell`, away from edges that scaling and compression blur.
    private static func meanLuma(_ picture: Picture, rotation: Int, cell: Int, upperHalf: Bool) -> Int {
        let cellWidth = denominator / cells
        let halfHeight = denominator / 8
        let left = cell * cellWidth + cellWidth / 4
        let top = (upperHalf ? 0 : halfHeight) + halfHeight / 4
        var total = 0
        for i in 0..<5 {
            for j in 0..<5 {
                let (x, y) = position(u: left + i * cellWidth / 8, v: top + j * halfHeight / 8, rotation: rotation,
                                      picture: picture)
                total += picture.luma(x: x, y: y)
            }
        }
        return total / 25
    }

    /// Where design point (`u`, `v`) falls in a picture showing
    /// the design turned `rotation` degrees clockwise.
    private static func position(u: Int, v: Int, rotation: Int, picture: Picture) -> (Int, Int) {
        let (fx, fy): (Int, Int) = switch rotation {
        case 90: (denominator - 1 - v, u)
        case 180: (denominator - 1 - u, denominator - 1 - v)
        case 270: (v, denominator - 1 - u)
        default: (u, v)
        }
        return (min(picture.width - 1, fx * picture.width / denominator),
                min(picture.height - 1, fy * picture.height / denominator))
    }
}

extension Picture {
    /// The `width`×`height` part of the picture whose top-left corner is (`x`, `y`).
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> Picture {
        let bytesPerPixel = layout.bytesPerPixel
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * bytesPerPixel)
        for row in y..<(y + height) {
            let start = row * bytesPerRow + x * bytesPerPixel
            pixels += self.pixels[start..<(start + width * bytesPerPixel)]
        }
        return Picture(width: width, height: height, layout: layout, bytesPerRow: width * bytesPerPixel, pixels: pixels)
    }
}
