/// How the frames of one piece of media map to time, timecode and frame numbers.
///
/// A frame is an integer index from 0 in display order. Everything else is derived from the
/// index through this map: a timestamp in any time base, the elapsed time as a rational, the
/// SMPTE timecode from the source's start timecode, and the frame number people know (image
/// sequences start at their first file number, such as 1001).
///
/// Constant-rate media needs only the rate and the time of frame 0. Variable-rate media keeps
/// every frame's original timestamp, so the truth survives a constant-rate proxy.
///
/// Timestamps follow the muxers' convention: frame `k` starts at its exact time rounded to the
/// nearest tick of the time base asked for. ``frame(atTimestamp:timeBase:)`` inverts exactly
/// that, so a timestamp read from a container at any time base finds its frame, and
/// `frame(atTimestamp: timestamp(ofFrame: k, timeBase: b), timeBase: b) == k` whenever a tick of
/// `b` is shorter than a frame. No floating point is involved anywhere.
public struct FrameMap: Sendable, Hashable {
    /// When each frame starts.
    public enum Timing: Sendable, Hashable {
        /// Frame `k` starts at `start + k / rate` seconds.
        case constant(start: Rational)
        /// Frame `k` starts at `timestamps[k] × timeBase` seconds; the last frame ends at
        /// `end × timeBase`. Timestamps strictly increase.
        case variable(timeBase: Rational, timestamps: [Int64], end: Int64)
    }

    /// The frame rate: exact for constant-rate media, the average for variable-rate media.
    public let rate: FrameRate
    /// The exact number of frames.
    public let frameCount: Int
    /// The timecode of frame 0, when the source carries one.
    public let startTimecode: Timecode?
    /// The frame number people see for frame 0: the first file number of an image sequence
    /// (1001), 0 for movies.
    public let firstFrameNumber: Int
    /// When each frame starts.
    public let timing: Timing
    /// The frames with no file behind them (gaps in an image sequence), as sorted, disjoint,
    /// inclusive ranges of frame indices; empty when nothing is missing.
    public let missing: [ClosedRange<Int>]

    /// A constant-rate map.
    ///
    /// - Parameters:
    ///   - start: the presentation time of frame 0 in seconds (non-zero when a container
    ///     starts late or an edit list shifts it).
    ///   - missing: frames with no file behind them; see ``missing``.
    public init(rate: FrameRate, frameCount: Int, start: Rational = .zero, startTimecode: Timecode? = nil,
                firstFrameNumber: Int = 0, missing: [ClosedRange<Int>] = []) {
        precondition(frameCount >= 0, "negative frame count")
        precondition(FrameMap.areValid(missing: missing, frameCount: frameCount), "missing frames \(missing) are not sorted ranges within the media")
        self.rate = rate
        self.frameCount = frameCount
        self.startTimecode = startTimecode
        self.firstFrameNumber = firstFrameNumber
        self.timing = .constant(start: start)
        self.missing = missing
    }

    /// A variable-rate map from every frame's timestamp, in display order.
    ///
    /// - Parameters:
    ///   - timestamps: when each frame starts, in `timeBase` units; strictly increasing.
    ///   - end: when the last frame stops showing, in `timeBase` units; after the last timestamp.
    ///   - rate: the average rate; by default `frameCount / duration`.
    /// - Returns: `nil` when the timestamps are empty, not strictly increasing, or `end` does
    ///   not come after them.
    public init?(timeBase: Rational, timestamps: [Int64], end: Int64, rate: FrameRate? = nil,
                 startTimecode: Timecode? = nil, firstFrameNumber: Int = 0) {
        guard timeBase > .zero, let first = timestamps.first, let last = timestamps.last, end > last,
            zip(timestamps, timestamps.dropFirst()).allSatisfy({ $0 < $1 })
        else { return nil }
        let duration = Rational(end - first) * timeBase
        guard let average = rate ?? FrameRate(exactly: Rational(timestamps.count) / duration) else { return nil }
        self.rate = average
        self.frameCount = timestamps.count
        self.startTimecode = startTimecode
        self.firstFrameNumber = firstFrameNumber
        self.timing = .variable(timeBase: timeBase, timestamps: timestamps, end: end)
        self.missing = []
    }

    /// Whether every frame lasts the same time.
    public var isConstantRate: Bool {
        if case .constant = timing { return true }
        return false
    }

    /// The valid frame indices, `0..<frameCount`.
    public var indices: Range<Int> { 0..<frameCount }

    // MARK: Time

    /// When frame `frame` starts, in seconds on the media's own clock. Frames past the end
    /// (up to `frameCount`, the end of the last frame) extrapolate at constant rate.
    ///
    /// - Precondition: `frame` is in `0...frameCount`.
    public func presentationTime(ofFrame frame: Int) -> Rational {
        precondition((0...frameCount).contains(frame), "frame \(frame) outside 0...\(frameCount)")
        switch timing {
        case .constant(let start):
            return start + Rational(frame) * rate.frameDuration
        case .variable(let timeBase, let timestamps, let end):
            return Rational(frame == timestamps.count ? end : timestamps[frame]) * timeBase
        }
    }

    /// Seconds from the start of frame 0 to the start of `frame`.
    ///
    /// - Precondition: `frame` is in `0...frameCount`.
    public func time(ofFrame frame: Int) -> Rational {
        presentationTime(ofFrame: frame) - startTime
    }

    /// The presentation time of frame 0 in seconds.
    public var startTime: Rational {
        switch timing {
        case .constant(let start): start
        case .variable(let timeBase, let timestamps, _): Rational(timestamps.first ?? 0) * timeBase
        }
    }

    /// How long the media lasts, from the start of frame 0 to the end of the last frame.
    public var duration: Rational { time(ofFrame: frameCount) }

    /// When `frame` starts, as a timestamp in `timeBase` units: the exact time rounded to the
    /// nearest tick. `frame == frameCount` gives the end of the last frame.
    ///
    /// - Precondition: `frame` is in `0...frameCount` and `timeBase` is positive.
    public func timestamp(ofFrame frame: Int, timeBase: Rational) -> Int64 {
        precondition(timeBase > .zero, "time base \(timeBase) is not positive")
        return (presentationTime(ofFrame: frame) / timeBase).rounded
    }

    /// The frame showing at `timestamp` (in `timeBase` units): the last frame whose start,
    /// rounded to that time base, is at or before it. `nil` before frame 0 starts or once the
    /// last frame has ended.
    public func frame(atTimestamp timestamp: Int64, timeBase: Rational) -> Int? {
        precondition(timeBase > .zero, "time base \(timeBase) is not positive")
        guard frameCount > 0, timestamp < self.timestamp(ofFrame: frameCount, timeBase: timeBase) else { return nil }
        switch timing {
        case .constant(let start):
            // round((start + k/rate) / timeBase) <= T  ⟺  k < ((T + 1/2)·timeBase − start)·rate
            let bound = ((Rational(timestamp) + Rational(1, 2)) * timeBase - start) * rate.framesPerSecond
            let frame = bound.ceiling - 1
            return frame < 0 ? nil : Int(min(frame, Int64(frameCount - 1)))
        case .variable:
            // Binary search for the last frame starting at or before `timestamp`.
            var low = 0
            var high = frameCount
            while low < high {
                let middle = (low + high) / 2
                if self.timestamp(ofFrame: middle, timeBase: timeBase) <= timestamp {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return low == 0 ? nil : low - 1
        }
    }

    // MARK: Labels

    /// The timecode of `frame`: the start timecode plus `frame` frames. `nil` when the media
    /// has no start timecode.
    public func timecode(ofFrame frame: Int) -> Timecode? {
        startTimecode?.adding(frame)
    }

    /// The frame number people see for `frame`, such as 1042 in a sequence starting at 1001.
    public func frameNumber(ofFrame frame: Int) -> Int {
        firstFrameNumber + frame
    }

    /// The index of the frame people call `frameNumber`, or `nil` outside the media.
    public func frame(forFrameNumber frameNumber: Int) -> Int? {
        let frame = frameNumber - firstFrameNumber
        return indices.contains(frame) ? frame : nil
    }

    // MARK: Missing frames

    /// Whether `frame` has no file behind it (a gap in an image sequence).
    public func isMissing(_ frame: Int) -> Bool {
        missing.range(containing: frame) != nil
    }

    /// How many frames have no file behind them.
    public var missingCount: Int { missing.totalCount }

    /// Whether `missing` is sorted, disjoint (not even touching) and within `0..<frameCount`.
    static func areValid(missing: [ClosedRange<Int>], frameCount: Int) -> Bool {
        guard let first = missing.first, let last = missing.last else { return true }
        return first.lowerBound >= 0 && last.upperBound < frameCount
            && zip(missing, missing.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound }
    }
}
