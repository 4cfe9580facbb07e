import CFFmpeg
import FrameTime

/// A decoded frame: its index in display order, its timestamp, and its picture.
public struct DecodedFrame: Sendable {
    /// The frame's index from 0, in the order the decoder gave it; for an image sequence,
    /// its file's (file number − first), so a gap shows as a jump.
    public let index: Int
    /// The frame's presentation timestamp in ``timeBase`` units, when the stream has one.
    public let timestamp: Int64?
    public let timeBase: Rational
    public let picture: Picture
}

/// Decodes every frame of a movie, image sequence or still in display order, once each,
/// as stored (not turned or de-squeezed).
///
/// Frames an edit list hides are dropped by the decoder, as in playback, so the reader's
/// frame `k` is the probe's frame `k`. An image sequence's gaps are not filled: the reader
/// gives the files there are, each with its own frame's index. Packets the decoder rejects are counted in
/// ``corruptPackets`` and skipped; one bad packet does not end the read.
public final class VideoFrameReader {
    private let input: MediaInput
    private let decoder: StreamDecoder
    private let packet = Packet()
    private let frame = Frame()
    private var converter: FrameConverter?
    private var sentEndOfStream = false
    private var nextIndex = 0

    /// Packets the decoder could not decode, or that could not be read (a sequence's files too).
    public var corruptPackets: Int {
        decoder.corruptPackets + unreadablePackets + (input.sequencePackets?.unreadable.count ?? 0)
    }
    private var unreadablePackets = 0

    /// Opens `path` for decoding.
    ///
    /// - Parameter timeout: bounds opening the file; decoding itself runs as long as the media.
    public init(_ path: String, sequenceRate: FrameRate = .fps24, sequence: SequenceOptions = SequenceOptions(),
                timeout: Duration = .seconds(60)) throws(MediaError) {
        let source = try MediaSource.resolve(path, sequence: sequence)
        input = try MediaInput(source, sequenceRate: sequenceRate, timeout: timeout)
        input.format.resetTimeout(nil)
        decoder = try StreamDecoder(stream: input.videoStream, path: input.path)
    }

    /// The next frame as a `layout` picture `width` pixels wide (stored width when `nil`),
    /// keeping the stored aspect, or `nil` after the last frame.
    public func next(_ layout: Picture.Layout = .rgb24, width: Int? = nil) throws(MediaError) -> DecodedFrame? {
        while true {
            switch try decoder.receive(frame) {
            case .frame:
                let picture = try convert(frame.pointer, layout: layout, width: width)
                let timestamp = frame.pointer.pointee.best_effort_timestamp
                let stamped = timestamp == cffmpeg_AV_NOPTS_VALUE() ? nil : timestamp
                if let file = stamped.flatMap({ input.sequencePackets?.frame(atTimestamp: $0) }) { nextIndex = file }
                defer { nextIndex += 1 }
                return DecodedFrame(index: nextIndex, timestamp: stamped, timeBase: input.timeBase, picture: picture)
            case .endOfStream:
                return nil
            case .needsPacket:
                try feedDecoder()
            }
        }
    }

    private func convert(_ source: UnsafeMutablePointer<AVFrame>, layout: Picture.Layout, width: Int?) throws(MediaError) -> Picture {
        let stored = DisplayGeometry(storedWidth: Int(source.pointee.width), storedHeight: Int(source.pointee.height))
        let size = width.map { stored.size(width: $0, even: false) } ?? stored.displaySize
        let format: FrameConverter.OutputFormat = layout == .gray8 ? .gray8 : .rgb24
        if converter == nil || converter!.size != size || converter!.format != format {
            converter = FrameConverter(format: format, size: size, rotation: 0, path: input.path)
        }
        return Picture(copying: try converter!.convert(source))
    }

    /// Sends the next packet of the video stream, or the end of the stream.
    private func feedDecoder() throws(MediaError) {
        guard !sentEndOfStream else {
            throw MediaError(.decodeFailed, path: input.path, reason: "the decoder wants input after the end of the stream")
        }
        while true {
            let read = input.readPacket(packet.pointer)
            if read < 0 {
                // The end of the file, or a damaged tail: drain what the decoder holds.
                if read != cffmpeg_AVERROR_EOF() { unreadablePackets += 1 }
                try decoder.send(nil)
                sentEndOfStream = true
                return
            }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == input.videoStream.pointee.index else { continue }
            try decoder.send(packet)
            return
        }
    }
}
