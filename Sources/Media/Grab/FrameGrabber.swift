import CFFmpeg
import Dispatch
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
/// A client stepping forward frame by frame is the one whose next wish is known: after a
/// step, ``readAhead()`` decodes the frame after it while the grabber waits for its next
/// grab, so the next step finds its frame decoded.
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
    /// Whether the last grab was a step forward, so the next is likely one too.
    private var lastWasStep = false
    /// The decode of the next frame while the grabber is idle (see ``readAhead()``): the
    /// frame it decodes, the flag that stops it between packets, and its end. Set before the
    /// decode starts and cleared after it ends, so the decoding thread may read it.
    private var ahead: (frame: Int, stop: CancellationFlag, done: DispatchSemaphore)?
    /// Video packets given to the decoder so far, so tests can see which grabs decoded.
    private(set) var packetsDecoded = 0
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
        lastWasStep = isStep
        let source = decodedFrame(showing: frame)
        finishReadingAhead(wanting: source)
        guard let source else {
            let sequence = info.sequence!
            let number = info.frameMap.frameNumber(ofFrame: frame)
            let picture = try gapPicture.frame(size: size, slateNumber: sequence.gapFill == .slate ? number : nil,
                                               path: input.path)
            return try converter!.convert(picture, isUpright: true)
        }
        try seek(to: source, isStep: isStep)
        return try converter!.convert(try display?.apply(decoded.pointer) ?? decoded.pointer)
    }

    /// The decoded frame that shows frame `frame`: itself, or for a missing frame of a
    /// sequence that holds, the last frame before it with a file. `nil` when a slate or black
    /// frame shows it.
    private func decodedFrame(showing frame: Int) -> Int? {
        guard info.frameMap.isMissing(frame), let sequence = info.sequence else { return frame }
        guard sequence.gapFill == .hold,
            let held = sequence.fileNumber(atOrBefore: info.frameMap.frameNumber(ofFrame: frame))
        else { return nil }
        return held - sequence.firstNumber
    }

    // MARK: Reading ahead

    /// Starts decoding the frame after the one grabbed last, on another thread, when that
    /// grab was a step forward: the next step then only converts and encodes. Returns at
    /// once. The next grab waits for the decode when it wants that frame, and otherwise stops
    /// it at the next packet, so a client that jumps away waits at most for one packet's
    /// decode. ``FrameGrabberPool`` calls it as it takes a grabber back.
    public func readAhead() {
        guard ahead == nil, lastWasStep, let last = lastAsked, info.frameMap.indices.contains(last + 1),
            let next = decodedFrame(showing: last + 1), next != current
        else { return }
        let stop = CancellationFlag()
        let done = DispatchSemaphore(value: 0)
        ahead = (next, stop, done)
        let grabber = UncheckedTransfer(value: self)
        DispatchQueue.global(qos: .utility).async {
            // A read-ahead that stops or fails leaves the decoder where it was; the next grab
            // reads on or seeks from there as usual, and meets any real error itself.
            try? grabber.value.seek(to: next, isStep: true)
            done.signal()
        }
    }

    /// Waits for a running read-ahead to finish its frame, as a client slower than a decode would.
    func waitForReadAhead() {
        finishReadingAhead(wanting: ahead?.frame)
    }

    /// Waits for a running read-ahead to end, first asking it to stop unless it is decoding
    /// `frame`. The grabber is the caller's alone again after.
    private func finishReadingAhead(wanting frame: Int?) {
        guard let running = ahead else { return }
        if running.frame != frame { running.stop.cancel() }
        running.done.wait()
        ahead = nil
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
                do throws(MediaError) {
                    if ahead?.stop.isCancelled == true {
                        throw MediaError(.cancelled, path: input.path, reason: "reading ahead stopped for another grab")
                    }
                    try feed()
                } catch {
                    // Asking for a frame emptied `decoded`: stopping here, it holds none.
                    current = nil
                    throw error
                }
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
            packetsDecoded += 1
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
