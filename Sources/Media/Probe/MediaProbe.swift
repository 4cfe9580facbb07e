import CFFmpeg
import Foundation
import FrameTime

/// Settings for ``MediaProbe``.
public struct ProbeOptions: Sendable, Hashable {
    /// The longest a probe may take, opening and counting included. A hostile or damaged
    /// file fails with ``MediaError/Code/timedOut`` instead of hanging.
    public var timeout: Duration
    /// The rate of image sequences and stills, which carry none of their own.
    public var sequenceRate: FrameRate
    /// How image sequences are read: their range, what fills their gaps, and whether a
    /// sequence that is mostly gaps may be read.
    public var sequence: SequenceOptions
    /// The display transform to use whatever the source says of itself; `nil` lets the
    /// source decide (see ``VideoStreamInfo/displayTransform``).
    public var displayTransform: DisplayTransform?
    /// What shows through a picture's transparent parts.
    public var alphaBackground: AlphaBackground

    public init(timeout: Duration = .seconds(60), sequenceRate: FrameRate = .fps24,
                sequence: SequenceOptions = SequenceOptions(), displayTransform: DisplayTransform? = nil,
                alphaBackground: AlphaBackground = .grey) {
        self.timeout = timeout
        self.sequenceRate = sequenceRate
        self.sequence = sequence
        self.displayTransform = displayTransform
        self.alphaBackground = alphaBackground
    }
}

/// Learns what a piece of media is: container, streams, exact frame count and rate, start
/// timecode, and its ``FrameMap``.
public enum MediaProbe {
    /// Probes the movie, image sequence (a member or a pattern) or still at `path`.
    ///
    /// - Throws: ``MediaError``: a missing file, a folder, an empty, truncated, unreadable or
    ///   unsupported file, or a probe that ran past ``ProbeOptions/timeout``.
    public static func probe(_ path: String, options: ProbeOptions = ProbeOptions()) throws(MediaError) -> MediaInfo {
        try probe(MediaSource.resolve(path, sequence: options.sequence), options: options)
    }

    /// Probes an already resolved source.
    public static func probe(_ source: MediaSource, options: ProbeOptions = ProbeOptions()) throws(MediaError) -> MediaInfo {
        let input = try MediaInput(source, sequenceRate: options.sequenceRate, timeout: options.timeout)
        let scan: FrameScan
        var warnings: [String] = []
        let kind: MediaInfo.Kind
        var firstFrameNumber = 0
        var missing: [ClosedRange<Int>] = []
        switch source {
        case .movie:
            kind = .movie
            scan = try FrameScan(movie: input)
        case .imageSequence(let sequence):
            kind = .imageSequence
            firstFrameNumber = sequence.firstNumber
            missing = sequence.missingFrames
            scan = FrameScan(images: sequence.count, rate: options.sequenceRate, method: .files)
            if !sequence.ignored.isEmpty {
                let files = sequence.ignored.totalCount
                warnings.append(
                    "\(files) file\(files == 1 ? "" : "s") outside the range \(sequence.firstNumber)–\(sequence.lastNumber) "
                        + "\(files == 1 ? "is" : "are") left out (\(ImageSequence.describe(sequence.ignored)))")
            }
        case .still:
            kind = .still
            scan = FrameScan(images: 1, rate: options.sequenceRate, method: .still)
        }
        warnings += scan.warnings
        let (timecode, timecodeWarning) = startTimecode(input, rate: scan.rate)
        if let timecodeWarning { warnings.append(timecodeWarning) }
        let frameMap = scan.frameMap(startTimecode: timecode, firstFrameNumber: firstFrameNumber, missing: missing)

        let video = videoInfo(input, scan: scan, frameMap: frameMap, options: options)
        let audio = input.format.streams
            .filter { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
            .map(audioInfo)
        return MediaInfo(
            path: source.displayPath, kind: kind, sequence: { if case .imageSequence(let s) = source { s } else { nil } }(),
            container: containerInfo(input, frameMap: frameMap), video: video, audio: audio,
            frameMap: frameMap, warnings: warnings)
    }

    // MARK: Parts

    private static func containerInfo(_ input: MediaInput, frameMap: FrameMap) -> ContainerInfo {
        let context = input.format.pointer.pointee
        var duration: Rational?
        var fileSize: Int64 = 0
        switch input.source {
        case .movie(let path), .still(let path):
            if context.duration != cffmpeg_AV_NOPTS_VALUE() && context.duration > 0 {
                duration = Rational(context.duration, Int64(cffmpeg_AV_TIME_BASE()))
            }
            fileSize = self.fileSize(path)
        case .imageSequence(let sequence):
            fileSize = sequence.fileNumbers.reduce(0) { $0 + self.fileSize(sequence.path(number: $1)) }
        }
        if input.source.isImages { duration = frameMap.duration }
        return ContainerInfo(
            format: input.format.formatName, formatLongName: input.format.formatLongName, duration: duration,
            fileSize: fileSize, bitRate: context.bit_rate > 0 ? context.bit_rate : nil)
    }

    private static func videoInfo(_ input: MediaInput, scan: FrameScan, frameMap: FrameMap, options: ProbeOptions)
        -> VideoStreamInfo
    {
        let stream = input.videoStream
        let parameters = stream.pointee.codecpar.pointee
        let width = Int(parameters.width)
        let height = Int(parameters.height)
        var sampleAspect = av_guess_sample_aspect_ratio(input.format.pointer, stream, nil).rational ?? .one
        if sampleAspect <= .zero { sampleAspect = .one }
        let displayAspect = Rational(Int64(width)) * sampleAspect / Rational(Int64(height))
        let rotation = rotationDegrees(stream)
        // De-squeeze the width, then turn.
        let squareWidth = Int((Rational(Int64(width)) * sampleAspect).rounded)
        let turned = rotation == 90 || rotation == 270

        let pixelFormat = AVPixelFormat(rawValue: parameters.format)
        let descriptor = av_pix_fmt_desc_get(pixelFormat)
        let transform = options.displayTransform ?? DisplayTransform.detect(
            pixelFormat: pixelFormat, transfer: parameters.color_trc,
            dpxTransfer: parameters.codec_id == AV_CODEC_ID_DPX ? input.source.firstFile.flatMap(DisplayTransform.dpxTransferByte) : nil)
        return VideoStreamInfo(
            streamIndex: Int(stream.pointee.index),
            codec: Libav.string(avcodec_get_name(parameters.codec_id)) ?? "unknown",
            codecLongName: Libav.string(avcodec_descriptor_get(parameters.codec_id)?.pointee.long_name),
            profile: Libav.string(avcodec_profile_name(parameters.codec_id, parameters.profile)),
            width: width, height: height, sampleAspectRatio: sampleAspect, displayAspectRatio: displayAspect,
            rotation: rotation, displayWidth: turned ? height : squareWidth, displayHeight: turned ? squareWidth : height,
            pixelFormat: Libav.string(av_get_pix_fmt_name(pixelFormat)) ?? "unknown",
            bitDepth: descriptor.map { Int($0.pointee.comp.0.depth) } ?? 0,
            chromaSubsampling: descriptor.map(chromaSubsampling),
            colorPrimaries: parameters.color_primaries == AVCOL_PRI_UNSPECIFIED
                ? nil : Libav.string(av_color_primaries_name(parameters.color_primaries)),
            colorTransfer: parameters.color_trc == AVCOL_TRC_UNSPECIFIED
                ? nil : Libav.string(av_color_transfer_name(parameters.color_trc)),
            colorSpace: parameters.color_space == AVCOL_SPC_UNSPECIFIED
                ? nil : Libav.string(av_color_space_name(parameters.color_space)),
            colorRange: parameters.color_range == AVCOL_RANGE_UNSPECIFIED
                ? nil : Libav.string(av_color_range_name(parameters.color_range)),
            frameRate: frameMap.rate, isVariableFrameRate: !frameMap.isConstantRate, frameCount: frameMap.frameCount,
            frameCountMethod: scan.method, timeBase: input.timeBase, displayTransform: transform,
            alphaBackground: pixelFormat.hasAlpha ? options.alphaBackground : nil)
    }

    private static func audioInfo(_ stream: UnsafeMutablePointer<AVStream>) -> AudioStreamInfo {
        var parameters = stream.pointee.codecpar.pointee
        let layout = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer -> String? in
            guard parameters.ch_layout.nb_channels > 0,
                av_channel_layout_describe(&parameters.ch_layout, buffer.baseAddress, 128) >= 0
            else { return nil }
            return String(cString: buffer.baseAddress!)
        }
        let bits = parameters.bits_per_raw_sample > 0 ? parameters.bits_per_raw_sample : parameters.bits_per_coded_sample
        return AudioStreamInfo(
            streamIndex: Int(stream.pointee.index),
            codec: Libav.string(avcodec_get_name(parameters.codec_id)) ?? "unknown",
            codecLongName: Libav.string(avcodec_descriptor_get(parameters.codec_id)?.pointee.long_name),
            profile: Libav.string(avcodec_profile_name(parameters.codec_id, parameters.profile)),
            sampleRate: Int(parameters.sample_rate), channels: Int(parameters.ch_layout.nb_channels),
            channelLayout: layout,
            sampleFormat: Libav.string(av_get_sample_fmt_name(AVSampleFormat(rawValue: parameters.format))),
            bitsPerSample: bits > 0 ? Int(bits) : nil)
    }

    /// Clockwise degrees to show the picture upright, from the stream's display matrix.
    private static func rotationDegrees(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 9 * 4 else {
            return 0
        }
        // av_display_rotation_get gives the counterclockwise angle the matrix applies.
        let counterclockwise = av_display_rotation_get(UnsafeRawPointer(matrix).assumingMemoryBound(to: Int32.self))
        guard counterclockwise.isFinite else { return 0 }
        let clockwise = -Int(counterclockwise.rounded())
        let quarter = ((clockwise % 360) + 360) % 360
        return (quarter + 45) / 90 * 90 % 360
    }

    private static func chromaSubsampling(_ descriptor: UnsafePointer<AVPixFmtDescriptor>) -> String {
        let d = descriptor.pointee
        if d.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0 { return "RGB" }
        if d.nb_components < 3 { return "gray" }
        switch (d.log2_chroma_w, d.log2_chroma_h) {
        case (0, 0): return "4:4:4"
        case (1, 0): return "4:2:2"
        case (1, 1): return "4:2:0"
        case (2, 0): return "4:1:1"
        case (0, 1): return "4:4:0"
        case (2, 2): return "4:1:0"
        default: return "\(d.log2_chroma_w)x\(d.log2_chroma_h)"
        }
    }

    /// The start timecode from (in order) the video stream's metadata, a timecode track's, or
    /// the container's; and a warning when one is present but unreadable at `rate`.
    private static func startTimecode(_ input: MediaInput, rate: FrameRate) -> (Timecode?, String?) {
        let texts = [input.videoStream.metadata("timecode")]
            + input.format.streams.map { $0.metadata("timecode") }
            + [input.format.metadata("timecode")]
        guard let text = texts.compactMap({ $0 }).first else { return (nil, nil) }
        do {
            return (try Timecode(text, rate: rate), nil)
        } catch {
            return (nil, "the start timecode \(text) is not valid at \(rate.displayName) fps: \(error.message)")
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

extension MediaSource {
    /// The file whose header speaks for the media: the movie or still, or a sequence's first file.
    var firstFile: String? {
        switch self {
        case .movie(let path), .still(let path): path
        case .imageSequence(let sequence): sequence.fileNumber(atOrAfter: sequence.firstNumber).map(sequence.path(number:))
        }
    }

    var isImages: Bool {
        if case .movie = self { return false }
        return true
    }
}
