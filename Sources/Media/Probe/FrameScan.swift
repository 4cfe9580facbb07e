import CFFmpeg
import FrameTime

/// Counts a movie's frames and learns when each starts, exactly.
///
/// Headers are not trusted for the count: many formats have none (Matroska, MXF, AVI) and
/// an edit list makes QuickTime's disagree with what is shown. QuickTime and MP4 carry a
/// sample index, which libav builds from the `moov` box; counting its entries (leaving out
/// those an edit list discards) is exact and reads none of the media data, which matters for
/// a 100 GB master. Other formats are read packet by packet. Either way the timestamps show
/// whether the rate is constant; variable-rate media keeps every frame's timestamp.
struct FrameScan {
    enum Timing {
        case constant(rate: FrameRate, count: Int, start: Rational)
        case variable(timeBase: Rational, timestamps: [Int64], end: Int64)
    }

    let timing: Timing
    let method: VideoStreamInfo.FrameCountMethod
    let warnings: [String]
    /// The exact rate, or the average of a variable rate.
    let rate: FrameRate

    /// The frame map these timings make, labelled from `startTimecode` and `firstFrameNumber`,
    /// with an image sequence's `missing` frames marked.
    func frameMap(startTimecode: Timecode?, firstFrameNumber: Int, missing: [ClosedRange<Int>] = []) -> FrameMap {
        switch timing {
        case .constant(let rate, let count, let start):
            return FrameMap(rate: rate, frameCount: count, start: start, startTimecode: startTimecode,
                            firstFrameNumber: firstFrameNumber, missing: missing)
        case .variable(let timeBase, let timestamps, let end):
            // Timestamps were checked strictly increasing and `end` past the last.
            return FrameMap(timeBase: timeBase, timestamps: timestamps, end: end, rate: rate,
                            startTimecode: startTimecode, firstFrameNumber: firstFrameNumber)!
        }
    }

    /// `count` images at `rate`, for sequences (one frame per file) and stills.
    init(images count: Int, rate: FrameRate, method: VideoStreamInfo.FrameCountMethod) {
        timing = .constant(rate: rate, count: count, start: .zero)
        self.rate = rate
        self.method = method
        warnings = []
    }

    /// Scans the video stream of `input`, opened as a movie.
    init(movie input: MediaInput) throws(MediaError) {
        let stream = input.videoStream
        let timeBase = input.timeBase
        let candidates = FrameScan.candidateRates(input)
        if input.format.formatName.hasPrefix("mov"), avformat_index_get_entries_count(stream) > 0 {
            let indexed = try FrameScan.readIndex(input)
            // The index holds decode timestamps; they show a constant rate as well as the
            // presentation timestamps do, but a variable rate needs the real ones.
            if let rate = FrameScan.constantRate(indexed, timeBase: timeBase, candidates: candidates) {
                timing = .constant(rate: rate, count: indexed.count, start: FrameScan.startTime(stream, fallback: indexed.first))
                self.rate = rate
                method = .containerIndex
                warnings = []
                return
            }
        }
        let read = try FrameScan.readPackets(input)
        timing = FrameScan.timing(of: read, timeBase: timeBase, candidates: candidates, stream: stream)
        switch timing {
        case .constant(let rate, _, _):
            self.rate = rate
        case .variable(let timeBase, let timestamps, let end):
            // libav's own average (what ffprobe reports), else frames over duration.
            let measured = Rational(timestamps.count) / (Rational(end - timestamps[0]) * timeBase)
            rate = stream.pointee.avg_frame_rate.rational.flatMap(FrameRate.init(exactly:))
                ?? FrameRate(exactly: measured)!
        }
        method = .packets
        warnings = read.warnings
    }

    /// Rates to test a stream against: libav's guess from the stream, then its average.
    private static func candidateRates(_ input: MediaInput) -> [FrameRate] {
        let stream = input.videoStream
        let guessed = av_guess_frame_rate(input.format.pointer, stream, nil).rational
        let average = stream.pointee.avg_frame_rate.rational
        let rates = [guessed, average].compactMap { $0.flatMap { FrameRate(exactly: $0) } }
        var unique: [FrameRate] = []
        for rate in rates where !unique.contains(rate) { unique.append(rate) }
        return unique.isEmpty ? [input.sequenceRate] : unique
    }

    /// The presentation time of the first frame, from the stream, in seconds.
    private static func startTime(_ stream: UnsafeMutablePointer<AVStream>, fallback: Int64?) -> Rational {
        let timeBase = stream.pointee.time_base.rational ?? Rational(1, 90000)
        let start = stream.pointee.start_time != cffmpeg_AV_NOPTS_VALUE() ? stream.pointee.start_time : fallback ?? 0
        return Rational(start) * timeBase
    }

    // MARK: Container index

    /// The timestamps of the index entries an edit list keeps, after checking each lies
    /// within the file.
    private static func readIndex(_ input: MediaInput) throws(MediaError) -> [Int64] {
        let stream = input.videoStream
        let fileSize = avio_size(input.format.pointer.pointee.pb)
        let count = avformat_index_get_entries_count(stream)
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(Int(count))
        var missing = 0
        for index in 0..<count {
            guard let entry = avformat_index_get_entry(stream, index)?.pointee else { continue }
            if Int32(entry.flags) & cffmpeg_AVINDEX_DISCARD_FRAME() != 0 { continue }
            if fileSize > 0 && entry.pos + Int64(entry.size) > fileSize {
                missing += 1
                continue
            }
            timestamps.append(entry.timestamp)
        }
        if missing > 0 {
            throw MediaError(
                .truncated, path: input.path,
                reason: "the file is cut short: its index lists \(timestamps.count + missing) frames but only "
                    + "\(timestamps.count) are in the file (\(fileSize) bytes); an interrupted copy or render?")
        }
        return timestamps.sorted()
    }

    // MARK: Packets

    private struct PacketRead {
        var count = 0
        var timestamps: [Int64] = []
        var missingTimestamps = false
        var end: Int64 = .min
        var warnings: [String] = []
    }

    /// Reads every packet of the video stream (other streams are skipped unread where the
    /// demuxer allows), counting those an edit list does not discard.
    private static func readPackets(_ input: MediaInput) throws(MediaError) -> PacketRead {
        var read = PacketRead()
        var corrupt = 0
        let ended = try input.readVideoPackets { packet in
            let p = packet.pointee
            guard p.flags & cffmpeg_AV_PKT_FLAG_DISCARD() == 0 else { return true }
            if p.flags & cffmpeg_AV_PKT_FLAG_CORRUPT() != 0 { corrupt += 1 }
            read.count += 1
            let timestamp = p.pts != cffmpeg_AV_NOPTS_VALUE() ? p.pts : p.dts
            if timestamp == cffmpeg_AV_NOPTS_VALUE() {
                read.missingTimestamps = true
            } else {
                read.timestamps.append(timestamp)
                read.end = max(read.end, timestamp + max(p.duration, 0))
            }
            return true
        }
        if ended != cffmpeg_AVERROR_EOF() {
            if ended == cffmpeg_AVERROR_EXIT() { throw MediaError.libav(ended, path: input.path, "reading packets") }
            guard read.count > 0 else { throw MediaError.libav(ended, path: input.path, "reading the first packet") }
            read.warnings.append("reading stopped after \(read.count) frames: \(Libav.describe(ended))")
        }
        if corrupt > 0 { read.warnings.append("\(corrupt) video packets are flagged corrupt") }
        guard read.count > 0 else {
            throw MediaError(.notMedia, path: input.path, reason: "the video stream has no frames")
        }
        read.timestamps.sort()
        return read
    }

    private static func timing(of read: PacketRead, timeBase: Rational, candidates: [FrameRate],
                               stream: UnsafeMutablePointer<AVStream>) -> Timing {
        let timestamps = read.timestamps
        let isStrictlyIncreasing = zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 }
        if read.missingTimestamps || timestamps.count < 2 || !isStrictlyIncreasing {
            // Without a timestamp per frame only a constant rate is possible.
            return .constant(rate: candidates[0], count: read.count, start: startTime(stream, fallback: timestamps.first))
        }
        if let rate = constantRate(timestamps, timeBase: timeBase, candidates: candidates) {
            return .constant(rate: rate, count: read.count, start: Rational(timestamps[0]) * timeBase)
        }
        // The last frame lasts as long as its packet says, or as long as the one before it.
        var end = read.end
        if end <= timestamps[timestamps.count - 1] {
            end = timestamps[timestamps.count - 1] + (timestamps[timestamps.count - 1] - timestamps[timestamps.count - 2])
        }
        return .variable(timeBase: timeBase, timestamps: timestamps, end: end)
    }

    /// The first candidate rate at which every timestamp falls on its frame's slot (within
    /// one tick, for containers that round, like Matroska's milliseconds), or `nil`.
    private static func constantRate(_ timestamps: [Int64], timeBase: Rational, candidates: [FrameRate]) -> FrameRate? {
        guard let first = timestamps.first else { return candidates.first }
        let start = Rational(first) * timeBase
        return candidates.first { rate in
            let map = FrameMap(rate: rate, frameCount: timestamps.count, start: start)
            return timestamps.indices.allSatisfy { abs(map.timestamp(ofFrame: $0, timeBase: timeBase) - timestamps[$0]) <= 1 }
        }
    }
}
