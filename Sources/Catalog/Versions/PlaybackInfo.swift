import Foundation
import FrameTime

/// What a player needs to show a version's proxy frame-exactly, stored with the proxy
/// component (its `media_info`) when the transcode registers it.
///
/// Times are rationals, never floats: the rate is `24000/1001`, the duration `1001/240`
/// seconds. Frame k of the proxy is frame k of the source; people know it as frame
/// `first_frame_number + k` and by the timecode counted from `start_timecode`. An image
/// sequence with missing files adds `missing`, the frames filled in for them as sorted
/// `[first, last]` ranges of indices (as its frame map has them), and `gap_fill`, what
/// those frames show (`hold`, `slate` or `black`); both are absent when nothing is missing.
/// `display_transform` says how the pictures were made display-referred (`none`, `srgb`,
/// `cineon`, `pq`, `hlg`), and `alpha_background` what transparency was composited over
/// (absent without alpha); proxies made before transforms have neither.
public struct PlaybackInfo: Sendable, Hashable, Codable {
    /// Frames in the proxy: always the source's count.
    public var frameCount: Int
    /// The proxy's constant rate (a variable-rate source's average; its frame map keeps the
    /// original times).
    public var rate: FrameRate
    /// The number people call frame 0 by: an image sequence's first file number, else 0.
    public var firstFrameNumber: Int
    /// The source's timecode at frame 0, when it has one.
    public var startTimecode: String?
    /// The proxy's picture as displayed (its pixels are square).
    public var width: Int
    public var height: Int
    public var pixelAspect: Rational
    public var hasAudio: Bool
    /// Whether the source's frames came at irregular times (the frame map has them).
    public var variableRate: Bool
    /// Frames with no file behind them; `nil` when none.
    public var missing: [ClosedRange<Int>]?
    /// What the ``missing`` frames show; `nil` when none are missing.
    public var gapFill: GapFill?
    /// How the pictures were made display-referred.
    public var displayTransform: DisplayTransform?
    /// What transparency was composited over; `nil` when the source has none.
    public var alphaBackground: AlphaBackground?

    public init(frameCount: Int, rate: FrameRate, firstFrameNumber: Int, startTimecode: String?, width: Int, height: Int,
                pixelAspect: Rational = .one, hasAudio: Bool, variableRate: Bool, missing: [ClosedRange<Int>]? = nil,
                gapFill: GapFill? = nil, displayTransform: DisplayTransform? = nil, alphaBackground: AlphaBackground? = nil) {
        self.frameCount = frameCount
        self.rate = rate
        self.firstFrameNumber = firstFrameNumber
        self.startTimecode = startTimecode
        self.width = width
        self.height = height
        self.pixelAspect = pixelAspect
        self.hasAudio = hasAudio
        self.variableRate = variableRate
        self.missing = missing
        self.gapFill = gapFill
        self.displayTransform = displayTransform
        self.alphaBackground = alphaBackground
    }

    /// How long the proxy plays, in seconds: frames ÷ rate, exactly.
    public var duration: Rational { Rational(Int64(frameCount)) / rate.framesPerSecond }

    enum CodingKeys: String, CodingKey {
        case frameCount = "frame_count", rate, firstFrameNumber = "first_frame_number", startTimecode = "start_timecode"
        case width, height, pixelAspect = "pixel_aspect", hasAudio = "has_audio", variableRate = "variable_rate"
        case missing, gapFill = "gap_fill", displayTransform = "display_transform", alphaBackground = "alpha_background"
    }

    /// Reads what was stored, including proxies registered before these fields existed
    /// (their frame numbers then start at 0 and their pixels are square).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        frameCount = try container.decode(Int.self, forKey: .frameCount)
        rate = try container.decode(FrameRate.self, forKey: .rate)
        firstFrameNumber = try container.decodeIfPresent(Int.self, forKey: .firstFrameNumber) ?? 0
        startTimecode = try container.decodeIfPresent(String.self, forKey: .startTimecode)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        pixelAspect = try container.decodeIfPresent(Rational.self, forKey: .pixelAspect) ?? .one
        hasAudio = try container.decodeIfPresent(Bool.self, forKey: .hasAudio) ?? false
        variableRate = try container.decodeIfPresent(Bool.self, forKey: .variableRate) ?? false
        missing = try container.decodeIfPresent([ClosedRange<Int>].self, forKey: .missing)
        gapFill = try container.decodeIfPresent(GapFill.self, forKey: .gapFill)
        displayTransform = try container.decodeIfPresent(DisplayTransform.self, forKey: .displayTransform)
        alphaBackground = try container.decodeIfPresent(AlphaBackground.self, forKey: .alphaBackground)
    }
}

extension Component {
    /// The playback facts stored with a proxy; `nil` for other components or unreadable info.
    public var playbackInfo: PlaybackInfo? {
        guard kind == .proxy, let mediaInfo else { return nil }
        return try? JSONDecoder().decode(PlaybackInfo.self, from: Data(mediaInfo.utf8))
    }
}
