import CFFmpeg

/// An opened decoder for one stream, video or audio: owns the `AVCodecContext`.
///
/// Damaged packets do not stop it: a packet the decoder rejects as invalid data is counted
/// in ``corruptPackets`` and decoding carries on with the next, as players do.
final class StreamDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    private let path: String

    /// Packets (or frames) the decoder rejected as invalid data.
    private(set) var corruptPackets = 0

    /// Opens the decoder for `stream`.
    ///
    /// - Parameter threads: decoding threads; 0 lets libav choose (one per core, plus one).
    ///   Each frame thread delays output by a frame, so latency-bound callers ask for few.
    init(stream: UnsafeMutablePointer<AVStream>, path: String, threads: Int = 0) throws(MediaError) {
        self.path = path
        let parameters: UnsafeMutablePointer<AVCodecParameters> = stream.pointee.codecpar
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError(.unsupported, path: path, reason: "this FFmpeg has no decoder for \(Libav.string(avcodec_get_name(parameters.pointee.codec_id)) ?? "the codec")",
                             libavCode: cffmpeg_AVERROR_DECODER_NOT_FOUND())
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError(.libavFailure, path: path, reason: "cannot allocate a decoder (out of memory)")
        }
        self.context = context
        var result = avcodec_parameters_to_context(context, parameters)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "configuring the decoder") }
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(threads)
        // Intra-only codecs (ProRes, DNxHD, JPEG) decode a frame's slices in parallel just as
        // well, without keeping a frame in flight per thread: at 1080p 4:2:2 10-bit that
        // saves 8 MB a thread.
        if let descriptor = avcodec_descriptor_get(parameters.pointee.codec_id),
            descriptor.pointee.props & AV_CODEC_PROP_INTRA_ONLY != 0, codec.pointee.capabilities & AV_CODEC_CAP_SLICE_THREADS != 0
        {
            context.pointee.thread_type = FF_THREAD_SLICE
        }
        result = avcodec_open2(context, codec, nil)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "opening the decoder") }
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&freeing)
    }

    /// What ``receive(_:)`` found.
    enum Output {
        /// A frame is in the frame passed in.
        case frame
        /// The decoder wants another packet.
        case needsPacket
        /// The decoder is drained.
        case endOfStream
    }

    /// Takes the next decoded frame, if one is ready, into `frame` (unreferenced first).
    func receive(_ frame: Frame) throws(MediaError) -> Output {
        while true {
            av_frame_unref(frame.pointer)
            let result = avcodec_receive_frame(context, frame.pointer)
            switch result {
            case 0: return .frame
            case cffmpeg_AVERROR_EAGAIN(): return .needsPacket
            case cffmpeg_AVERROR_EOF(): return .endOfStream
            case cffmpeg_AVERROR_INVALIDDATA():
                corruptPackets += 1  // a frame-threaded decoder reports a bad packet here
            default:
                throw MediaError(.decodeFailed, path: path, reason: "decoding failed: \(Libav.describe(result))",
                                 libavCode: result)
            }
        }
    }

    /// Sends `packet`, or the end of the stream when `nil`. A packet rejected as invalid
    /// data is counted and dropped.
    func send(_ packet: Packet?) throws(MediaError) {
        let result = avcodec_send_packet(context, packet?.pointer)
        if result >= 0 || result == cffmpeg_AVERROR_EOF() { return }
        if result == cffmpeg_AVERROR_INVALIDDATA() {
            corruptPackets += 1
            return
        }
        throw MediaError(.decodeFailed, path: path, reason: "the decoder refused a packet: \(Libav.describe(result))",
                         libavCode: result)
    }

    /// Forgets buffered frames and the end of the stream, after a seek.
    func flush() {
        avcodec_flush_buffers(context)
    }
}
