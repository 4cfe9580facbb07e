import CFFmpeg
import FrameTime

/// A decoded frame: its index in display order, its timestamp, and its picture.
public struct DecodedFrame: Sendable {
    /// The frame's index from 0, in display order.
    public let index: Int
    /// The frame's presentation timestamp in ``timeBase`` units, when the stream has one.
    public let timestamp: Int64?
    public let timeBase: Rational
    public let picture: Picture
}

/// Decodes every frame of a movie, image sequence or still in display order, once each.
///
/// Frames an edit list hides are dropped by the decoder, as in playback, so the reader's
/// frame `k` is the probe's frame `k`. Packets the decoder rejects are counted in
/// ``corruptPackets`` and skipped; one bad packet does not end the read.
public final class VideoFrameReader {
    private let input: MediaInput
    private let decoder: VideoDecoder
    private let scaler = PictureScaler()
    private let packet = Packet()
    private let frame = Frame()
    private var sentEndOfStream = false
    private var nextIndex = 0

    /// Packets the decoder could not decode.
    public private(set) var corruptPackets = 0

    /// Opens `path` for decoding.
    ///
    /// - Parameter timeout: bounds opening the file; decoding itself runs as long as the media.
    public init(_ path: String, sequenceRate: FrameRate = .fps24, timeout: Duration = .seconds(60)) throws(MediaError) {
        let source = try MediaSource.resolve(path)
        input = try MediaInput(source, sequenceRate: sequenceRate, timeout: timeout)
        input.format.resetTimeout(nil)
        decoder = try VideoDecoder(stream: input.videoStream, path: input.path)
    }

    /// The next frame as a `layout` picture `width` pixels wide (stored width when `nil`), or
    /// `nil` after the last frame.
    public func next(_ layout: Picture.Layout = .rgb24, width: Int? = nil) throws(MediaError) -> DecodedFrame? {
        let context = decoder.context
        while true {
            let received = avcodec_receive_frame(context, frame.pointer)
            if received == 0 {
                defer { av_frame_unref(frame.pointer) }
                guard let picture = scaler.picture(from: frame.pointer, layout: layout, width: width) else {
                    throw MediaError(.decodeFailed, path: input.path, reason: "cannot convert frame \(nextIndex) to \(layout)")
                }
                let timestamp = frame.pointer.pointee.best_effort_timestamp
                defer { nextIndex += 1 }
                return DecodedFrame(index: nextIndex, timestamp: timestamp == cffmpeg_AV_NOPTS_VALUE() ? nil : timestamp,
                                    timeBase: input.timeBase, picture: picture)
            }
            if received == cffmpeg_AVERROR_EOF() { return nil }
            guard received == cffmpeg_AVERROR_EAGAIN() else {
                throw MediaError(.decodeFailed, path: input.path,
                                 reason: "decoding failed after frame \(nextIndex): \(Libav.describe(received))",
                                 libavCode: received)
            }
            try feedDecoder()
        }
    }

    /// Sends the next packet of the video stream, or the end of the stream.
    private func feedDecoder() throws(MediaError) {
        guard !sentEndOfStream else {
            throw MediaError(.decodeFailed, path: input.path, reason: "the decoder wants input after the end of the stream")
        }
        while true {
            let read = av_read_frame(input.format.pointer, packet.pointer)
            if read < 0 {
                // The end of the file, or a damaged tail: drain what the decoder holds.
                if read != cffmpeg_AVERROR_EOF() { corruptPackets += 1 }
                avcodec_send_packet(decoder.context, nil)
                sentEndOfStream = true
                return
            }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == input.videoStream.pointee.index else { continue }
            let sent = avcodec_send_packet(decoder.context, packet.pointer)
            if sent == 0 { return }
            if sent == cffmpeg_AVERROR_INVALIDDATA() {
                corruptPackets += 1
                continue
            }
            throw MediaError(.decodeFailed, path: input.path, reason: "the decoder refused a packet: \(Libav.describe(sent))",
                             libavCode: sent)
        }
    }
}
