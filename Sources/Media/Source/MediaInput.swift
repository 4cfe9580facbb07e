import CFFmpeg
import FrameTime

/// A ``MediaSource`` opened with libav, with its video stream chosen.
///
/// The probe and the decoders open media through this one type, so a path means the same
/// frames to all of them and every open failure gets the same clear error. An image
/// sequence opens its first file for the stream's parameters and reads its files through
/// ``SequencePackets``, so its gaps keep their frames.
final class MediaInput {
    let source: MediaSource
    let format: InputFormatContext
    /// The reviewed video stream.
    let videoStream: UnsafeMutablePointer<AVStream>
    /// The rate given to image sequences and stills, which carry none of their own.
    let sequenceRate: FrameRate
    /// An image sequence's files, read in place of the demuxer's packets.
    let sequencePackets: SequencePackets?

    /// Opens `source` and picks its video stream, under a time bound of `timeout`.
    init(_ source: MediaSource, sequenceRate: FrameRate, timeout: Duration?) throws(MediaError) {
        self.source = source
        self.sequenceRate = sequenceRate
        let path = source.displayPath
        var opened = path
        var demuxer: String?
        var options: [String: String] = [:]
        switch source {
        case .movie:
            break
        case .imageSequence(let sequence):
            // The first file tells the stream's codec and picture; SequencePackets reads them all.
            opened = sequence.path(number: sequence.fileNumber(atOrAfter: sequence.firstNumber)!)
            demuxer = "image2"
            options = ["framerate": sequenceRate.description, "pattern_type": "none"]
        case .still:
            demuxer = "image2"
            options = ["framerate": sequenceRate.description, "pattern_type": "none"]
        }
        do {
            // The file: protocol keeps a colon in a file name from being read as a protocol.
            format = try InputFormatContext(url: "file:" + opened, format: demuxer, options: options, timeout: timeout)
        } catch {
            throw MediaInput.classify(error, source: source)
        }
        videoStream = try MediaInput.chooseVideoStream(format, path: path)
        if case .imageSequence(let sequence) = source {
            sequencePackets = SequencePackets(sequence, rate: sequenceRate, stream: videoStream)
        } else {
            sequencePackets = nil
        }
    }

    /// Gives a failed open its meaning for this file.
    private static func classify(_ failure: LibavCallFailure, source: MediaSource) -> MediaError {
        let path = source.displayPath
        let code = failure.code
        let libavReason = Libav.describe(code)
        switch code {
        case cffmpeg_AVERROR_EXIT():
            return .libav(code, path: path, failure.operation)
        case cffmpeg_AVERROR(ENOENT):
            return MediaError(.fileNotFound, path: path, reason: "no such file", libavCode: code)
        case cffmpeg_AVERROR(EACCES), cffmpeg_AVERROR(EPERM):
            return MediaError(.permissionDenied, path: path, reason: "permission denied", libavCode: code)
        default:
            break
        }
        if case .movie(let moviePath) = source, let cut = QuickTimeAtoms.truncation(at: moviePath) {
            return MediaError(
                .truncated, path: path,
                reason: "the file is cut short: its '\(cut.boxType)' box runs to byte \(cut.declaredEnd) but the file "
                    + "ends at byte \(cut.fileSize) (an interrupted copy or render?)",
                libavCode: code)
        }
        if code == cffmpeg_AVERROR_INVALIDDATA() || code == cffmpeg_AVERROR_DEMUXER_NOT_FOUND() {
            return MediaError(.notMedia, path: path,
                              reason: "not a media file FFmpeg can read (\(failure.operation): \(libavReason))",
                              libavCode: code)
        }
        if code == cffmpeg_AVERROR_PATCHWELCOME() || code == cffmpeg_AVERROR(ENOSYS) {
            return MediaError(.unsupported, path: path,
                              reason: "uses a feature FFmpeg does not support (\(libavReason))", libavCode: code)
        }
        return .libav(code, path: path, failure.operation)
    }

    /// The stream to review: the video stream with the largest picture, preferring the one
    /// marked default, never cover art.
    private static func chooseVideoStream(_ format: InputFormatContext, path: String)
        throws(MediaError) -> UnsafeMutablePointer<AVStream>
    {
        let streams = format.streams
        let pictures = streams.filter {
            $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                && $0.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
        }
        guard let chosen = pictures.max(by: { a, b in
            let isDefault = { (s: UnsafeMutablePointer<AVStream>) in s.pointee.disposition & AV_DISPOSITION_DEFAULT != 0 }
            if isDefault(a) != isDefault(b) { return !isDefault(a) }
            let area = { (s: UnsafeMutablePointer<AVStream>) in Int(s.pointee.codecpar.pointee.width) * Int(s.pointee.codecpar.pointee.height) }
            return area(a) < area(b)
        }) else {
            let audio = streams.filter { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
            if audio.isEmpty && streams.isEmpty {
                throw MediaError(.notMedia, path: path, reason: "FFmpeg found no streams in the file")
            }
            let kinds = audio.isEmpty ? "no picture" : "only audio (\(audio.count) stream\(audio.count == 1 ? "" : "s"))"
            throw MediaError(.unsupported, path: path, reason: "has no video stream to review: \(kinds)",
                             libavCode: cffmpeg_AVERROR_STREAM_NOT_FOUND())
        }
        let parameters = chosen.pointee.codecpar.pointee
        let codecName = Libav.string(avcodec_get_name(parameters.codec_id)) ?? "unknown"
        guard parameters.codec_id != AV_CODEC_ID_NONE else {
            throw MediaError(.unsupported, path: path, reason: "the video codec is not one FFmpeg knows")
        }
        guard avcodec_find_decoder(parameters.codec_id) != nil else {
            throw MediaError(.unsupported, path: path, reason: "this FFmpeg has no decoder for \(codecName) video",
                             libavCode: cffmpeg_AVERROR_DECODER_NOT_FOUND())
        }
        guard parameters.width > 0, parameters.height > 0 else {
            throw MediaError(.unsupported, path: path,
                             reason: "FFmpeg could not read the picture size of the \(codecName) video stream")
        }
        return chosen
    }

    /// Seeks the video stream to the keyframe at or before `timestamp` (stream time base),
    /// or to its start when `nil`.
    func rewind(to timestamp: Int64?) throws(MediaError) {
        if let sequencePackets {
            sequencePackets.rewind(to: timestamp)
            return
        }
        let stream = videoStream.pointee.index
        let start = videoStream.pointee.start_time
        let target = timestamp ?? (start != cffmpeg_AV_NOPTS_VALUE() ? start : 0)
        if avformat_seek_file(format.pointer, stream, .min, target, target, 0) >= 0 { return }
        // Some demuxers only seek backwards from a time; that serves as well.
        let result = av_seek_frame(format.pointer, stream, target, AVSEEK_FLAG_BACKWARD)
        guard result >= 0 else { throw MediaError.libav(result, path: path, "seeking") }
    }

    /// Reads the video stream's packets in file order, leaving the other streams unread
    /// where the demuxer allows, until `body` returns false or reading ends.
    ///
    /// - Returns: what ended the reading: 0 when `body` stopped it, `AVERROR_EOF` at the end
    ///   of the file, or libav's error.
    @discardableResult
    func readVideoPackets(_ body: (UnsafeMutablePointer<AVPacket>) throws(MediaError) -> Bool) throws(MediaError) -> Int32 {
        let videoIndex = videoStream.pointee.index
        let others = format.streams.filter { $0.pointee.index != videoIndex }
        let previous = others.map { $0.pointee.discard }
        for stream in others { stream.pointee.discard = AVDISCARD_ALL }
        defer {
            for (stream, discard) in zip(others, previous) { stream.pointee.discard = discard }
        }
        let packet = Packet()
        while true {
            let result = readPacket(packet.pointer)
            if result == cffmpeg_AVERROR_EAGAIN() { continue }
            if result < 0 { return result }
            defer { av_packet_unref(packet.pointer) }
            if packet.pointer.pointee.stream_index == videoIndex, try !body(packet.pointer) { return 0 }
        }
    }

    /// Reads the next packet of the file (of any stream), or an image sequence's next file:
    /// 0, or libav's error (`AVERROR_EOF` at the end).
    func readPacket(_ packet: UnsafeMutablePointer<AVPacket>) -> Int32 {
        sequencePackets?.nextPacket(into: packet) ?? av_read_frame(format.pointer, packet)
    }

    var path: String { source.displayPath }
    var videoStreamIndex: Int { Int(videoStream.pointee.index) }
    var timeBase: Rational { videoStream.pointee.time_base.rational ?? Rational(1, 90000) }
}
