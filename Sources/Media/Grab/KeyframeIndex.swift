import CFFmpeg
import FrameTime

/// Where decoding can start: the keyframes of a video stream, in display order.
///
/// QuickTime and MP4 carry a sample index, read without touching the media data; its
/// timestamps are decode times, shifted here by the stream's reorder delay. Should a seek
/// chosen from it land late, ``FrameGrabber`` notices and steps back a keyframe. Other formats are scanned
/// packet by packet once, when the grabber opens, which gives exact display times; in image
/// sequences every image is a keyframe (and a gap, having none, is none).
/// Keyframes an edit list hides are kept: frames after them still decode from them.
struct KeyframeIndex {
    struct Keyframe {
        /// The display time, or a lower bound of it (stream time base).
        let presentation: Int64
        /// The timestamp to seek to (stream time base).
        let seekTarget: Int64
    }

    /// Sorted by ``Keyframe/presentation``.
    let keyframes: [Keyframe]

    init(_ input: MediaInput, frameMap: FrameMap) throws(MediaError) {
        let stream = input.videoStream
        let indexed = Int(avformat_index_get_entries_count(stream))
        var keyframes: [Keyframe] = []
        if input.source.isImages {
            // Every image is a keyframe; reading each file to learn that would be wasteful.
            // A sequence's gaps have no image to start from.
            let images = input.sequencePackets.map { packets in
                packets.sequence.fileNumbers.map { $0 - packets.sequence.firstNumber }
            } ?? Array(frameMap.indices)
            keyframes = images.map {
                let timestamp = frameMap.timestamp(ofFrame: $0, timeBase: input.timeBase)
                return Keyframe(presentation: timestamp, seekTarget: timestamp)
            }
        } else if input.format.formatName.hasPrefix("mov"), indexed > 0 {
            // The sample index holds decode times, but the QuickTime demuxer seeks by
            // presentation time: shift every entry by the stream's reorder delay, the distance
            // from the first decode time it shows to its first presentation time.
            let entries = (0..<indexed).compactMap { avformat_index_get_entry(stream, Int32($0))?.pointee }
            let shown = entries.filter { Int32($0.flags) & cffmpeg_AVINDEX_DISCARD_FRAME() == 0 }
            let start = stream.pointee.start_time
            let delay = start != cffmpeg_AV_NOPTS_VALUE() ? start - (shown.map(\.timestamp).min() ?? start) : 0
            for entry in entries where entry.flags & Int32(AVINDEX_KEYFRAME) != 0 {
                keyframes.append(Keyframe(presentation: entry.timestamp + delay, seekTarget: entry.timestamp + delay))
            }
        } else {
            keyframes = try KeyframeIndex.scan(input)
        }
        self.keyframes = keyframes.sorted { $0.presentation < $1.presentation }
    }

    /// The position in ``keyframes`` of the last keyframe shown at or before `presentation`,
    /// or the first keyframe when none is.
    func position(atOrBefore presentation: Int64) -> Int {
        var low = 0
        var high = keyframes.count
        while low < high {
            let middle = (low + high) / 2
            if keyframes[middle].presentation <= presentation { low = middle + 1 } else { high = middle }
        }
        return max(0, low - 1)
    }

    /// Reads every packet of the video stream once, keeping the keyframes' times, then
    /// rewinds to the start.
    private static func scan(_ input: MediaInput) throws(MediaError) -> [Keyframe] {
        var keyframes: [Keyframe] = []
        let noTimestamp = cffmpeg_AV_NOPTS_VALUE()
        try input.readVideoPackets { packet in
            let p = packet.pointee
            guard p.flags & cffmpeg_AV_PKT_FLAG_KEY() != 0 else { return true }
            let presentation = p.pts != noTimestamp ? p.pts : p.dts
            guard presentation != noTimestamp else { return true }
            let decode = p.dts != noTimestamp ? p.dts : p.pts
            keyframes.append(Keyframe(presentation: presentation, seekTarget: min(presentation, decode)))
            return true
        }
        try input.rewind(to: keyframes.first?.seekTarget)
        return keyframes
    }
}
