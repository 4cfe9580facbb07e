import CFFmpeg
@testable import Media
import Testing

/// How a transcode's pictures are reused: what keeps its memory flat (see `Frame.prepare`
/// and `FrameHandOff`).
@Suite("Frame buffers")
struct FrameBufferTests {
    /// A new reference to `frame`'s picture, as the hand-off to the encoder takes one.
    private func hold(_ frame: Frame) throws -> Frame {
        let holder = Frame()
        try #require(av_frame_ref(holder.pointer, frame.pointer) >= 0)
        return holder
    }

    @Test("a picture still held elsewhere is replaced by a buffer from the pool, laid out as libav lays it out, and a buffer let go of is taken again")
    func pooledPictures() throws {
        let frame = Frame()
        try frame.prepare(AV_PIX_FMT_YUV420P, width: 70, height: 48, path: "pool")
        let libavLayout = frame.pointer.pointee
        libavLayout.data.0!.update(repeating: 200, count: Int(libavLayout.linesize.0))
        let first = try hold(frame)
        // Not writable while `first` holds it: the next picture comes from the pool.
        try frame.prepare(AV_PIX_FMT_YUV420P, width: 70, height: 48, path: "pool")
        let pooled = frame.pointer.pointee
        #expect(pooled.data.0 != libavLayout.data.0)
        // A pool's buffers carry their pool entry as their opaque; `av_buffer_alloc`'s carry none.
        #expect(av_buffer_get_opaque(first.pointer.pointee.buf.0) == nil && av_buffer_get_opaque(pooled.buf.0) != nil)
        #expect(av_frame_is_writable(frame.pointer) != 0)
        #expect([pooled.linesize.0, pooled.linesize.1, pooled.linesize.2, pooled.linesize.3]
            == [libavLayout.linesize.0, libavLayout.linesize.1, libavLayout.linesize.2, libavLayout.linesize.3])
        #expect([pooled.data.1! - pooled.data.0!, pooled.data.2! - pooled.data.0!]
            == [libavLayout.data.1! - libavLayout.data.0!, libavLayout.data.2! - libavLayout.data.0!])
        #expect(pooled.data.3 == nil && pooled.buf.1 == nil)
        // The whole picture is the frame's to write: libswscale writes every row of every plane.
        let rows = [48, 24, 24]
        for (plane, pointer) in [pooled.data.0, pooled.data.1, pooled.data.2].enumerated() {
            let linesize = Int([pooled.linesize.0, pooled.linesize.1, pooled.linesize.2][plane])
            pointer!.update(repeating: UInt8(plane), count: linesize * rows[plane])
        }
        #expect(first.pointer.pointee.data.0![0] == 200, "the held picture is untouched")

        let third: UnsafeMutablePointer<UInt8>?
        do {
            let second = try hold(frame)
            try frame.prepare(AV_PIX_FMT_YUV420P, width: 70, height: 48, path: "pool")
            third = frame.pointer.pointee.data.0
            #expect(third != pooled.data.0 && second.pointer.pointee.data.0 == pooled.data.0)
        }  // the encoder is done with `second`: its buffer goes back to the pool
        let held = try hold(frame)
        try frame.prepare(AV_PIX_FMT_YUV420P, width: 70, height: 48, path: "pool")
        #expect(frame.pointer.pointee.data.0 == pooled.data.0, "the buffer let go of is used again")
        #expect(held.pointer.pointee.data.0 == third)

        // Another size is another pool.
        try frame.prepare(AV_PIX_FMT_YUV420P, width: 32, height: 16, path: "pool")
        #expect(frame.pointer.pointee.width == 32 && frame.pointer.pointee.linesize.0 >= 32)
    }

    @Test("a frame taken from the hand-off is the taker's alone: the queue keeps no reference to it, even while others wait")
    func handOffLetsGo() throws {
        let handOff = FrameHandOff(capacity: 2)
        let pictures = try (0..<3).map { _ in
            let picture = Frame()
            try picture.prepare(AV_PIX_FMT_GRAY8, width: 16, height: 16, path: "hand-off")
            return picture
        }
        #expect(handOff.put(try HandedFrame(.video(index: 0), referencing: pictures[0].pointer, path: "hand-off")))
        #expect(handOff.put(try HandedFrame(.video(index: 1), referencing: pictures[1].pointer, path: "hand-off")))
        do {
            let taken = try #require(handOff.take())
            guard case .video(index: 0) = taken.kind else { Issue.record("frames come out in order"); return }
            #expect(av_frame_is_writable(pictures[0].pointer) == 0, "the taker holds it")
        }
        #expect(av_frame_is_writable(pictures[0].pointer) != 0, "taken and dropped, nothing holds it")
        #expect(av_frame_is_writable(pictures[1].pointer) == 0, "frame 1 still waits")
        #expect(handOff.put(try HandedFrame(.video(index: 2), referencing: pictures[2].pointer, path: "hand-off")))
        handOff.finish()
        var order: [Int] = []
        while let frame = handOff.take() {
            if case .video(let index) = frame.kind { order.append(index) }
        }
        #expect(order == [1, 2])
        #expect(pictures.allSatisfy { av_frame_is_writable($0.pointer) != 0 })
    }
}
