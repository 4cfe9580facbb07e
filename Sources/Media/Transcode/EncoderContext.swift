import CFFmpeg

/// An opened encoder: owns the `AVCodecContext`.
final class EncoderContext {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>

    /// Allocates the encoder called `name` (libav's name, such as `libx264`), for
    /// `configure` to set up before ``open(options:path:)``.
    init(name: String, path: String) throws(MediaError) {
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaError(.encodeFailed, path: path, reason: "this FFmpeg has no \(name) encoder")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError(.encodeFailed, path: path, reason: "cannot allocate the \(name) encoder")
        }
        self.codec = codec
        self.context = context
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&freeing)
    }

    /// Opens the encoder with private `options` (such as x264's `preset`).
    func open(options: [String: String], path: String) throws(MediaError) {
        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&dictionary, key, value, 0)
        }
        let result = avcodec_open2(context, codec, &dictionary)
        guard result >= 0 else {
            throw MediaError(.encodeFailed, path: path,
                             reason: "cannot open the \(Libav.string(codec.pointee.name) ?? "") encoder: \(Libav.describe(result))",
                             libavCode: result)
        }
    }
}
