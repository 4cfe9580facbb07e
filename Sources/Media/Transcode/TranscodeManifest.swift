import FrameTime

/// What a transcode made, for people and for the catalog: the files and what each holds.
///
/// `dailies transcode` prints it as JSON and writes it as `manifest.json` beside the outputs.
public struct TranscodeManifest: Sendable, Hashable, Codable {
    /// The file names a transcode writes into its output folder.
    public enum FileName {
        public static let proxy = "proxy.mp4"
        public static let reviewImage = "review.jpg"
        public static let poster = "poster.jpg"
        public static let filmstrip = "filmstrip.jpg"
        public static let filmstripIndex = "filmstrip.json"
        public static let frameMap = "framemap.json"
        public static let manifest = "manifest.json"
    }

    /// One output file.
    public struct File: Sendable, Hashable, Codable {
        /// What it is: `proxy`, `review_image`, `poster`, `filmstrip`, `filmstrip_index`, `frame_map`.
        public let role: String
        /// Its name in the output folder.
        public let name: String
        public let bytes: Int64
    }

    /// The review proxy movie.
    public struct Proxy: Sendable, Hashable, Codable {
        public let name: String
        public let width: Int
        public let height: Int
        /// Constant; the source's average for variable-rate media.
        public let rate: FrameRate
        /// Always the source's frame count: proxy frame k shows source frame k.
        public let frameCount: Int
        public let hasAudio: Bool
        public let startTimecode: String?

        enum CodingKeys: String, CodingKey {
            case name, width, height, rate, frameCount = "frame_count", hasAudio = "has_audio"
            case startTimecode = "start_timecode"
        }
    }

    /// A still picture of the media: the poster, or a still's review-size image.
    public struct Image: Sendable, Hashable, Codable {
        public let name: String
        public let frame: Int
        public let width: Int
        public let height: Int
    }

    /// The source, as given.
    public let source: String
    public let profile: String
    public let kind: MediaInfo.Kind
    public let frameCount: Int
    public let rate: FrameRate
    /// Every file written, manifest excluded.
    public let files: [File]
    /// The proxy movie; `nil` for a still.
    public let proxy: Proxy?
    /// A still's review-size image; `nil` for moving media.
    public let reviewImage: Image?
    public let poster: Image
    public let filmstrip: FilmstripIndex
    /// Packets the decoders rejected as damaged.
    public let corruptPackets: Int
    /// Proxy frames that repeat the frame before because the source frame could not be decoded.
    public let repeatedFrames: [Int]
    /// Frames of an image sequence with no file, as the frame map marks them: sorted
    /// `[first, last]` ranges of frame indices; `nil` when nothing is missing.
    public let missing: [ClosedRange<Int>]?
    /// What the ``missing`` frames show; `nil` when nothing is missing.
    public let gapFill: GapFill?
    /// How every output's pictures were made display-referred.
    public let displayTransform: DisplayTransform
    /// What the source's alpha was composited over; `nil` when it has none.
    public let alphaBackground: AlphaBackground?
    /// ``Transcoder/pipelineVersion`` of the code that made the outputs.
    public let pipelineVersion: Int
    public let warnings: [String]

    enum CodingKeys: String, CodingKey {
        case source, profile, kind, frameCount = "frame_count", rate, files, proxy, reviewImage = "review_image"
        case poster, filmstrip, corruptPackets = "corrupt_packets", repeatedFrames = "repeated_frames", missing
        case gapFill = "gap_fill", displayTransform = "display_transform", alphaBackground = "alpha_background"
        case pipelineVersion = "pipeline_version", warnings
    }
}
