import CFFmpeg

/// An `AVFrame`, freed on deinit.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>
    /// Where ``prepare(_:width:height:path:)`` takes a fresh picture from, once it has made
    /// one of that format and size.
    private var pictures: PictureBufferPool?

    init() {
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = frame
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&freeing)
    }

    /// Makes the frame a writable `format` picture of `width`×`height`, reusing its memory
    /// when nothing else holds it. What it held is not kept: when another reference still
    /// holds the buffer (an encoder, the next stage of a transcode), the frame gets a fresh
    /// one instead of a copy, from a pool of the buffers such references have let go of.
    ///
    /// A transcode's proxy pictures are such frames: each is still referenced by the hand-off
    /// to the encoder when the next is converted. Allocated anew, each 3 MB picture (1080p)
    /// was made by malloc on the decoding thread and freed on the encoding thread. With the
    /// pool, the bench's transcode allocates 3 pictures instead of 200, and its peak memory
    /// is 5 MiB lower.
    func prepare(_ format: AVPixelFormat, width: Int, height: Int, path: String) throws(MediaError) {
        let f = pointer
        if f.pointee.width == Int32(width) && f.pointee.height == Int32(height) && f.pointee.format == format.rawValue
            && f.pointee.buf.0 != nil && av_frame_is_writable(f) != 0
        {
            return
        }
        av_frame_unref(f)
        f.pointee.width = Int32(width)
        f.pointee.height = Int32(height)
        f.pointee.format = format.rawValue
        if let pictures, pictures.holds(format, width: width, height: height) {
            try pictures.fill(f, path: path)
            return
        }
        let allocated = av_frame_get_buffer(f, 0)
        guard allocated >= 0 else { throw MediaError.libav(allocated, path: path, "allocating a picture") }
        pictures = PictureBufferPool(laidOutAs: f)
    }
}

/// Picture buffers of one format and size, laid out as `av_frame_get_buffer` lays out the
/// picture it is made from: each buffer goes back to the pool when its last reference goes,
/// from whichever thread, and the next picture takes it.
private final class PictureBufferPool {
    private let format: Int32
    private let width: Int32
    private let height: Int32
    private let pool: OpaquePointer
    private let linesize: (Int32, Int32, Int32, Int32)
    /// Where each plane starts in the buffer; `nil` past the last plane.
    private let planeOffsets: [Int?]

    /// A pool for pictures like `frame`, which `av_frame_get_buffer` has just given one
    /// buffer; `nil` when it gave more than one, which this pool does not copy.
    init?(laidOutAs frame: UnsafeMutablePointer<AVFrame>) {
        guard let buffer = frame.pointee.buf.0, frame.pointee.buf.1 == nil, let start = buffer.pointee.data,
            let pool = av_buffer_pool_init(buffer.pointee.size, nil)
        else { return nil }
        format = frame.pointee.format
        width = frame.pointee.width
        height = frame.pointee.height
        self.pool = pool
        linesize = (frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2, frame.pointee.linesize.3)
        let data = frame.pointee.data
        planeOffsets = [data.0, data.1, data.2, data.3].map { plane in plane.map { start.distance(to: $0) } }
    }

    deinit {
        // Buffers still referenced free themselves when let go of; the pool goes with the last.
        var freeing: OpaquePointer? = pool
        av_buffer_pool_uninit(&freeing)
    }

    func holds(_ format: AVPixelFormat, width: Int, height: Int) -> Bool {
        self.format == format.rawValue && self.width == Int32(width) && self.height == Int32(height)
    }

    /// Gives `frame`, unreferenced with this pool's format and size set, a buffer from the pool.
    func fill(_ frame: UnsafeMutablePointer<AVFrame>, path: String) throws(MediaError) {
        guard let buffer = av_buffer_pool_get(pool), let start = buffer.pointee.data else {
            throw MediaError(.libavFailure, path: path, reason: "cannot allocate a picture (out of memory)")
        }
        frame.pointee.buf.0 = buffer
        frame.pointee.linesize.0 = linesize.0
        frame.pointee.linesize.1 = linesize.1
        frame.pointee.linesize.2 = linesize.2
        frame.pointee.linesize.3 = linesize.3
        let planes = planeOffsets.map { offset in offset.map { start + $0 } }
        frame.pointee.data.0 = planes[0]
        frame.pointee.data.1 = planes[1]
        frame.pointee.data.2 = planes[2]
        frame.pointee.data.3 = planes[3]
    }
}
