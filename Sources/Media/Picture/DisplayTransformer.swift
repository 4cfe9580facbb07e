import CFFmpeg
import Foundation
import FrameTime

extension DisplayTransform {
    /// The transform a source's own description calls for.
    ///
    /// - Float pixels are scene-linear: FFmpeg decodes EXR (and float TIFF) to float RGB and
    ///   tags no transfer, since the format's convention is linear light.
    /// - A DPX whose header's transfer byte is 3 ("printing density", Cineon log). FFmpeg 5.1
    ///   reads that byte but tags nothing for it, so the probe reads it from the file.
    /// - PQ and HLG by their transfer tag.
    /// - Anything else is display-referred already.
    static func detect(pixelFormat: AVPixelFormat, transfer: AVColorTransferCharacteristic, dpxTransfer: UInt8?)
        -> DisplayTransform
    {
        if transfer == AVCOL_TRC_SMPTE2084 { return .pq }
        if transfer == AVCOL_TRC_ARIB_STD_B67 { return .hlg }
        if dpxTransfer == 3 { return .cineon }
        return pixelFormat.isFloat ? .srgb : .none
    }

    /// The transfer byte of a DPX file's first image element (offset 801), or `nil` when the
    /// file is not a DPX.
    static func dpxTransferByte(path: String) -> UInt8? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 802), header.count == 802 else { return nil }
        // "SDPX" big-endian or "XPDS" little-endian; the byte itself has no order.
        guard header.prefix(4).elementsEqual("SDPX".utf8) || header.prefix(4).elementsEqual("XPDS".utf8) else { return nil }
        return header[801]
    }

    /// The colour tags of the pictures the transform makes; `nil` for ``none``, which keeps
    /// the source's own.
    var outputTags: (primaries: AVColorPrimaries, transfer: AVColorTransferCharacteristic)? {
        switch self {
        case .none: nil
        case .srgb, .cineon: (AVCOL_PRI_BT709, AVCOL_TRC_IEC61966_2_1)
        case .pq, .hlg: (AVCOL_PRI_BT709, AVCOL_TRC_BT709)
        }
    }
}

extension AVPixelFormat {
    /// Whether the format carries an alpha plane.
    var hasAlpha: Bool { hasFlag(AV_PIX_FMT_FLAG_ALPHA) }

    /// Whether its samples are floating point (EXR's, and what zscale works in).
    var isFloat: Bool { hasFlag(AV_PIX_FMT_FLAG_FLOAT) }

    private func hasFlag(_ flag: Int32) -> Bool {
        av_pix_fmt_desc_get(self).map { $0.pointee.flags & UInt64(flag) != 0 } ?? false
    }
}

/// Turns decoded frames into display-referred pictures: a ``DisplayTransform`` through a
/// libavfilter graph, then alpha composited over an ``AlphaBackground``. Its output goes to
/// the ``FrameConverter``s, so the proxy, the poster, the filmstrip and every grab show the
/// same picture.
///
/// The graph is built for the first frame's size and pixel format (and rebuilt if they
/// change), and works at the source's size: the converters scale afterwards, each to its
/// own size. Its output is 16-bit RGB, with alpha when there is some to composite.
///
/// The graphs, with FFmpeg's own filters:
/// - `srgb`: `zscale` from linear light to the sRGB curve, Rec. 709 primaries. Float
///   sources with alpha (EXR) are premultiplied, so `unpremultiply` comes first.
/// - `cineon`: `lutrgb` with the Cineon formula: a code value v (0–1023) is linear light
///   (10^((v − 685) / 300) − 10^((95 − 685) / 300)) / (1 − 10^((95 − 685) / 300)), then
///   the sRGB curve; 300 is 0.6 / 0.002, the negative's gamma over the density per code
///   value.
/// - `pq` and `hlg`: `zscale` to linear light (100 nits = 1.0) in Rec. 2020, to Rec. 709
///   primaries, `tonemap=hable` (desaturation off) for a peak from the mastering metadata
///   (1000 nits when there is none), then the Rec. 709 curve.
final class DisplayTransformer {
    /// The pixel format of the pictures made, alpha composited: 16-bit RGB, packed, since
    /// libswscale makes 4:2:0 from packed RGB with its chroma filtered (about 4 dB better on
    /// sharp colour edges than from planar `gbrp16le`).
    static let workingFormat = AV_PIX_FMT_RGB48LE

    /// The peak, in nits, an HDR source is tone-mapped from when it says nothing of its own.
    static let defaultPeakNits = 1000.0

    let transform: DisplayTransform
    let alphaBackground: AlphaBackground
    private let path: String
    /// The stream's mastering peak in nits, when the container carries one.
    private let streamPeakNits: Double?

    /// libavfilter's functions, had when the first graph is built.
    private var filterLibrary: cffmpeg_avfilter?
    private var graph: UnsafeMutablePointer<AVFilterGraph>?
    private var bufferSource: UnsafeMutablePointer<AVFilterContext>?
    private var bufferSink: UnsafeMutablePointer<AVFilterContext>?
    private var configuredFor: (width: Int32, height: Int32, format: Int32)?
    /// The alpha of an opaque pixel in the graph's 16-bit output (see ``opaqueAlpha(for:)``).
    private var opaque: UInt32 = 65535
    private let filtered = Frame()
    private let composited = Frame()

    /// A transformer for a source whose pictures are `pixelFormat`, or `nil` when there is
    /// nothing to do (`none`, and no alpha).
    static func make(_ transform: DisplayTransform, pixelFormat: AVPixelFormat, alphaBackground: AlphaBackground,
                     stream: UnsafeMutablePointer<AVStream>, path: String) -> DisplayTransformer?
    {
        guard transform != .none || pixelFormat.hasAlpha else { return nil }
        return DisplayTransformer(transform, alphaBackground: alphaBackground, streamPeakNits: masteringPeak(stream),
                                  path: path)
    }

    init(_ transform: DisplayTransform, alphaBackground: AlphaBackground, streamPeakNits: Double?, path: String) {
        self.transform = transform
        self.alphaBackground = alphaBackground
        self.streamPeakNits = streamPeakNits
        self.path = path
    }

    deinit {
        // A graph exists only once the library's functions were had.
        if graph != nil { filterLibrary?.graph_free!(&graph) }
    }

    /// `frame` shown as the transform says, composited over the background; owned by the
    /// transformer and valid until the next call. `frame` itself is left alone.
    func apply(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
        let f = frame.pointee
        if configuredFor == nil || configuredFor! != (f.width, f.height, f.format) {
            try configure(for: frame)
        }
        let added = filterLibrary!.buffersrc_add_frame_flags!(bufferSource, frame, cffmpeg_AV_BUFFERSRC_FLAG_KEEP_REF())
        guard added >= 0 else { throw MediaError.libav(added, path: path, "handing a frame to the \(transform) transform") }
        av_frame_unref(filtered.pointer)
        let got = filterLibrary!.buffersink_get_frame!(bufferSink, filtered.pointer)
        guard got >= 0 else { throw MediaError.libav(got, path: path, "taking a frame from the \(transform) transform") }
        let output = AVPixelFormat(rawValue: filtered.pointer.pointee.format)
        guard output.hasAlpha else { return filtered.pointer }
        try composite(filtered.pointer)
        return composited.pointer
    }

    // MARK: The graph

    private func configure(for frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        if filterLibrary == nil { filterLibrary = try FilterLibrary.functions(path: path) }
        let library = filterLibrary!
        library.graph_free!(&graph)
        bufferSource = nil
        bufferSink = nil
        configuredFor = nil
        guard let graph = library.graph_alloc!() else {
            throw MediaError(.libavFailure, path: path, reason: "cannot allocate a filter graph")
        }
        self.graph = graph
        // The transforms are per pixel: one thread keeps a grab's latency low and leaves the
        // other cores to the decoder and encoders.
        graph.pointee.nb_threads = 1
        let f = frame.pointee
        let arguments = "video_size=\(f.width)x\(f.height):pix_fmt=\(f.format):time_base=1/1:pixel_aspect=1/1"
        var source: UnsafeMutablePointer<AVFilterContext>?
        var created = library.graph_create_filter!(&source, library.get_by_name!("buffer"), "in", arguments, nil, graph)
        guard created >= 0, let source else { throw MediaError.libav(created, path: path, "creating the filter graph's input") }
        var sink: UnsafeMutablePointer<AVFilterContext>?
        created = library.graph_create_filter!(&sink, library.get_by_name!("buffersink"), "out", nil, nil, graph)
        guard created >= 0, let sink else { throw MediaError.libav(created, path: path, "creating the filter graph's output") }

        let description = filters(for: frame)
        // As in FFmpeg's doc/examples/filtering_video.c: the graph's open ends are named, the
        // parser links them and leaves in these variables whatever it did not use.
        var outputs = library.inout_alloc!()
        var inputs = library.inout_alloc!()
        defer {
            library.inout_free!(&outputs)
            library.inout_free!(&inputs)
        }
        guard let openOutput = outputs, let openInput = inputs else {
            throw MediaError(.libavFailure, path: path, reason: "out of memory")
        }
        openOutput.pointee.name = av_strdup("in")
        openOutput.pointee.filter_ctx = source
        openInput.pointee.name = av_strdup("out")
        openInput.pointee.filter_ctx = sink
        let parsed = library.graph_parse_ptr!(graph, description, &inputs, &outputs, nil)
        guard parsed >= 0 else { throw MediaError.libav(parsed, path: path, "building the \(transform) transform (\(description))") }
        let configured = library.graph_config!(graph, nil)
        guard configured >= 0 else {
            throw MediaError.libav(configured, path: path, "configuring the \(transform) transform for "
                + "\(Libav.string(av_get_pix_fmt_name(AVPixelFormat(rawValue: f.format))) ?? "?") pictures")
        }
        bufferSource = source
        bufferSink = sink
        configuredFor = (f.width, f.height, f.format)
        opaque = Self.opaqueAlpha(for: AVPixelFormat(rawValue: f.format))
    }

    /// The filter chain from the buffer source to the sink, for pictures like `frame`.
    func filters(for frame: UnsafeMutablePointer<AVFrame>) -> String {
        let format = AVPixelFormat(rawValue: frame.pointee.format)
        let alpha = format.hasAlpha
        // With alpha, planar 16-bit to be composited into the working format; without, the working format.
        let working = alpha ? "gbrap16le" : "rgb48le"
        switch transform {
        case .none:
            return "format=\(working)"
        case .srgb:
            let unpremultiply = alpha && format.isFloat ? "unpremultiply=inplace=1," : ""
            // zscale (5.1) gives integer alpha a limited range (1.0 becomes 235 << 8): with
            // alpha it makes float, and libswscale makes the 16 bits.
            let output = alpha ? "format=gbrapf32le,scale,format=\(working)" : "format=\(working)"
            return "\(unpremultiply)zscale=transferin=linear:primariesin=709:rangein=full:"
                + "transfer=iec61966-2-1:primaries=709:range=full,\(output)"
        case .cineon:
            // v: the value as a 10-bit code; then Cineon to linear, clipped, then the sRGB curve.
            let code = "(val*1023/maxval)"
            let offset = "pow(10,(95-685)/300)"
            let linear = "clip((pow(10,(\(code)-685)/300)-\(offset))/(1-\(offset)),0,1)"
            let display = "if(lte(\(linear),0.0031308),12.92*\(linear),1.055*pow(\(linear),1/2.4)-0.055)"
            let expression = "clip(\(display)*maxval+0.5,0,maxval)"
            return "lutrgb=r='\(expression)':g='\(expression)':b='\(expression)',format=\(working)"
        case .pq, .hlg:
            let peak = framePeakNits(frame) ?? streamPeakNits ?? Self.defaultPeakNits
            let transferIn = transform == .pq ? "smpte2084" : "arib-std-b67"
            let isYUV = !format.isRGB && (av_pix_fmt_desc_get(format)?.pointee.nb_components ?? 0) >= 3
            let matrixIn = isYUV && frame.pointee.colorspace == AVCOL_SPC_UNSPECIFIED ? "2020_ncl" : "input"
            let rangeIn = isYUV && frame.pointee.color_range == AVCOL_RANGE_UNSPECIFIED ? "limited" : "input"
            return "zscale=transferin=\(transferIn):primariesin=2020:matrixin=\(matrixIn):rangein=\(rangeIn):"
                + "transfer=linear:npl=100,format=gbrpf32le,zscale=primaries=709,"
                + "tonemap=tonemap=hable:desat=0:peak=\(peak / 100),"
                + "zscale=transfer=709:range=full,format=rgb48le"
        }
    }

    // MARK: HDR peak

    /// The mastering display's peak luminance in nits, from a frame's side data (HEVC's SEI).
    private func framePeakNits(_ frame: UnsafeMutablePointer<AVFrame>) -> Double? {
        guard let side = av_frame_get_side_data(frame, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA) else { return nil }
        return Self.peak(side.pointee.data.withMemoryRebound(to: AVMasteringDisplayMetadata.self, capacity: 1) { $0.pointee })
    }

    /// The mastering display's peak luminance in nits, from a stream's side data (a mov `mdcv`
    /// box, Matroska's colour elements).
    private static func masteringPeak(_ stream: UnsafeMutablePointer<AVStream>) -> Double? {
        var size = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, &size),
            size >= MemoryLayout<AVMasteringDisplayMetadata>.size
        else { return nil }
        return peak(UnsafeRawPointer(data).loadUnaligned(as: AVMasteringDisplayMetadata.self))
    }

    private static func peak(_ metadata: AVMasteringDisplayMetadata) -> Double? {
        guard metadata.has_luminance != 0, metadata.max_luminance.den != 0 else { return nil }
        let nits = av_q2d(metadata.max_luminance)
        return nits > 0 ? nits : nil
    }

    // MARK: Alpha

    /// The alpha of an opaque pixel once a `format` picture is 16-bit: libswscale widens
    /// integer alpha by shifting, so an 8-bit 255 becomes 65280 and a 10-bit 1023 65472;
    /// float alpha (through zscale's float output) becomes 65535.
    static func opaqueAlpha(for format: AVPixelFormat) -> UInt32 {
        guard !format.isFloat, let descriptor = av_pix_fmt_desc_get(format) else { return 65535 }
        // Alpha is the last component: the second of gray with alpha, the fourth of colour.
        let d = descriptor.pointee
        let depth = Int(d.nb_components == 2 ? d.comp.1.depth : d.comp.3.depth)
        guard depth > 0, depth < 16 else { return 65535 }
        return UInt32((1 << depth) - 1) << UInt32(16 - depth)
    }

    /// Composites a `gbrap16le` frame's colour over the background by its (straight) alpha,
    /// into `composited`, in the working format.
    private func composite(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        let f = frame.pointee
        let width = Int(f.width)
        let height = Int(f.height)
        try composited.prepare(Self.workingFormat, width: width, height: height, path: path)
        let o = composited.pointer
        av_frame_copy_props(o, frame)
        // A square of the checkerboard: about 1/32 of the long edge, so it looks alike at any size.
        let square = max(8, (max(width, height) + 31) / 32)
        let (light, dark): (UInt32, UInt32) = alphaBackground == .grey ? (32768, 32768) : (39321, 26214)
        let opaque = self.opaque
        let alphaPlane = f.data.3!
        let alphaStride = Int(f.linesize.3)
        let sources = [f.data.0!, f.data.1!, f.data.2!]
        let sourceStrides = [Int(f.linesize.0), Int(f.linesize.1), Int(f.linesize.2)]
        let target = o.pointee.data.0!
        let targetStride = Int(o.pointee.linesize.0)
        for plane in 0..<3 {
            // Packed R G B: plane 0 of gbrap is G, 1 is B, 2 is R.
            let channel = [1, 2, 0][plane]
            for y in 0..<height {
                let alpha = UnsafeRawPointer(alphaPlane + y * alphaStride).assumingMemoryBound(to: UInt16.self)
                let source = UnsafeRawPointer(sources[plane] + y * sourceStrides[plane]).assumingMemoryBound(to: UInt16.self)
                let row = UnsafeMutableRawPointer(target + y * targetStride).assumingMemoryBound(to: UInt16.self)
                let rowIsOdd = (y / square) & 1
                for x in 0..<width {
                    let a = min(UInt32(alpha[x]), opaque)
                    let background = ((x / square) & 1) ^ rowIsOdd == 0 ? light : dark
                    let mixed = (UInt64(source[x]) * UInt64(a) + UInt64(background) * UInt64(opaque - a) + UInt64(opaque / 2))
                        / UInt64(opaque)
                    row[3 * x + channel] = UInt16(min(mixed, 65535))
                }
            }
        }
    }
}
