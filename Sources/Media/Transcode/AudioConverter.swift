import CFFmpeg
import FrameTime

/// Turns decoded audio of any format, rate and layout into the proxy's: planar float,
/// 48 kHz, stereo (downmixed or upmixed by libswresample), cut into the encoder's frame size
/// through an audio FIFO, as FFmpeg's `transcode_aac.c` does.
///
/// The audio is placed on the video's clock: if it starts after the first video frame the
/// gap is filled with silence, if before, the early samples are dropped, so sound stays in
/// sync with proxy frame 0.
final class AudioConverter {
    private let path: String
    private var resampler: OpaquePointer?
    private let fifo: OpaquePointer
    private let frameSize: Int
    private let converted = Frame()
    private let output = Frame()
    /// Samples still to drop (negative) or to fill with silence (positive) before the next ones.
    private var alignment: Int?
    private let videoStart: Rational
    private let inputTimeBase: Rational
    /// Samples handed to the encoder so far: the next frame's timestamp.
    private var samplesWritten: Int64 = 0

    static let sampleRate = Int(ProxyWriter.audioSampleRate)

    init(frameSize: Int, videoStart: Rational, inputTimeBase: Rational, path: String) throws(MediaError) {
        self.path = path
        self.frameSize = max(1, frameSize)
        self.videoStart = videoStart
        self.inputTimeBase = inputTimeBase
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, Int32(self.frameSize)) else {
            throw MediaError(.encodeFailed, path: path, reason: "cannot allocate the audio FIFO")
        }
        self.fifo = fifo
    }

    deinit {
        swr_free(&resampler)
        av_audio_fifo_free(fifo)
    }

    /// Converts a decoded frame and queues its samples.
    func push(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        if frame.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
            // "2 channels" with no order: give it the usual layout for its count so it can be mixed.
            let channels = frame.pointee.ch_layout.nb_channels
            av_channel_layout_uninit(&frame.pointee.ch_layout)
            av_channel_layout_default(&frame.pointee.ch_layout, channels)
        }
        if alignment == nil {
            alignment = startOffset(of: frame)
        }
        try convert(frame)
    }

    /// Flushes the resampler's delay and queues the rest.
    func finish() throws(MediaError) {
        guard resampler != nil else { return }
        try convert(nil)
    }

    /// The next full frame for the encoder (or, when `final`, whatever remains), or `nil`.
    func nextFrame(final: Bool = false) throws(MediaError) -> UnsafeMutablePointer<AVFrame>? {
        let available = Int(av_audio_fifo_size(fifo))
        guard available >= frameSize || (final && available > 0) else { return nil }
        let count = min(frameSize, available)
        let o = output.pointer
        av_frame_unref(o)
        o.pointee.nb_samples = Int32(count)
        o.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        o.pointee.sample_rate = ProxyWriter.audioSampleRate
        o.pointee.ch_layout = cffmpeg_AV_CHANNEL_LAYOUT_STEREO()
        let allocated = av_frame_get_buffer(o, 0)
        guard allocated >= 0 else { throw MediaError.libav(allocated, path: path, "allocating audio") }
        let read = withUnsafeMutablePointer(to: &o.pointee.data) {
            $0.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 8) { av_audio_fifo_read(fifo, $0, Int32(count)) }
        }
        guard read == count else { throw MediaError(.encodeFailed, path: path, reason: "the audio FIFO came up short") }
        o.pointee.pts = samplesWritten
        samplesWritten += Int64(count)
        return o
    }

    /// Samples between the video's first frame and this first audio frame, at 48 kHz.
    private func startOffset(of frame: UnsafeMutablePointer<AVFrame>) -> Int {
        let timestamp = frame.pointee.best_effort_timestamp
        guard timestamp != cffmpeg_AV_NOPTS_VALUE() else { return 0 }
        let seconds = Rational(timestamp) * inputTimeBase - videoStart
        return Int((seconds * Rational(Int64(AudioConverter.sampleRate))).rounded)
    }

    private func convert(_ input: UnsafeMutablePointer<AVFrame>?) throws(MediaError) {
        let c = converted.pointer
        av_frame_unref(c)
        c.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        c.pointee.sample_rate = ProxyWriter.audioSampleRate
        c.pointee.ch_layout = cffmpeg_AV_CHANNEL_LAYOUT_STEREO()
        if let input, resampler == nil || !matches(input) {
            swr_free(&resampler)
            resampler = swr_alloc()
            let configured = swr_config_frame(resampler, c, input)
            guard configured >= 0, swr_init(resampler) >= 0 else {
                throw MediaError(.unsupported, path: path, reason: "cannot convert this audio to 48 kHz stereo")
            }
            configuredInput = (input.pointee.format, input.pointee.sample_rate, input.pointee.ch_layout.nb_channels)
        }
        let result = swr_convert_frame(resampler, c, input)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "resampling audio") }
        var samples = Int(c.pointee.nb_samples)
        guard samples > 0 else { return }
        var offset = 0
        if let pending = alignment, pending != 0 {
            if pending > 0 {
                try writeSilence(pending)
                alignment = 0
            } else {
                let dropped = min(-pending, samples)
                offset = dropped
                samples -= dropped
                alignment = pending + dropped
            }
        }
        guard samples > 0 else { return }
        var planes: [UnsafeMutableRawPointer?] = [c.pointee.data.0.map { UnsafeMutableRawPointer($0 + offset * 4) },
                                                  c.pointee.data.1.map { UnsafeMutableRawPointer($0 + offset * 4) }]
        let written = av_audio_fifo_write(fifo, &planes, Int32(samples))
        guard written == samples else { throw MediaError(.encodeFailed, path: path, reason: "cannot queue audio") }
    }

    private var configuredInput: (Int32, Int32, Int32)?

    private func matches(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        guard let configuredInput else { return false }
        return configuredInput == (frame.pointee.format, frame.pointee.sample_rate, frame.pointee.ch_layout.nb_channels)
    }

    private func writeSilence(_ count: Int) throws(MediaError) {
        var silence = [Float](repeating: 0, count: count)
        let written = silence.withUnsafeMutableBytes { bytes -> Int32 in
            var planes: [UnsafeMutableRawPointer?] = [bytes.baseAddress, bytes.baseAddress]
            return av_audio_fifo_write(fifo, &planes, Int32(count))
        }
        guard written == count else { throw MediaError(.encodeFailed, path: path, reason: "cannot queue silence") }
    }
}
