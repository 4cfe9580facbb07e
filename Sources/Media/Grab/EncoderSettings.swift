/// What an x264-encoded stream says about its own references, read from the settings x264
/// writes into the first access unit (`x264 - core 164 - ... bframes=3 b_pyramid=1 ...`).
///
/// With `b_pyramid` 0 or 1 (none, or strict as Blu-ray requires), no P-frame refers to a
/// B-frame, so a grab may skip every B-frame outside the target's own mini-GOP. With the
/// default `normal` pyramid a P-frame may refer to a B-frame, and only frames nothing refers
/// to may be skipped. Streams from other encoders get the safe rule.
struct X264Settings: Equatable {
    /// Consecutive B-frames at most.
    let bFrames: Int
    /// 0 none, 1 strict, 2 normal.
    let bPyramid: Int

    /// Whether P-frames never refer to B-frames.
    var pFramesIgnoreBFrames: Bool { bPyramid <= 1 }

    /// The settings in `bytes` (a packet of the stream), or `nil` when it carries none.
    init?(scanning bytes: UnsafeRawBufferPointer) {
        let marker = Array("x264 - core".utf8)
        guard bytes.count >= marker.count,
            let start = (0...(bytes.count - marker.count)).first(where: { offset in
                marker.indices.allSatisfy { bytes[offset + $0] == marker[$0] }
            })
        else { return nil }
        let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        var options: [Substring: Int] = [:]
        for word in text.split(separator: " ") {
            let pair = word.split(separator: "=", maxSplits: 1)
            if pair.count == 2, let value = Int(pair[1]) { options[pair[0]] = value }
        }
        guard let bFrames = options["bframes"] else { return nil }
        self.bFrames = bFrames
        bPyramid = options["b_pyramid"] ?? 2
    }
}
