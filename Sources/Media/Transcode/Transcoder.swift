import CFFmpeg
import Foundation
import FrameTime

/// Settings for ``Transcoder``.
public struct TranscodeOptions: Sendable, Hashable {
    public var profile: ProxyProfile
    public var probe: ProbeOptions

    public init(profile: ProxyProfile = .review1080, probe: ProbeOptions = ProbeOptions()) {
        self.profile = profile
        self.probe = probe
    }
}

/// Makes every review output of a piece of media in one pass: each frame is decoded once
/// and handed to the proxy encoder, the poster and the filmstrip.
///
/// Movies and image sequences get an H.264 proxy, a poster, a filmstrip with its index, and
/// the frame map; a still gets a review-size image instead of a proxy. Everything is written
/// into a staging folder and moved into the output folder only when the whole run succeeded.
///
/// The proxy has exactly the source's frames in the source's order. A source frame that
/// cannot be decoded is replaced by the frame before it (and listed in the manifest), so
/// proxy frame k still shows source frame k everywhere else. A frame of an image sequence
/// with no file is filled as the sequence's ``GapFill`` says, and the frame map marks it.
public enum Transcoder {
    /// The version of what the transcoder makes of the same source and settings. Raise it
    /// whenever a change makes different pictures (a new transform, another encoder setting),
    /// so a reprocess knows that outputs made before are out of date.
    ///
    /// 2: display transforms (linear, log and HDR sources) and alpha composited.
    public static let pipelineVersion = 2

    /// Transcodes `source` into `outputDirectory`.
    ///
    /// - Parameters:
    ///   - cancellation: raise it to stop; nothing is left behind and ``MediaError/Code/cancelled`` is thrown.
    ///   - progress: called after every frame, on the calling thread.
    public static func transcode(
        _ source: String, to outputDirectory: String, options: TranscodeOptions = TranscodeOptions(),
        cancellation: CancellationFlag? = nil, progress: ((TranscodeProgress) -> Void)? = nil
    ) throws(MediaError) -> TranscodeManifest {
        let mediaSource = try MediaSource.resolve(source, sequence: options.probe.sequence)
        let info = try MediaProbe.probe(mediaSource, options: options.probe)
        let run = try TranscodeRun(info: info, source: source, mediaSource: mediaSource, outputDirectory: outputDirectory,
                                   options: options, cancellation: cancellation, progress: progress)
        return try run.run()
    }
}

/// The state of one transcode.
private final class TranscodeRun {
    let info: MediaInfo
    let source: String
    let profile: ProxyProfile
    let staging: OutputStaging
    let input: MediaInput
    let videoDecoder: StreamDecoder
    /// Makes the decoded pictures display-referred before any output sees them; `nil` when
    /// they are already.
    let display: DisplayTransformer?
    let audioStream: UnsafeMutablePointer<AVStream>?
    let audioDecoder: StreamDecoder?
    let audioConverter: AudioConverter?
    /// Released once finished, so x264's pictures are gone before the JPEGs are made.
    var proxy: ProxyWriter?
    let proxyConverter: FrameConverter?
    let proxySize: PictureSize
    let posterIndex: Int
    let posterConverter: FrameConverter
    let filmstrip: FilmstripBuilder
    let cancellation: CancellationFlag?
    let progress: ((TranscodeProgress) -> Void)?
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    /// Slates and black frames for a sequence's gaps, made when first needed.
    lazy var gapPicture = GapPicture()
    /// The poster's frame and size once it has passed; its picture is the poster
    /// converter's last output, encoded at the end (see ``finish(corruptPackets:)``).
    var poster: TranscodeManifest.Image?
    var nextFrame = 0
    var repeatedFrames: [Int] = []
    var warnings: [String] = []

    init(info: MediaInfo, source: String, mediaSource: MediaSource, outputDirectory: String, options: TranscodeOptions,
         cancellation: CancellationFlag?, progress: ((TranscodeProgress) -> Void)?) throws(MediaError) {
        self.info = info
        self.source = source
        self.profile = options.profile
        self.cancellation = cancellation
        self.progress = progress
        started = clock.now
        warnings = info.warnings

        input = try MediaInput(mediaSource, sequenceRate: options.probe.sequenceRate, timeout: options.probe.timeout)
        input.format.resetTimeout(nil)
        videoDecoder = try StreamDecoder(stream: input.videoStream, path: input.path)
        let parameters = input.videoStream.pointee.codecpar.pointee
        display = DisplayTransformer.make(
            info.video.displayTransform ?? .none, pixelFormat: AVPixelFormat(rawValue: parameters.format),
            alphaBackground: info.video.alphaBackground ?? .grey, stream: input.videoStream, path: input.path)
        staging = try OutputStaging(destination: outputDirectory)

        let geometry = DisplayGeometry(info.video)
        let frameCount = info.video.frameCount
        proxySize = geometry.size(longEdge: profile.longEdge, even: true)
        posterIndex = profile.poster.index(frameCount: frameCount)
        posterConverter = FrameConverter(format: .yuvj420p, size: geometry.size(longEdge: profile.longEdge, even: true),
                                         rotation: geometry.rotation, path: input.path)
        filmstrip = try FilmstripBuilder(frameCount: frameCount, geometry: geometry, profile: profile,
                                         imageName: TranscodeManifest.FileName.filmstrip, path: input.path)

        if info.kind == .still {
            proxy = nil
            proxyConverter = nil
            audioStream = nil
            audioDecoder = nil
            audioConverter = nil
            return
        }

        let audioStreams = input.format.streams.filter { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
        let chosenAudio = audioStreams.first { $0.pointee.disposition & AV_DISPOSITION_DEFAULT != 0 } ?? audioStreams.first
        if audioStreams.count > 1, let chosenAudio {
            warnings.append("the proxy carries audio stream \(chosenAudio.pointee.index) of \(audioStreams.count)")
        }
        var audioDecoder: StreamDecoder?
        if let chosenAudio {
            do {
                audioDecoder = try StreamDecoder(stream: chosenAudio, path: input.path)
            } catch {
                warnings.append("the audio cannot be decoded, so the proxy has none: \(error.reason)")
            }
        }
        self.audioDecoder = audioDecoder
        audioStream = audioDecoder == nil ? nil : chosenAudio

        let converter = FrameConverter(format: .yuv420p, size: proxySize, rotation: geometry.rotation, path: input.path)
        proxyConverter = converter
        // Tag the proxy with the matrix the converter will use, and with what the transform makes.
        let space = FrameConverter.yuvMatrix(
            tagged: parameters.color_space,
            sourceFormat: display == nil ? AVPixelFormat(rawValue: parameters.format) : DisplayTransformer.workingFormat,
            sourceSize: PictureSize(width: Int(parameters.width), height: Int(parameters.height)), outputSize: proxySize)
        let tags = display?.transform.outputTags ?? (parameters.color_primaries, parameters.color_trc)
        let proxy = try ProxyWriter(
            path: staging.path(TranscodeManifest.FileName.proxy),
            settings: .init(size: proxySize, rate: info.frameMap.rate, profile: profile,
                            colorPrimaries: tags.primaries, colorTransfer: tags.transfer,
                            colorSpace: space, startTimecode: info.startTimecode, hasAudio: audioDecoder != nil))
        self.proxy = proxy
        if let frameSize = proxy.audioFrameSize, let chosenAudio {
            audioConverter = try AudioConverter(
                frameSize: frameSize, videoStart: info.frameMap.startTime,
                inputTimeBase: chosenAudio.pointee.time_base.rational ?? Rational(1, 48000), path: input.path)
        } else {
            audioConverter = nil
        }
    }

    /// Frames waiting between the stages: enough to keep both busy through a slow frame,
    /// few enough to cost little memory (a 1080p proxy picture is 3 MB, and each one
    /// waiting is a buffer the converter cannot reuse). Measured on the bench's 1080p ProRes
    /// (release, 2 cores, medians of 5): 1, 2 and 3 gave 11.35, 11.13 and 11.44 s, all at
    /// 285 MiB; the same, within the machine's noise.
    static let handOffCapacity = 2

    /// Runs the two stages: decoding, on a thread of its own, and the outputs, on the
    /// calling thread, joined by a bounded ``FrameHandOff``.
    ///
    /// The decoding stage demuxes, decodes, places each frame on the frame map and makes
    /// the proxy's picture (display transform, scale, colour conversion, turn), and the
    /// poster and the filmstrip's tiles from the same display-referred frame. The output
    /// stage encodes and muxes the proxy's pictures (x264 on its own threads) and the
    /// audio. So decoding and scaling the next frames overlap the encoding of this one, and
    /// both cores stay busy.
    func run() throws(MediaError) -> TranscodeManifest {
        let handOff = FrameHandOff(capacity: Self.handOffCapacity)
        let decoding = UncheckedTransfer(value: self)
        let decoder = StageThread(name: "dailies-transcode-decode") {
            Result { () throws(MediaError) -> Int in
                defer { handOff.finish() }
                return try decoding.value.decode(into: handOff)
            }
        }
        let written = Result { () throws(MediaError) in try writeOutputs(from: handOff) }
        if case .failure = written { handOff.close() }
        // The decoding stage is joined before anything else it uses is touched.
        let decoded = decoder.join()
        do {
            try written.get()
            let unreadable = try decoded.get()
            if proxy == nil {
                // A still's one frame went nowhere near the output stage.
                progress?(TranscodeProgress(framesDone: nextFrame, totalFrames: info.video.frameCount, elapsed: clock.now - started))
            }
            if audioDecoder != nil {
                try audioConverter?.finish()
                try encodeAudio(final: true)
            }
            try checkCancelled()
            return try finish(corruptPackets: videoDecoder.corruptPackets + (audioDecoder?.corruptPackets ?? 0) + unreadable)
        } catch {
            if error.code == .cancelled { staging.discard() }
            throw error
        }
    }

    private func checkCancelled() throws(MediaError) {
        if cancellation?.isCancelled == true || Task.isCancelled {
            throw MediaError(.cancelled, path: input.path, reason: "the transcode was cancelled; nothing was kept")
        }
    }

    // MARK: The decoding stage

    /// Demuxes and decodes everything, handing each proxy picture and each piece of sound on;
    /// returns how many packets or files could not be read.
    private func decode(into handOff: FrameHandOff) throws(MediaError) -> Int {
        let packet = Packet()
        let decoded = Frame()
        let videoIndex = input.videoStream.pointee.index
        let audioIndex = audioStream?.pointee.index ?? -1
        var unreadable = 0
        // Demux, decode each frame once, and hand it to every output.
        reading: while true {
            try checkCancelled()
            let read = input.readPacket(packet.pointer)
            if read < 0 {
                if read != cffmpeg_AVERROR_EOF() {
                    unreadable += 1
                    warnings.append("reading stopped early: \(Libav.describe(read))")
                }
                break reading
            }
            defer { av_packet_unref(packet.pointer) }
            if packet.pointer.pointee.stream_index == videoIndex {
                try videoDecoder.send(packet)
                try receiveVideo(decoded, into: handOff)
            } else if packet.pointer.pointee.stream_index == audioIndex, let audioDecoder {
                try audioDecoder.send(packet)
                try receiveAudio(decoded, into: handOff)
            }
        }
        try videoDecoder.send(nil)
        try receiveVideo(decoded, into: handOff)
        if let audioDecoder {
            try audioDecoder.send(nil)
            try receiveAudio(decoded, into: handOff)
        }
        guard nextFrame > 0 else {
            throw MediaError(.decodeFailed, path: input.path, reason: "not one video frame could be decoded")
        }
        // Frames missing at the end repeat the last one (or fill a gap), so the proxy has every frame.
        while nextFrame < info.video.frameCount {
            try deliverMissing(before: nil, into: handOff)
        }
        // A sequence's file that exists but cannot be read is damage, not a gap: the frame before stands in.
        if let files = input.sequencePackets?.unreadable, !files.isEmpty {
            unreadable += files.count
            warnings.append("\(files.count) file\(files.count == 1 ? "" : "s") of the sequence could not be read "
                + "(\(files.prefix(6).map(String.init).joined(separator: ", "))\(files.count > 6 ? " …" : "")): the frame before stands in")
        }
        return unreadable
    }

    private func receiveVideo(_ frame: Frame, into handOff: FrameHandOff) throws(MediaError) {
        while try videoDecoder.receive(frame) == .frame {
            try place(frame.pointer, into: handOff)
        }
    }

    /// Finds which source frame a decoded frame is, by its timestamp on the frame map, and
    /// delivers it, repeating the frame before for any that never arrived.
    private func place(_ frame: UnsafeMutablePointer<AVFrame>, into handOff: FrameHandOff) throws(MediaError) {
        let timestamp = frame.pointee.best_effort_timestamp
        var index = nextFrame
        if timestamp != cffmpeg_AV_NOPTS_VALUE(), let mapped = info.frameMap.frame(atTimestamp: timestamp, timeBase: input.timeBase) {
            index = mapped
        }
        guard index >= nextFrame, index < info.video.frameCount else {
            if warnings.count < 50 { warnings.append("dropped a decoded frame that is not in the frame map (timestamp \(timestamp))") }
            return
        }
        while nextFrame < index {
            try deliverMissing(before: frame, into: handOff)
        }
        try deliver(frame, repeated: false, into: handOff)
    }

    /// Delivers frame `nextFrame`, which never came: a sequence's gap is filled as the
    /// sequence says; any other frame (one that could not be decoded) repeats the frame
    /// before, or at the very start `upcoming`, the first that came.
    private func deliverMissing(before upcoming: UnsafeMutablePointer<AVFrame>?, into handOff: FrameHandOff)
        throws(MediaError)
    {
        guard info.frameMap.isMissing(nextFrame), let sequence = info.sequence, let proxyConverter else {
            try deliver(nextFrame == 0 ? upcoming : nil, repeated: true, into: handOff)
            return
        }
        // Holding needs a picture before; a gap at the start of a range has none, and is black.
        if sequence.gapFill != .hold || nextFrame == 0 {
            let number = info.frameMap.frameNumber(ofFrame: nextFrame)
            let picture = try gapPicture.frame(size: proxySize, slateNumber: sequence.gapFill == .slate ? number : nil,
                                               path: input.path)
            // The proxy's converter keeps it as its last output, which deliver(nil) hands on.
            _ = try proxyConverter.convert(picture, isUpright: true)
        }
        try deliver(nil, repeated: false, into: handOff)
    }

    /// Makes source frame `nextFrame`'s picture and hands it on; `nil` repeats the proxy's
    /// last picture. `repeated` marks a frame that stands in for one that could not be decoded.
    ///
    /// The frame before is taken from the proxy's last picture rather than kept as decoded:
    /// holding a decoded frame would pin a decoder buffer (8 MB at 1080p 4:2:2 10-bit) for
    /// the sake of a damaged frame that almost never comes.
    private func deliver(_ decoded: UnsafeMutablePointer<AVFrame>?, repeated: Bool, into handOff: FrameHandOff)
        throws(MediaError)
    {
        let index = nextFrame
        if repeated { repeatedFrames.append(index) }
        guard let source = try decoded.map({ decoded throws(MediaError) in try display?.apply(decoded) ?? decoded })
            ?? proxyConverter?.lastOutput
        else {
            throw MediaError(.decodeFailed, path: input.path, reason: "frame \(index) could not be decoded")
        }
        let isUpright = decoded == nil
        if let proxyConverter {
            let picture = isUpright ? source : try proxyConverter.convert(source)
            try hand(HandedFrame(.video(index: index), referencing: picture, path: input.path), to: handOff)
        }
        // The poster and the filmstrip are made here from the display-referred frame, each at
        // its size and range (JPEG's full range; libswscale's same-size YUV copy would not
        // stretch the proxy's limited range).
        if index == posterIndex {
            let converted = try posterConverter.convert(source, isUpright: isUpright)
            poster = .init(name: TranscodeManifest.FileName.poster, frame: index, width: Int(converted.pointee.width),
                           height: Int(converted.pointee.height))
        }
        if filmstrip.wants(index) {
            try filmstrip.add(source, isUpright: isUpright)
        }
        nextFrame += 1
    }

    private func receiveAudio(_ frame: Frame, into handOff: FrameHandOff) throws(MediaError) {
        guard let audioDecoder, audioConverter != nil else { return }
        while try audioDecoder.receive(frame) == .frame {
            try hand(HandedFrame(.audio, referencing: frame.pointer, path: input.path), to: handOff)
        }
    }

    /// Hands `frame` to the output stage; when that stage has given up, stops this one.
    private func hand(_ frame: HandedFrame, to handOff: FrameHandOff) throws(MediaError) {
        guard handOff.put(frame) else {
            throw MediaError(.cancelled, path: input.path, reason: "the outputs stopped, so decoding stopped")
        }
    }

    // MARK: The output stage

    /// Encodes and writes the proxy's pictures and sound the decoding stage hands on, in
    /// order, until it has finished.
    private func writeOutputs(from handOff: FrameHandOff) throws(MediaError) {
        while let handed = handOff.take() {
            try checkCancelled()
            switch handed.kind {
            case .video(let index):
                try proxy?.writeVideo(handed.frame.pointer, index: index)
                progress?(TranscodeProgress(framesDone: index + 1, totalFrames: info.video.frameCount,
                                            elapsed: clock.now - started))
            case .audio:
                try audioConverter?.push(handed.frame.pointer)
                try encodeAudio(final: false)
            }
        }
    }

    private func encodeAudio(final: Bool) throws(MediaError) {
        guard let proxy, let audioConverter else { return }
        while let chunk = try audioConverter.nextFrame(final: final) {
            try proxy.writeAudio(chunk)
        }
    }

    // MARK: Finishing

    private func finish(corruptPackets: Int) throws(MediaError) -> TranscodeManifest {
        typealias Name = TranscodeManifest.FileName
        var names: [String] = []
        var proxySummary: TranscodeManifest.Proxy?
        var reviewImage: TranscodeManifest.Image?
        if let proxy {
            try proxy.finish()
            // x264's buffers go now. The JPEG encoder keeps a whole picture's Huffman codes
            // to choose its tables (13 MB at 1080p): made beside x264's, the poster was the
            // transcode's peak of memory.
            self.proxy = nil
            try staging.sync(Name.proxy)
            names.append(Name.proxy)
            proxySummary = .init(name: Name.proxy, width: proxySize.width, height: proxySize.height,
                                 rate: info.frameMap.rate, frameCount: nextFrame, hasAudio: audioConverter != nil,
                                 startTimecode: info.startTimecode?.description)
        }
        guard let poster, let posterPicture = posterConverter.lastOutput else {
            throw MediaError(.encodeFailed, path: input.path, reason: "the poster frame \(posterIndex) was never reached")
        }
        let posterBytes = try ImageEncoder.encode(posterPicture, as: .jpeg(quality: profile.jpegQuality), path: input.path)
        try staging.store(posterBytes, as: Name.poster)
        names.append(Name.poster)
        if info.kind == .still {
            // A still's review image is its poster at review size.
            try staging.store(posterBytes, as: Name.reviewImage)
            names.append(Name.reviewImage)
            reviewImage = .init(name: Name.reviewImage, frame: 0, width: poster.width, height: poster.height)
        }
        try staging.store(try filmstrip.encode(quality: profile.jpegQuality + 2), as: Name.filmstrip)
        try staging.store(try json(filmstrip.index), as: Name.filmstripIndex)
        try staging.store(try json(info.frameMap), as: Name.frameMap)
        names += [Name.filmstrip, Name.filmstripIndex, Name.frameMap]

        let roles = [Name.proxy: "proxy", Name.reviewImage: "review_image", Name.poster: "poster",
                     Name.filmstrip: "filmstrip", Name.filmstripIndex: "filmstrip_index", Name.frameMap: "frame_map"]
        let manifest = TranscodeManifest(
            source: source, profile: profile.name, kind: info.kind, frameCount: info.video.frameCount,
            rate: info.frameMap.rate,
            files: names.map { .init(role: roles[$0]!, name: $0, bytes: staging.size($0)) },
            proxy: proxySummary, reviewImage: reviewImage, poster: poster, filmstrip: filmstrip.index,
            corruptPackets: corruptPackets, repeatedFrames: repeatedFrames,
            missing: info.frameMap.missing.isEmpty ? nil : info.frameMap.missing,
            gapFill: info.frameMap.missing.isEmpty ? nil : info.sequence?.gapFill,
            displayTransform: info.video.displayTransform ?? .none, alphaBackground: info.video.alphaBackground,
            pipelineVersion: Transcoder.pipelineVersion, warnings: warnings)
        try staging.store(try json(manifest), as: Name.manifest)
        names.append(Name.manifest)
        try checkCancelled()
        try staging.commit(names)
        return manifest
    }

    private func json(_ value: some Encodable) throws(MediaError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw MediaError(.encodeFailed, path: input.path, reason: "cannot encode JSON: \(error)")
        }
    }
}
