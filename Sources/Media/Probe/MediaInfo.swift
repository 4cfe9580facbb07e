import FrameTime

/// Everything the probe learns about a piece of media: its container, its video and audio
/// streams, its start timecode and its ``FrameMap``.
///
/// Encodes to the JSON that `dailies probe --json` prints (snake_case keys; rates, times and
/// ratios as exact `n/d` strings).
public struct MediaInfo: Sendable, Hashable, Codable {
    /// What kind of media the path named.
    public enum Kind: String, Sendable, Hashable, Codable {
        case movie, imageSequence = "image_sequence", still
    }

    /// The path probed; the pattern, for a sequence.
    public let path: String
    public let kind: Kind
    /// The files of an image sequence.
    public let sequence: ImageSequence?
    public let container: ContainerInfo
    /// The video stream reviewed (a file's main picture; cover art is skipped).
    public let video: VideoStreamInfo
    /// Every audio stream, in file order.
    public let audio: [AudioStreamInfo]
    /// The timecode of frame 0, from a `tmcd` track or the container's or stream's metadata.
    public let startTimecode: Timecode?
    /// The first frame number people see: a sequence's first file number, 0 for movies.
    public let firstFrameNumber: Int
    /// How every frame maps to time, timecode and frame number.
    public let frameMap: FrameMap
    /// Things worth knowing that did not stop the probe (a gap in a sequence, an unreadable
    /// timecode, corrupt packets).
    public let warnings: [String]

    enum CodingKeys: String, CodingKey {
        case path, kind, sequence, container, video, audio, startTimecode = "start_timecode"
        case firstFrameNumber = "first_frame_number", frameMap = "frame_map", warnings
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(sequence, forKey: .sequence)
        try container.encode(self.container, forKey: .container)
        try container.encode(video, forKey: .video)
        try container.encode(audio, forKey: .audio)
        try container.encodeIfPresent(startTimecode?.description, forKey: .startTimecode)
        try container.encode(firstFrameNumber, forKey: .firstFrameNumber)
        try container.encode(frameMap, forKey: .frameMap)
        try container.encode(warnings, forKey: .warnings)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        kind = try container.decode(Kind.self, forKey: .kind)
        sequence = try container.decodeIfPresent(ImageSequence.self, forKey: .sequence)
        self.container = try container.decode(ContainerInfo.self, forKey: .container)
        video = try container.decode(VideoStreamInfo.self, forKey: .video)
        audio = try container.decode([AudioStreamInfo].self, forKey: .audio)
        firstFrameNumber = try container.decode(Int.self, forKey: .firstFrameNumber)
        frameMap = try container.decode(FrameMap.self, forKey: .frameMap)
        warnings = try container.decode([String].self, forKey: .warnings)
        // The frame map carries the start timecode with its rate; the copy here is for readers.
        startTimecode = frameMap.startTimecode
    }

    init(path: String, kind: Kind, sequence: ImageSequence?, container: ContainerInfo, video: VideoStreamInfo,
         audio: [AudioStreamInfo], frameMap: FrameMap, warnings: [String]) {
        self.path = path
        self.kind = kind
        self.sequence = sequence
        self.container = container
        self.video = video
        self.audio = audio
        self.startTimecode = frameMap.startTimecode
        self.firstFrameNumber = frameMap.firstFrameNumber
        self.frameMap = frameMap
        self.warnings = warnings
    }
}

/// The file format.
public struct ContainerInfo: Sendable, Hashable, Codable {
    /// libav's demuxer names, such as `mov,mp4,m4a,3gp,3g2,mj2` or `image2`.
    public let format: String
    /// The demuxer's long name, such as `QuickTime / MOV`.
    public let formatLongName: String?
    /// The longest stream's duration in seconds, when known.
    public let duration: Rational?
    /// Bytes on disk (all files, for a sequence).
    public let fileSize: Int64
    /// Overall bit rate in bits per second, when known.
    public let bitRate: Int64?

    enum CodingKeys: String, CodingKey {
        case format, formatLongName = "format_long_name", duration, fileSize = "file_size", bitRate = "bit_rate"
    }
}

/// The reviewed video stream.
public struct VideoStreamInfo: Sendable, Hashable, Codable {
    /// How the frame count was established.
    public enum FrameCountMethod: String, Sendable, Hashable, Codable {
        /// From the container's sample index (QuickTime/MP4), without reading the media data.
        case containerIndex = "container_index"
        /// By reading every packet of the stream.
        case packets
        /// From an image sequence's first and last file numbers, one frame each, a missing
        /// file's too.
        case files
        /// A single image.
        case still
    }

    /// The stream's index in the file.
    public let streamIndex: Int
    /// libav's codec name, such as `prores` or `h264`.
    public let codec: String
    public let codecLongName: String?
    /// The codec profile, such as `High` or `Standard`.
    public let profile: String?
    /// Stored width and height in pixels.
    public let width: Int
    public let height: Int
    /// The shape of one pixel (4:3 for a common anamorphic squeeze); 1:1 when unknown.
    public let sampleAspectRatio: Rational
    /// The shape of the picture as shown, before rotation.
    public let displayAspectRatio: Rational
    /// Degrees to turn the stored picture clockwise to show it upright: 0, 90, 180 or 270.
    /// Phones recording portrait store landscape pictures with 90.
    public let rotation: Int
    /// The size of the picture as shown: de-squeezed to square pixels, then rotated.
    public let displayWidth: Int
    public let displayHeight: Int
    /// libav's pixel format name, such as `yuv422p10le`.
    public let pixelFormat: String
    /// Bits per component.
    public let bitDepth: Int
    /// `4:2:0`, `4:2:2`, `4:4:4`, `4:1:1`, `4:4:0`, `RGB` or `gray`.
    public let chromaSubsampling: String?
    /// Colour description; `nil` fields are unspecified in the file.
    public let colorPrimaries: String?
    public let colorTransfer: String?
    public let colorSpace: String?
    /// `tv` (limited) or `pc` (full).
    public let colorRange: String?
    /// The exact rate; the average rate when ``isVariableFrameRate``.
    public let frameRate: FrameRate
    public let isVariableFrameRate: Bool
    /// The exact number of frames shown (frames an edit list hides are not counted).
    public let frameCount: Int
    public let frameCountMethod: FrameCountMethod
    /// The stream's time base.
    public let timeBase: Rational
    /// How the pictures are made display-referred: chosen from the source's own description
    /// (float pixels, a DPX's log transfer, PQ or HLG tags) unless overridden.
    public let displayTransform: DisplayTransform?
    /// What the picture's alpha is composited over; `nil` when it has none.
    public let alphaBackground: AlphaBackground?

    enum CodingKeys: String, CodingKey {
        case streamIndex = "stream_index", codec, codecLongName = "codec_long_name", profile, width, height
        case sampleAspectRatio = "sample_aspect_ratio", displayAspectRatio = "display_aspect_ratio", rotation
        case displayWidth = "display_width", displayHeight = "display_height", pixelFormat = "pixel_format"
        case bitDepth = "bit_depth", chromaSubsampling = "chroma_subsampling", colorPrimaries = "color_primaries"
        case colorTransfer = "color_transfer", colorSpace = "color_space", colorRange = "color_range"
        case frameRate = "frame_rate", isVariableFrameRate = "variable_frame_rate", frameCount = "frame_count"
        case frameCountMethod = "frame_count_method", timeBase = "time_base", displayTransform = "display_transform"
        case alphaBackground = "alpha_background"
    }
}

/// One audio stream.
public struct AudioStreamInfo: Sendable, Hashable, Codable {
    public let streamIndex: Int
    public let codec: String
    public let codecLongName: String?
    public let profile: String?
    /// Samples per second.
    public let sampleRate: Int
    public let channels: Int
    /// libav's description of the layout, such as `stereo` or `5.1(side)`.
    public let channelLayout: String?
    /// libav's sample format name, such as `s32` or `fltp`.
    public let sampleFormat: String?
    /// Bits per sample as stored, when the codec says (24 for 24-bit PCM).
    public let bitsPerSample: Int?

    enum CodingKeys: String, CodingKey {
        case streamIndex = "stream_index", codec, codecLongName = "codec_long_name", profile
        case sampleRate = "sample_rate", channels, channelLayout = "channel_layout", sampleFormat = "sample_format"
        case bitsPerSample = "bits_per_sample"
    }
}
