import CFFmpeg

/// Quarter turns of 8-bit planar or packed frames (`yuv420p`, `yuvj420p`, `gray8`, `rgb24`),
/// which libswscale cannot do.
enum PlaneRotation {
    /// Copies `source` into `target` turned `clockwise` degrees (90, 180 or 270). `target`
    /// must be allocated in the same format with the turned size.
    static func rotate(_ source: UnsafeMutablePointer<AVFrame>, into target: UnsafeMutablePointer<AVFrame>, clockwise: Int) {
        let format = AVPixelFormat(rawValue: source.pointee.format)
        guard let descriptor = av_pix_fmt_desc_get(format)?.pointee else { return }
        let planes = Int(av_pix_fmt_count_planes(format))
        let isPacked = planes == 1
        let bytesPerPixel = isPacked ? Int(descriptor.comp.0.step) : 1
        withUnsafePointer(to: source.pointee.data) { sourceData in
            withUnsafePointer(to: target.pointee.data) { targetData in
                let sourcePlanes = UnsafeRawPointer(sourceData).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
                let targetPlanes = UnsafeRawPointer(targetData).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
                for plane in 0..<planes {
                    let isChroma = plane == 1 || plane == 2
                    let shiftX = isChroma ? Int(descriptor.log2_chroma_w) : 0
                    let shiftY = isChroma ? Int(descriptor.log2_chroma_h) : 0
                    let width = -((-Int(source.pointee.width)) >> shiftX)  // ceil division by 2^shift
                    let height = -((-Int(source.pointee.height)) >> shiftY)
                    rotatePlane(
                        from: sourcePlanes[plane]!, sourceStride: Int(stride(source, plane)), width: width, height: height,
                        to: targetPlanes[plane]!, targetStride: Int(stride(target, plane)), bytesPerPixel: bytesPerPixel,
                        clockwise: clockwise)
                }
            }
        }
    }

    private static func stride(_ frame: UnsafeMutablePointer<AVFrame>, _ plane: Int) -> Int32 {
        withUnsafePointer(to: frame.pointee.linesize) {
            UnsafeRawPointer($0).assumingMemoryBound(to: Int32.self)[plane]
        }
    }

    /// Turns one `width`×`height` plane. The target is written row by row; the source is
    /// read down its columns (90°, 270°) or backwards (180°).
    private static func rotatePlane(from source: UnsafeMutablePointer<UInt8>, sourceStride: Int, width: Int, height: Int,
                                    to target: UnsafeMutablePointer<UInt8>, targetStride: Int, bytesPerPixel: Int,
                                    clockwise: Int) {
        switch clockwise {
        case 90:
            // Target (x', y') shows source (y', height − 1 − x').
            for targetRow in 0..<width {
                let out = target + targetRow * targetStride
                for targetColumn in 0..<height {
                    let from = source + (height - 1 - targetColumn) * sourceStride + targetRow * bytesPerPixel
                    copyPixel(from, out + targetColumn * bytesPerPixel, bytesPerPixel)
                }
            }
        case 180:
            for targetRow in 0..<height {
                let out = target + targetRow * targetStride
                let row = source + (height - 1 - targetRow) * sourceStride
                for targetColumn in 0..<width {
                    copyPixel(row + (width - 1 - targetColumn) * bytesPerPixel, out + targetColumn * bytesPerPixel, bytesPerPixel)
                }
            }
        case 270:
            // Target (x', y') shows source (width − 1 − y', x').
            for targetRow in 0..<width {
                let out = target + targetRow * targetStride
                let column = (width - 1 - targetRow) * bytesPerPixel
                for targetColumn in 0..<height {
                    copyPixel(source + targetColumn * sourceStride + column, out + targetColumn * bytesPerPixel, bytesPerPixel)
                }
            }
        default:
            for row in 0..<height {
                (target + row * targetStride).update(from: source + row * sourceStride, count: width * bytesPerPixel)
            }
        }
    }

    @inline(__always)
    private static func copyPixel(_ from: UnsafeMutablePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>, _ count: Int) {
        if count == 1 {
            to.pointee = from.pointee
        } else {
            to.update(from: from, count: count)
        }
    }
}
