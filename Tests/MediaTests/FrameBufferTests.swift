import CFFmpeg
@testable import Media
import Testing

/// How a transcode's pictures are reused: what keeps its memory flat (see `Frame.prepare`
/// and `FrameHandOff`).
@Suite("Frame buffers")
struct FrameBufferTests {
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
