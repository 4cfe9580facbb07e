import CFFmpeg

/// A libav call that returned an error code, before it is given meaning for a file.
struct LibavCallFailure: Error {
    let code: Int32
    let operation: String
}

/// An opened input: owns the `AVFormatContext` and closes it on deinit.
///
/// Opening reads the header and then up to libav's probe size of packets to learn each
/// stream's parameters (`avformat_find_stream_info`), all under one time bound.
final class InputFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private let interrupt: InterruptDeadline

    /// Opens `url`, with the demuxer named `format` (libav's name, such as `image2`) or by
    /// probing when `nil`, and demuxer `options`.
    init(url: String, format: String? = nil, options: [String: String] = [:], timeout: Duration?)
        throws(LibavCallFailure)
    {
        let interrupt = InterruptDeadline(timeout: timeout)
        guard let allocated = avformat_alloc_context() else {
            throw LibavCallFailure(code: cffmpeg_AVERROR(ENOMEM), operation: "allocating a format context")
        }
        allocated.pointee.interrupt_callback = interrupt.callback
        var context: UnsafeMutablePointer<AVFormatContext>? = allocated

        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&dictionary, key, value, 0)
        }
        let inputFormat = format.flatMap { av_find_input_format($0) }
        if format != nil && inputFormat == nil {
            avformat_free_context(allocated)
            throw LibavCallFailure(code: cffmpeg_AVERROR_DEMUXER_NOT_FOUND(), operation: "finding the \(format!) demuxer")
        }
        // On failure avformat_open_input frees the context and sets it to NULL.
        let opened = avformat_open_input(&context, url, inputFormat, &dictionary)
        guard opened >= 0, let context else {
            throw LibavCallFailure(code: opened, operation: "opening")
        }
        let analysed = avformat_find_stream_info(context, nil)
        if analysed < 0 {
            var closing: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&closing)
            throw LibavCallFailure(code: analysed, operation: "reading stream parameters")
        }
        self.pointer = context
        self.interrupt = interrupt
    }

    deinit {
        var closing: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&closing)
    }

    /// Starts a new time bound for the reads that follow, or removes it.
    func resetTimeout(_ timeout: Duration?) {
        interrupt.reset(timeout: timeout)
    }

    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(pointer.pointee.nb_streams)).compactMap { pointer.pointee.streams[$0] }
    }

    /// The demuxer's short name list, such as `mov,mp4,m4a,3gp,3g2,mj2`.
    var formatName: String { Libav.string(pointer.pointee.iformat.pointee.name) ?? "unknown" }

    /// The demuxer's long name, such as `QuickTime / MOV`.
    var formatLongName: String? { Libav.string(pointer.pointee.iformat.pointee.long_name) }

    /// The value of `key` in the container's metadata.
    func metadata(_ key: String) -> String? {
        Libav.string(av_dict_get(pointer.pointee.metadata, key, nil, 0)?.pointee.value)
    }
}

extension UnsafeMutablePointer where Pointee == AVStream {
    /// The value of `key` in this stream's metadata.
    func metadata(_ key: String) -> String? {
        Libav.string(av_dict_get(pointee.metadata, key, nil, 0)?.pointee.value)
    }
}

/// An `AVPacket`, freed on deinit. Reused across reads: each read unreferences the last.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = packet
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&freeing)
    }
}
