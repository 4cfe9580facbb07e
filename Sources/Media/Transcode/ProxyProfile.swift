import FrameTime

/// A named recipe for review outputs: how big, how compressed, which poster, how many
/// filmstrip tiles.
///
/// Every profile makes the same kinds of output (an H.264 proxy, a poster, a filmstrip and a
/// frame map), so the review site treats them alike; profiles differ in size and quality.
public struct ProxyProfile: Sendable, Hashable, Codable {
    /// Which frame becomes the poster.
    public enum PosterFrame: Sendable, Hashable, Codable {
        case first
        case middle
        /// A frame index from 0; past the end means the last frame.
        case frame(Int)

        /// The index for media of `frameCount` frames.
        public func index(frameCount: Int) -> Int {
            switch self {
            case .first: 0
            case .middle: frameCount / 2
            case .frame(let index): max(0, min(index, frameCount - 1))
            }
        }
    }

    /// The name people pick it by: `review-1080`.
    public let name: String
    /// The proxy's (and poster's) longest side in pixels, at most; smaller sources are not enlarged.
    public let longEdge: Int
    /// libx264's constant rate factor: lower is better and bigger.
    public let crf: Int
    /// libx264's speed preset.
    public let preset: String
    /// Seconds between keyframes, at most; every GOP is closed. A frame grab decodes from the
    /// keyframe before it, so this bounds how long scrubbing to any frame takes.
    public let keyframeInterval: Rational
    /// AAC bit rate in bits per second.
    public let audioBitRate: Int
    public let poster: PosterFrame
    /// Filmstrip tiles at most (fewer for shorter media: one per frame).
    public let filmstripTiles: Int
    /// Width of one filmstrip tile in pixels.
    public let filmstripTileWidth: Int
    /// Tiles per row of the filmstrip sprite sheet.
    public let filmstripColumns: Int
    /// JPEG quality for posters and filmstrips, on libav's scale of 2 (best) to 31.
    public let jpegQuality: Int

    public init(name: String, longEdge: Int, crf: Int, preset: String, keyframeInterval: Rational = Rational(1, 3),
                audioBitRate: Int = 192_000,
                poster: PosterFrame = .middle, filmstripTiles: Int = 100, filmstripTileWidth: Int = 160,
                filmstripColumns: Int = 10, jpegQuality: Int = 3) {
        self.name = name
        self.longEdge = longEdge
        self.crf = crf
        self.preset = preset
        self.keyframeInterval = keyframeInterval
        self.audioBitRate = audioBitRate
        self.poster = poster
        self.filmstripTiles = filmstripTiles
        self.filmstripTileWidth = filmstripTileWidth
        self.filmstripColumns = filmstripColumns
        self.jpegQuality = jpegQuality
    }

    /// The default: long edge up to 1920, visually clean at CRF 20, a keyframe every third of a
    /// second, so that an exact grab of any frame decodes at most a handful of frames (measured:
    /// 1080p grabs at p50 20 ms against 30 ms with half-second GOPs, for 3% more bytes).
    public static let review1080 = ProxyProfile(name: "review-1080", longEdge: 1920, crf: 20, preset: "fast")
    /// Lighter proxies for slow connections: long edge up to 1280.
    public static let review720 = ProxyProfile(name: "review-720", longEdge: 1280, crf: 22, preset: "fast",
                                               audioBitRate: 128_000)
    /// Quick drafts: long edge up to 960, fastest encode, a keyframe a second.
    public static let draft540 = ProxyProfile(name: "draft-540", longEdge: 960, crf: 26, preset: "veryfast",
                                              keyframeInterval: .one,
                                              audioBitRate: 96_000, filmstripTiles: 50, jpegQuality: 5)

    /// Frames between keyframes at `rate`: the keyframe interval rounded down, at least 1.
    public func keyframeDistance(at rate: FrameRate) -> Int {
        max(1, Int((rate.framesPerSecond * keyframeInterval).floor))
    }

    /// Every built-in profile.
    public static let builtIn: [ProxyProfile] = [.review1080, .review720, .draft540]

    /// The built-in profile called `name`.
    public static func named(_ name: String) -> ProxyProfile? {
        builtIn.first { $0.name == name }
    }
}
