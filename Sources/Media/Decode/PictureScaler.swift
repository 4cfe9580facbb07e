import CFFmpeg

/// Converts decoded frames to ``Picture``s with libswscale, reusing its context while the
/// source and target stay the same.
final class PictureScaler {
    private var context: OpaquePointer?

    deinit {
        sws_freeContext(context)
    }

    /// `frame` converted to `layout` at `width` pixels wide (the frame's own width when
    /// `nil`), keeping the stored aspect ratio.
    func picture(from frame: UnsafeMutablePointer<AVFrame>, layout: Picture.Layout, width: Int?) -> Picture? {
        let f = frame.pointee
        let sourceWidth = Int(f.width)
        let sourceHeight = Int(f.height)
        guard sourceWidth > 0, sourceHeight > 0 else { return nil }
        let targetWidth = max(1, width ?? sourceWidth)
        let targetHeight = width == nil ? sourceHeight : max(1, (sourceHeight * targetWidth + sourceWidth / 2) / sourceWidth)
        let targetFormat = layout == .gray8 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24
        let sourceFormat = AVPixelFormat(rawValue: f.format)
        // Area averaging when shrinking keeps fine detail from aliasing; bicubic otherwise.
        let flags = targetWidth < sourceWidth ? SWS_AREA : SWS_BICUBIC
        context = sws_getCachedContext(context, Int32(sourceWidth), Int32(sourceHeight), sourceFormat,
                                       Int32(targetWidth), Int32(targetHeight), targetFormat, flags | SWS_ACCURATE_RND,
                                       nil, nil, nil)
        guard let context else { return nil }
        configureColour(context, frame: f, sourceFormat: sourceFormat)

        let bytesPerRow = (targetWidth * layout.bytesPerPixel + 31) / 32 * 32
        var pixels = [UInt8](repeating: 0, count: bytesPerRow * targetHeight)
        let scaled = pixels.withUnsafeMutableBufferPointer { target -> Int32 in
            var targetPlanes: [UnsafeMutablePointer<UInt8>?] = [target.baseAddress, nil, nil, nil]
            var targetStrides: [Int32] = [Int32(bytesPerRow), 0, 0, 0]
            return withUnsafePointer(to: f.data) { data in
                withUnsafePointer(to: f.linesize) { linesize in
                    data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourcePlanes in
                        linesize.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            sws_scale(context, sourcePlanes, sourceStrides, 0, Int32(sourceHeight),
                                      &targetPlanes, &targetStrides)
                        }
                    }
                }
            }
        }
        guard scaled > 0 else { return nil }
        return Picture(width: targetWidth, height: targetHeight, layout: layout, bytesPerRow: bytesPerRow, pixels: pixels)
    }

    /// Tells swscale the frame's YUV matrix and range; untagged HD is taken as Rec. 709 and
    /// SD as Rec. 601, as players do.
    private func configureColour(_ context: OpaquePointer, frame: AVFrame, sourceFormat: AVPixelFormat) {
        guard let descriptor = av_pix_fmt_desc_get(sourceFormat),
            descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0
        else { return }
        var space = frame.colorspace
        if space == AVCOL_SPC_UNSPECIFIED || space == AVCOL_SPC_RGB {
            space = frame.width >= 1280 || frame.height > 576 ? AVCOL_SPC_BT709 : AVCOL_SPC_BT470BG
        }
        let isFullRange = frame.color_range == AVCOL_RANGE_JPEG
            || [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P].contains(sourceFormat)
        let coefficients = sws_getCoefficients(Int32(space.rawValue))
        sws_setColorspaceDetails(context, coefficients, isFullRange ? 1 : 0, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                                 0, 1 << 16, 1 << 16)
    }
}
