import CFFmpeg

/// An opened video decoder for one stream: owns the `AVCodecContext`.
final class VideoDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>

    /// Opens the decoder for `stream`, with as many threads as libav thinks useful.
    init(stream: UnsafeMutablePointer<AVStream>, path: String) throws(MediaError) {
        let parameters: UnsafeMutablePointer<AVCodecParameters> = stream.pointee.codecpar
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError(.unsupported, path: path, reason: "this FFmpeg has no decoder for the video codec",
                             libavCode: cffmpeg_AVERROR_DECODER_NOT_FOUND())
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError(.libavFailure, path: path, reason: "cannot allocate a decoder (out of memory)")
        }
        self.context = context
        var result = avcodec_parameters_to_context(context, parameters)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "configuring the decoder") }
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = 0
        result = avcodec_open2(context, codec, nil)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "opening the decoder") }
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&freeing)
    }

    /// Forgets buffered frames, after a seek.
    func flush() {
        avcodec_flush_buffers(context)
    }
}
