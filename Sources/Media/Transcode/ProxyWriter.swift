import CFFmpeg
import FrameTime

/// Writes the review proxy: H.264 High 4:2:0 video and AAC-LC stereo audio in an MP4 that
/// starts playing before it has fully loaded.
///
/// Frame `k` of the proxy is given presentation timestamp `k` at the proxy's constant rate,
/// so proxy frame k is exactly the source frame the caller hands in as frame k. Keyframes
/// come at the profile's interval (at most a second), every GOP is closed and scene cuts add
/// none, so a player seeking anywhere decodes at most that many frames.
final class ProxyWriter {
    private let path: String
    private var output: UnsafeMutablePointer<AVFormatContext>?
    private let video: EncoderContext
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audio: EncoderContext?
    private let audioStream: UnsafeMutablePointer<AVStream>?
    private let packet = Packet()

    /// The audio encoder's samples per frame (AAC: 1024), when there is audio.
    var audioFrameSize: Int? { audio.map { Int($0.context.pointee.frame_size) } }

    struct Settings {
        let size: PictureSize
        let rate: FrameRate
        let profile: ProxyProfile
        let colorPrimaries: AVColorPrimaries
        let colorTransfer: AVColorTransferCharacteristic
        let colorSpace: AVColorSpace
        let startTimecode: Timecode?
        let hasAudio: Bool
    }

    /// Sample rate and layout of the proxy's audio.
    static let audioSampleRate: Int32 = 48000

    init(path: String, settings: Settings) throws(MediaError) {
        self.path = path
        var context: UnsafeMutablePointer<AVFormatContext>?
        var result = avformat_alloc_output_context2(&context, nil, "mp4", path)
        guard result >= 0, let context else { throw MediaError.libav(result, path: path, "creating the MP4 muxer") }
        output = context
        let needsGlobalHeader = context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0

        // Video: libx264, High profile, closed GOPs of the profile's length, no scene-cut keyframes.
        video = try EncoderContext(name: "libx264", path: path)
        let v = video.context
        let rate = settings.rate.framesPerSecond
        v.pointee.width = Int32(settings.size.width)
        v.pointee.height = Int32(settings.size.height)
        v.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        v.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        v.pointee.time_base = AVRational(num: Int32(rate.denominator), den: Int32(rate.numerator))
        v.pointee.framerate = AVRational(num: Int32(rate.numerator), den: Int32(rate.denominator))
        let gop = Int32(settings.profile.keyframeDistance(at: settings.rate))
        v.pointee.gop_size = gop
        v.pointee.keyint_min = gop
        v.pointee.flags |= Int32(bitPattern: AV_CODEC_FLAG_CLOSED_GOP)
        v.pointee.color_primaries = settings.colorPrimaries
        v.pointee.color_trc = settings.colorTransfer
        v.pointee.colorspace = settings.colorSpace
        v.pointee.color_range = AVCOL_RANGE_MPEG
        v.pointee.thread_count = 0
        if needsGlobalHeader { v.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try video.open(options: [
            "preset": settings.profile.preset, "crf": String(settings.profile.crf), "profile": "high",
            // A strict B-pyramid keeps P-frames from referring to B-frames, so frame grabs can
            // skip B-frames on the way to their target (see X264Settings).
            "x264-params": "scenecut=0:open-gop=0:keyint=\(gop):min-keyint=\(gop):b-pyramid=strict",
        ], path: path)
        guard let videoStream = avformat_new_stream(context, nil) else {
            throw MediaError(.encodeFailed, path: path, reason: "cannot add the video stream")
        }
        self.videoStream = videoStream
        result = avcodec_parameters_from_context(videoStream.pointee.codecpar, v)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "describing the video stream") }
        videoStream.pointee.time_base = v.pointee.time_base
        videoStream.pointee.avg_frame_rate = v.pointee.framerate
        videoStream.pointee.r_frame_rate = v.pointee.framerate
        if let timecode = settings.startTimecode {
            // The MP4 muxer writes a tmcd track for a video stream with this tag.
            av_dict_set(&videoStream.pointee.metadata, "timecode", timecode.description, 0)
        }

        // Audio: AAC-LC, 48 kHz stereo.
        if settings.hasAudio {
            let audio = try EncoderContext(name: "aac", path: path)
            let a = audio.context
            a.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
            a.pointee.sample_rate = ProxyWriter.audioSampleRate
            a.pointee.ch_layout = cffmpeg_AV_CHANNEL_LAYOUT_STEREO()
            a.pointee.bit_rate = Int64(settings.profile.audioBitRate)
            a.pointee.time_base = AVRational(num: 1, den: ProxyWriter.audioSampleRate)
            a.pointee.profile = FF_PROFILE_AAC_LOW
            if needsGlobalHeader { a.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            try audio.open(options: [:], path: path)
            guard let audioStream = avformat_new_stream(context, nil) else {
                throw MediaError(.encodeFailed, path: path, reason: "cannot add the audio stream")
            }
            result = avcodec_parameters_from_context(audioStream.pointee.codecpar, a)
            guard result >= 0 else { throw MediaError.libav(result, path: path, "describing the audio stream") }
            audioStream.pointee.time_base = a.pointee.time_base
            self.audio = audio
            self.audioStream = audioStream
        } else {
            audio = nil
            audioStream = nil
        }

        result = avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "creating the proxy file") }
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        av_dict_set(&options, "movflags", "+faststart", 0)
        result = avformat_write_header(context, &options)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "writing the MP4 header") }
    }

    deinit {
        // An unfinished proxy is abandoned, not finished: its staging folder is removed.
        guard let output else { return }
        avio_closep(&output.pointee.pb)
        avformat_free_context(output)
    }

    /// Encodes `frame` (4:2:0, the proxy's size) as proxy frame `index`.
    func writeVideo(_ frame: UnsafeMutablePointer<AVFrame>, index: Int) throws(MediaError) {
        frame.pointee.pts = Int64(index)
        frame.pointee.pict_type = AV_PICTURE_TYPE_NONE
        let result = avcodec_send_frame(video.context, frame)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "encoding proxy frame \(index)") }
        try drain(video, to: videoStream)
    }

    /// Encodes `frame` (planar float, 48 kHz stereo, `pts` in samples).
    func writeAudio(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        guard let audio, let audioStream else { return }
        let result = avcodec_send_frame(audio.context, frame)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "encoding audio") }
        try drain(audio, to: audioStream)
    }

    /// Flushes both encoders and finishes the file (moving the index to the front).
    func finish() throws(MediaError) {
        for (encoder, stream) in [(video, videoStream)] + (audio.map { [($0, audioStream!)] } ?? []) {
            avcodec_send_frame(encoder.context, nil)
            try drain(encoder, to: stream)
        }
        guard let output else { return }
        let result = av_write_trailer(output)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "finishing the MP4") }
        avio_closep(&output.pointee.pb)
    }

    private func drain(_ encoder: EncoderContext, to stream: UnsafeMutablePointer<AVStream>) throws(MediaError) {
        while true {
            let received = avcodec_receive_packet(encoder.context, packet.pointer)
            if received == cffmpeg_AVERROR_EAGAIN() || received == cffmpeg_AVERROR_EOF() { return }
            guard received >= 0 else { throw MediaError.libav(received, path: path, "encoding") }
            packet.pointer.pointee.stream_index = stream.pointee.index
            av_packet_rescale_ts(packet.pointer, encoder.context.pointee.time_base, stream.pointee.time_base)
            let written = av_interleaved_write_frame(output, packet.pointer)
            guard written >= 0 else {
                if written == cffmpeg_AVERROR(ENOSPC) {
                    throw MediaError(.encodeFailed, path: path, reason: "the disk is full", libavCode: written)
                }
                throw MediaError.libav(written, path: path, "writing the proxy")
            }
        }
    }
}
