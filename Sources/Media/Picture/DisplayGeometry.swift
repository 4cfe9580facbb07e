import FrameTime

/// How a stored picture is shown: de-squeezed to square pixels, then turned upright.
///
/// Every output Dailies makes (proxy, poster, filmstrip tiles, frame grabs) is shown this
/// way, so all of them size themselves here.
public struct DisplayGeometry: Sendable, Hashable {
    public let storedWidth: Int
    public let storedHeight: Int
    /// The shape of one stored pixel.
    public let sampleAspectRatio: Rational
    /// Clockwise degrees to turn the picture upright: 0, 90, 180 or 270.
    public let rotation: Int

    public init(storedWidth: Int, storedHeight: Int, sampleAspectRatio: Rational = .one, rotation: Int = 0) {
        precondition(storedWidth > 0 && storedHeight > 0, "empty picture")
        precondition([0, 90, 180, 270].contains(rotation), "rotation \(rotation) is not a quarter turn")
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
        self.sampleAspectRatio = sampleAspectRatio > .zero ? sampleAspectRatio : .one
        self.rotation = rotation
    }

    /// The geometry the probe found for a video stream.
    public init(_ video: VideoStreamInfo) {
        self.init(storedWidth: video.width, storedHeight: video.height, sampleAspectRatio: video.sampleAspectRatio,
                  rotation: video.rotation)
    }

    /// Whether turning swaps width and height.
    public var isQuarterTurned: Bool { rotation == 90 || rotation == 270 }

    /// The shown width over the shown height.
    public var displayAspectRatio: Rational {
        let squeezed = Rational(Int64(storedWidth)) * sampleAspectRatio / Rational(Int64(storedHeight))
        return isQuarterTurned ? squeezed.reciprocal : squeezed
    }

    /// The shown size at full resolution: the stored width stretched by the pixel aspect
    /// (as `scale=iw*sar:ih` does), turned.
    public var displaySize: PictureSize {
        let width = max(1, Int((Rational(Int64(storedWidth)) * sampleAspectRatio).rounded))
        return isQuarterTurned ? PictureSize(width: storedHeight, height: width) : PictureSize(width: width, height: storedHeight)
    }

    /// The shown size scaled down (never up) so that its long edge is at most `longEdge`.
    ///
    /// - Parameter even: round both sides to even numbers, as 4:2:0 video needs.
    public func size(longEdge: Int, even: Bool) -> PictureSize {
        let full = displaySize
        let longest = max(full.width, full.height)
        guard longest > longEdge else { return full.rounded(even: even) }
        let scale = Rational(Int64(longEdge), Int64(longest))
        return PictureSize(exactWidth: Rational(Int64(full.width)) * scale, exactHeight: Rational(Int64(full.height)) * scale,
                           even: even)
    }

    /// The shown size scaled to `width` pixels wide, keeping the shown aspect.
    public func size(width: Int, even: Bool) -> PictureSize {
        let height = Rational(Int64(width)) / displayAspectRatio
        return PictureSize(exactWidth: Rational(Int64(width)), exactHeight: height, even: even)
    }
}

/// A width and height in pixels.
public struct PictureSize: Sendable, Hashable, Codable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init(exactWidth: Rational, exactHeight: Rational, even: Bool) {
        self.init(width: PictureSize.round(exactWidth, even: even), height: PictureSize.round(exactHeight, even: even))
    }

    func rounded(even: Bool) -> PictureSize {
        PictureSize(exactWidth: Rational(Int64(width)), exactHeight: Rational(Int64(height)), even: even)
    }

    /// The nearest whole (or even) number, at least 1 (or 2).
    private static func round(_ value: Rational, even: Bool) -> Int {
        even ? max(2, Int((value / 2).rounded) * 2) : max(1, Int(value.rounded))
    }

    /// These dimensions with width and height swapped.
    var transposed: PictureSize { PictureSize(width: height, height: width) }

    public var description: String { "\(width)×\(height)" }
}
