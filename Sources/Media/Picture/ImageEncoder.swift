import CFFmpeg

/// A still image file format Dailies writes.
public enum ImageFormat: Sendable, Hashable {
    /// JPEG at a libav quality scale: 2 (best) to 31.
    case jpeg(quality: Int)
    case png

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        }
    }

    /// The pixel format its encoder takes.
    var converterFormat: FrameConverter.OutputFormat {
        switch self {
        case .jpeg: .yuvj420p
        case .png: .rgb24
        }
    }
}

/// Encodes one frame as a JPEG or PNG file's bytes with libavcodec's image encoders.
enum ImageEncoder {
    /// The bytes of `frame` (in ``ImageFormat/converterFormat``) as `format`.
    static func encode(_ frame: UnsafeMutablePointer<AVFrame>, as format: ImageFormat, path: String) throws(MediaError) -> [UInt8] {
        let codecID: AVCodecID = switch format {
        case .jpeg: AV_CODEC_ID_MJPEG
        case .png: AV_CODEC_ID_PNG
        }
        guard let codec = avcodec_find_encoder(codecID), let context = avcodec_alloc_context3(codec) else {
            throw MediaError(.encodeFailed, path: path, reason: "this FFmpeg has no \(format.fileExtension) encoder")
        }
        defer {
            var freeing: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&freeing)
        }
        context.pointee.width = frame.pointee.width
        context.pointee.height = frame.pointee.height
        context.pointee.pix_fmt = AVPixelFormat(rawValue: frame.pointee.format)
        context.pointee.time_base = AVRational(num: 1, den: 25)
        context.pointee.color_range = frame.pointee.color_range
        context.pointee.colorspace = frame.pointee.colorspace
        if case .jpeg(let quality) = format {
            let lambda = Int32(max(2, min(31, quality))) * FF_QP2LAMBDA
            context.pointee.flags |= AV_CODEC_FLAG_QSCALE
            context.pointee.global_quality = lambda
            frame.pointee.quality = lambda
        }
        var opened = avcodec_open2(context, codec, nil)
        guard opened >= 0 else { throw MediaError.libav(opened, path: path, "opening the \(format.fileExtension) encoder") }
        frame.pointee.pts = 0
        opened = avcodec_send_frame(context, frame)
        guard opened >= 0 else { throw MediaError.libav(opened, path: path, "encoding a \(format.fileExtension) image") }
        avcodec_send_frame(context, nil)
        let packet = Packet()
        var bytes: [UInt8] = []
        while avcodec_receive_packet(context, packet.pointer) == 0 {
            bytes += UnsafeBufferPointer(start: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
            av_packet_unref(packet.pointer)
        }
        guard !bytes.isEmpty else {
            throw MediaError(.encodeFailed, path: path, reason: "the \(format.fileExtension) encoder produced nothing")
        }
        return bytes
    }
}
