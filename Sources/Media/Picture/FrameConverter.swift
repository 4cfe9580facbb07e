import CFFmpeg

/// Turns decoded frames into frames an encoder takes, or into ``Picture``s: the pixel
/// format, the size (de-squeezed and fitted), the turn upright, and the colour matrix and
/// range, all in one place.
///
/// libswscale does format, size and colour; it cannot transpose, so quarter turns are done
/// afterwards by ``PlaneRotation``. The output frame is reused from call to call: it stays
/// valid until the next ``convert(_:)``, and an encoder given it takes its own reference.
final class FrameConverter {
    /// The pixel formats Dailies produces.
    enum OutputFormat {
        /// Limited-range 4:2:0, for H.264 proxies.
        case yuv420p
        /// Full-range 4:2:0, for JPEG.
        case yuvj420p
        case rgb24
        /// RGB with alpha, for PNGs whose transparency matters (a studio's logo).
        case rgba
        case gray8

        var pixelFormat: AVPixelFormat {
            switch self {
            case .yuv420p: AV_PIX_FMT_YUV420P
            case .yuvj420p: AV_PIX_FMT_YUVJ420P
            case .rgb24: AV_PIX_FMT_RGB24
            case .rgba: AV_PIX_FMT_RGBA
            case .gray8: AV_PIX_FMT_GRAY8
            }
        }

        var isFullRange: Bool { self != .yuv420p }
        var isYUV: Bool { self == .yuv420p || self == .yuvj420p }
    }

    let format: OutputFormat
    /// The size of the output, after the turn.
    let size: PictureSize
    let rotation: Int
    /// The media being converted, for errors.
    private let path: String

    private var scaler: OpaquePointer?
    private var configuredColour: (context: OpaquePointer, space: AVColorSpace, fullRange: Bool)?
    private let scaled = Frame()
    private let turned = Frame()

    /// A converter to `format` at `size` (the shown size, after turning by `rotation`).
    init(format: OutputFormat, size: PictureSize, rotation: Int, path: String) {
        self.format = format
        self.size = size
        self.rotation = rotation
        self.path = path
    }

    deinit {
        sws_freeContext(scaler)
    }

    /// The YUV matrix of the last output: the source's own (YUV sources keep theirs), or the
    /// one chosen for an RGB source. Encoders tag their streams with it.
    private(set) var outputColorSpace = AVCOL_SPC_UNSPECIFIED

    /// The last output, if there was one: valid until the next call.
    private(set) var lastOutput: UnsafeMutablePointer<AVFrame>?

    /// Converts `source`; the result is owned by the converter and valid until the next call.
    ///
    /// - Parameter isUpright: the source is already turned (it is another converter's output),
    ///   so only format and size change.
    func convert(_ source: UnsafeMutablePointer<AVFrame>, isUpright: Bool = false) throws(MediaError)
        -> UnsafeMutablePointer<AVFrame>
    {
        let s = source.pointee
        let rotation = isUpright ? 0 : self.rotation
        let preTurn = rotation == 90 || rotation == 270 ? size.transposed : size
        try scaled.prepare(format.pixelFormat, width: preTurn.width, height: preTurn.height, path: path)
        // libswscale is given the plain YUV formats for JPEG's full-range ones (the same layout);
        // the range is set explicitly in configureColour, so nothing is lost and libswscale has
        // no "deprecated pixel format" to warn about on every grab.
        scaler = sws_getCachedContext(
            scaler, s.width, s.height, AVPixelFormat(rawValue: s.format).withoutJPEGRange, Int32(preTurn.width),
            Int32(preTurn.height), format.pixelFormat.withoutJPEGRange,
            (preTurn.width < Int(s.width) ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND, nil, nil, nil)
        guard let scaler else {
            throw MediaError(.libavFailure, path: path, reason: "libswscale cannot convert \(s.width)×\(s.height) "
                + "\(Libav.string(av_get_pix_fmt_name(AVPixelFormat(rawValue: s.format))) ?? "?") to \(format)")
        }
        configureColour(scaler, source: s)
        let lines = withUnsafePointer(to: s.data) { data in
            withUnsafePointer(to: s.linesize) { linesize in
                data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourcePlanes in
                    linesize.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                        withUnsafeMutablePointer(to: &scaled.pointer.pointee.data) { outData in
                            withUnsafeMutablePointer(to: &scaled.pointer.pointee.linesize) { outLinesize in
                                outData.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { targetPlanes in
                                    outLinesize.withMemoryRebound(to: Int32.self, capacity: 8) { targetStrides in
                                        sws_scale(scaler, sourcePlanes, sourceStrides, 0, s.height, targetPlanes, targetStrides)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard lines > 0 else {
            throw MediaError(.libavFailure, path: path, reason: "libswscale failed to convert a frame")
        }
        let output: Frame
        if rotation == 0 {
            output = scaled
        } else {
            try turned.prepare(format.pixelFormat, width: size.width, height: size.height, path: path)
            PlaneRotation.rotate(scaled.pointer, into: turned.pointer, clockwise: rotation)
            output = turned
        }
        let o = output.pointer
        o.pointee.colorspace = format.isYUV ? outputColorSpace : AVCOL_SPC_RGB
        o.pointee.color_range = format.isFullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        o.pointee.color_primaries = s.color_primaries
        o.pointee.color_trc = s.color_trc
        o.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        lastOutput = o
        return o
    }

    /// Tells libswscale the source's YUV matrix and range and the output's. Untagged HD is
    /// taken as Rec. 709 and SD as Rec. 601, as players do; an RGB source gets the same rule
    /// applied to the output size.
    private func configureColour(_ context: OpaquePointer, source: AVFrame) {
        let sourceFormat = AVPixelFormat(rawValue: source.format)
        let sourceIsRGB = sourceFormat.isRGB
        let space = FrameConverter.yuvMatrix(
            tagged: source.colorspace, sourceFormat: sourceFormat,
            sourceSize: PictureSize(width: Int(source.width), height: Int(source.height)), outputSize: size)
        let sourceFullRange = sourceIsRGB || source.color_range == AVCOL_RANGE_JPEG
            || [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P].contains(sourceFormat)
        outputColorSpace = space
        if let configured = configuredColour, configured.context == context, configured.space == space,
            configured.fullRange == sourceFullRange
        {
            return
        }
        let coefficients = sws_getCoefficients(Int32(space.rawValue))
        sws_setColorspaceDetails(context, coefficients, sourceFullRange ? 1 : 0, coefficients, format.isFullRange ? 1 : 0,
                                 0, 1 << 16, 1 << 16)
        configuredColour = (context, space, sourceFullRange)
    }
}

extension FrameConverter {
    /// The YUV matrix for pictures from a source: its own when tagged; for untagged YUV,
    /// Rec. 709 for HD and Rec. 601 for SD, as players assume; for RGB sources (PNG, EXR,
    /// DPX), the same rule applied to the YUV picture being made.
    static func yuvMatrix(tagged: AVColorSpace, sourceFormat: AVPixelFormat, sourceSize: PictureSize,
                          outputSize: PictureSize) -> AVColorSpace {
        let isRGB = sourceFormat.isRGB
        guard isRGB || [AVCOL_SPC_UNSPECIFIED, AVCOL_SPC_RGB, AVCOL_SPC_RESERVED].contains(tagged) else { return tagged }
        let side = isRGB ? outputSize : sourceSize
        let isHD = max(side.width, side.height) >= 1280 || min(side.width, side.height) > 576
        return isHD ? AVCOL_SPC_BT709 : AVCOL_SPC_BT470BG
    }
}

extension AVPixelFormat {
    /// The plain YUV format a JPEG full-range one (`yuvj420p` …) shares its layout with.
    var withoutJPEGRange: AVPixelFormat {
        switch self {
        case AV_PIX_FMT_YUVJ420P: AV_PIX_FMT_YUV420P
        case AV_PIX_FMT_YUVJ422P: AV_PIX_FMT_YUV422P
        case AV_PIX_FMT_YUVJ444P: AV_PIX_FMT_YUV444P
        case AV_PIX_FMT_YUVJ440P: AV_PIX_FMT_YUV440P
        default: self
        }
    }

    /// Whether the format holds RGB rather than YUV or gray.
    var isRGB: Bool {
        av_pix_fmt_desc_get(self).map { $0.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0 } ?? false
    }
}

extension FrameConverter.OutputFormat: CustomStringConvertible {
    var description: String { Libav.string(av_get_pix_fmt_name(pixelFormat)) ?? "?" }
}

extension Picture {
    /// A copy of a `gray8` or `rgb24` frame's pixels.
    init(copying frame: UnsafeMutablePointer<AVFrame>) {
        let f = frame.pointee
        let layout: Layout = f.format == AV_PIX_FMT_GRAY8.rawValue ? .gray8 : .rgb24
        let width = Int(f.width)
        let height = Int(f.height)
        let rowBytes = width * layout.bytesPerPixel
        var pixels = [UInt8](repeating: 0, count: rowBytes * height)
        pixels.withUnsafeMutableBytes { target in
            for row in 0..<height {
                let source = f.data.0! + row * Int(f.linesize.0)
                (target.baseAddress! + row * rowBytes).copyMemory(from: source, byteCount: rowBytes)
            }
        }
        self.init(width: width, height: height, layout: layout, bytesPerRow: rowBytes, pixels: pixels)
    }
}
