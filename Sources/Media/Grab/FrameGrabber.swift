import CFFmpeg
import FrameTime

/// Gives frame k of a movie, sequence or still, exactly, as an image or a picture, shown
/// upright and de-squeezed.
///
/// The grabber seeks to the last keyframe at or before frame k's timestamp (from a
/// ``KeyframeIndex``), decodes forward, and checks every decoded frame's timestamp against
/// the frame map, so it knows where it landed: a seek that lands late is retried from the
/// keyframe before. Only the target and the frames it refers to are decoded, and the target
/// comes out as soon as it is decoded, without waiting for the frames a reordering decoder
/// would hold it back for. Reading on from the last grab is cheaper than seeking, so a
/// step forward (the frame after the one asked for last) reads on from what the decoder
/// holds. The demuxer and decoder stay open for the grabber's life, on one thread.
///
/// A frame of an image sequence with no file shows what the transcoder's proxy shows: the
/// last picture before it held, a slate, or black, as the sequence's ``GapFill`` says.
public final class FrameGrabber {
    /// What the probe found; its frame map says which timestamp is which frame.
    public let info: MediaInfo
    private let input: MediaInput
    private let decoder: StreamDecoder
    private let keyframes: KeyframeIndex
    private let packet = Packet()
    private let decoded = Frame()
    private var converter: FrameConverter?
    /// Makes the decoded pictures display-referred, as the transcoder does; `nil` when they are already.
    private let display: DisplayTransformer?
    /// Slates and black frames for a sequence's gaps, made when first needed.
    private lazy var gapPicture = GapPicture()
    /// The index of the frame in `decoded`, when it holds one.
    private var current: Int?
    private var sentEndOfStream = false
    /// Whether to end the stream once the target's packet is in (see ``seek(to:isStep:)``).
    private var endStreamAfterTarget = false
    /// Whether the target's packet has been sent since the last seek.
    private var sentTarget = false
    /// The frame asked for last, so that a grab of the next one is known for a step.
    private var lastAsked: Int?
    /// The timestamp of the frame being sought; packets shown before it may be skipped.
    private var targetTimestamp: Int64 = .min
    /// x264's settings, when the stream has them: they tell which B-frames may be skipped.
    private let encoderSettings: X264Settings?
    /// The longest run of B-frames and their anchor, in stream ticks.
    private let miniGOPSpan: Int64

    /// Opens `path` and indexes its keyframes.
    public init(_ path: String, options: ProbeOptions = ProbeOptions()) throws(MediaError) {
        let source = try MediaSource.resolve(path, sequence: options.sequence)
        info = try MediaProbe.probe(source, options: options)
        input = try MediaInput(source, sequenceRate: options.sequenceRate, timeout: options.timeout)
        keyframes = try KeyframeIndex(input, frameMap: info.frameMap)
        input.format.resetTimeout(nil)
        // One thread. Frame threading would give every warm grabber a thread and a decoder's
        // worth of buffers more (10 MiB at 1080p), and hold each picture back a frame; with
        // the stream ended after the target (see `seek(to:isStep:)`) a second thread only
        // overlapped the reference chain's decoding a little: 11 % off a random grab's p50.
        decoder = try StreamDecoder(stream: input.videoStream, path: input.path, threads: 1)
        // The grabber reads only the picture.
        for stream in input.format.streams where stream != input.videoStream {
            stream.pointee.discard = AVDISCARD_ALL
        }
        display = DisplayTransformer.make(
            info.video.displayTransform ?? .none,
            pixelFormat: AVPixelFormat(rawValue: input.videoStream.pointee.codecpar.pointee.format),
            alphaBackground: info.video.alphaBackground ?? .grey, stream: input.videoStream, path: input.path)
        encoderSettings = try FrameGrabber.readEncoderSettings(input)
        let frameDuration = info.frameMap.rate.frameDuration / input.timeBase
        miniGOPSpan = encoderSettings.map { (Rational($0.bFrames + 1) * frameDuration).ceiling } ?? 0
    }

    /// The x264 settings in the stream's first packet, if it has them; rewinds after.
    private static func readEncoderSettings(_ input: MediaInput) throws(MediaError) -> X264Settings? {
        guard input.videoStream.pointee.codecpar.pointee.codec_id == AV_CODEC_ID_H264 else { return nil }
        var settings: X264Settings?
        try input.readVideoPackets { packet in
            settings = X264Settings(scanning: UnsafeRawBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
            return false
        }
        try input.rewind(to: nil)
        return settings
    }

    /// Frame `frame` encoded as `format`, `width` pixels wide (the shown width when `nil`).
    public func image(frame: Int, width: Int? = nil, format: ImageFormat) throws(MediaError) -> [UInt8] {
        let converted = try convert(frame: frame, width: width, format: format.converterFormat)
        return try ImageEncoder.encode(converted, as: format, path: input.path)
    }

    /// Frame `frame` as a `layout` picture `width` pixels wide (the shown width when `nil`).
    public func picture(frame: Int, width: Int? = nil, layout: Picture.Layout = .rgb24) throws(MediaError) -> Picture {
        Picture(copying: try convert(frame: frame, width: width, format: layout == .gray8 ? .gray8 : .rgb24))
    }

    private func convert(frame: Int, width: Int?, format: FrameConverter.OutputFormat) throws(MediaError)
        -> UnsafeMutablePointer<AVFrame>
    {
        guard info.frameMap.indices.contains(frame) else {
            throw MediaError(.invalidFrame, path: input.path,
                             reason: "frame \(frame) is outside the media, which has frames 0–\(info.frameMap.frameCount - 1)")
        }
        if let width, width < 1 || width > 16384 {
            throw MediaError(.invalidFrame, path: input.path, reason: "width \(width) is not between 1 and 16384 pixels")
        }
        let geometry = DisplayGeometry(info.video)
        let size = width.map { geometry.size(width: $0, even: false) } ?? geometry.displaySize
        if converter == nil || converter!.size != size || converter!.format != format {
            converter = FrameConverter(format: format, size: size, rotation: geometry.rotation, path: input.path)
        }
        // A step forward from the frame asked for last keeps what the decoder holds for the
        // frames that follow; any other grab is better served by popping its frame out at once.
        let isStep = lastAsked == frame - 1
        lastAsked = frame
        if info.frameMap.isMissing(frame), let sequence = info.sequence {
            let number = info.frameMap.frameNumber(ofFrame: frame)
            if sequence.gapFill == .hold, let held = sequence.fileNumber(atOrBefore: number) {
                try seek(to: held - sequence.firstNumber, isStep: isStep)
            } else {
                let picture = try gapPicture.frame(size: size, slateNumber: sequence.gapFill == .slate ? number : nil,
                                                   path: input.path)
                return try converter!.convert(picture, isUpright: true)
            }
        } else {
            try seek(to: frame, isStep: isStep)
        }
        return try converter!.convert(try display?.apply(decoded.pointer) ?? decoded.pointer)
    }

    // MARK: Finding the frame

    /// Leaves frame `frame` in `decoded`.
    ///
    /// A decoder that reorders frames gives a frame out only once it has decoded one or two
    /// after it, which for a grab can mean decoding a whole P- or I-frame more than the
    /// target needs. So a grab that seeks ends the stream right after the target's packet,
    /// and the decoder gives out what it holds at once (then must be reset). A step forward
    /// does not: the frames after the target that the decoder is made to decode are the next
    /// steps' frames, and reading on from them is what makes a step cheap.
    private func seek(to frame: Int, isStep: Bool) throws(MediaError) {
        if current == frame { return }
        let target = info.frameMap.timestamp(ofFrame: frame, timeBase: input.timeBase)
        targetTimestamp = target
        var position = keyframes.position(atOrBefore: target)
        // Reading on is no worse than seeking when the keyframe we would seek to is behind us.
        endStreamAfterTarget = false
        if let current, current < frame, !keyframes.keyframes.isEmpty,
            keyframes.keyframes[position].presentation <= info.frameMap.timestamp(ofFrame: current, timeBase: input.timeBase),
            try decodeForward(to: frame)
        {
            return
        }
        var endingStream = !isStep
        while true {
            try restart(at: keyframes.keyframes.isEmpty ? nil : keyframes.keyframes[position].seekTarget)
            endStreamAfterTarget = endingStream
            if try decodeForward(to: frame) { return }
            if endingStream, sentEndOfStream, sentTarget {
                // The target's packet went in, yet its frame never came out: the packet's
                // timestamp is not the frame's. Try again, reading on as a player would.
                endingStream = false
                continue
            }
            // Landed past the frame (or never reached it): start from the keyframe before.
            guard position > 0 else {
                throw MediaError(.decodeFailed, path: input.path, reason: "frame \(frame) could not be decoded")
            }
            position -= 1
        }
    }

    /// Seeks to `timestamp` (the start when `nil`) and resets the decoder.
    private func restart(at timestamp: Int64?) throws(MediaError) {
        try input.rewind(to: timestamp)
        decoder.flush()
        sentEndOfStream = false
        sentTarget = false
        current = nil
    }

    /// Decodes until `frame` is in `decoded` (true), or until a frame past it or the end
    /// shows the seek landed too late (false).
    private func decodeForward(to frame: Int) throws(MediaError) -> Bool {
        while true {
            switch try decoder.receive(decoded) {
            case .frame:
                let timestamp = decoded.pointer.pointee.best_effort_timestamp
                let index = timestamp == cffmpeg_AV_NOPTS_VALUE() ? current.map { $0 + 1 }
                    : info.frameMap.frame(atTimestamp: timestamp, timeBase: input.timeBase)
                guard let index else { continue }  // before frame 0: pre-roll
                current = index
                if index == frame { return true }
                if index > frame { return false }
            case .needsPacket:
                try feed()
            case .endOfStream:
                current = nil
                return false
            }
        }
    }

    /// Which frames the decoder may skip on the way to the target, for a packet shown at
    /// `timestamp`. Only the target and what it refers to must be decoded: any frame that
    /// nothing refers to may go, and when P-frames never refer to B-frames (see
    /// ``X264Settings``), so may every B-frame before the target's own mini-GOP.
    private func skipping(_ timestamp: Int64) -> AVDiscard {
        guard timestamp != cffmpeg_AV_NOPTS_VALUE(), timestamp != targetTimestamp else { return AVDISCARD_DEFAULT }
        // Frames after the target are the next steps' frames, unless the stream ends first.
        if timestamp > targetTimestamp, !endStreamAfterTarget { return AVDISCARD_DEFAULT }
        if encoderSettings?.pFramesIgnoreBFrames == true, timestamp < targetTimestamp - miniGOPSpan {
            return AVDISCARD_BIDIR
        }
        return AVDISCARD_NONREF
    }

    private func feed() throws(MediaError) {
        guard !sentEndOfStream else { return }
        while true {
            let read = input.readPacket(packet.pointer)
            if read < 0 {
                try decoder.send(nil)
                sentEndOfStream = true
                return
            }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == input.videoStream.pointee.index else { continue }
            decoder.context.pointee.skip_frame = skipping(packet.pointer.pointee.pts)

            try decoder.send(packet)
            if packet.pointer.pointee.pts == targetTimestamp {
                sentTarget = true
                if endStreamAfterTarget {
                    try decoder.send(nil)
                    sentEndOfStream = true
                }
            }
            return
        }
    }
}
