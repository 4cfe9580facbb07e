/// A SMPTE timecode label: `HH:MM:SS:FF`, or `HH:MM:SS;FF` in drop-frame.
///
/// A timecode is stored as the count of frames since `00:00:00:00` at its rate, which makes
/// arithmetic exact and keeps the label a derived form. Drop-frame (29.97 and 59.94) skips
/// the first 2 (or 4) labels of every minute except each tenth, so that the label keeps pace
/// with the wall clock; the frames themselves are never dropped. Timecodes wrap at 24 hours.
public struct Timecode: Sendable, Hashable {
    /// The rate the timecode counts at. Its ``FrameRate/timecodeBase`` gives frames per label second.
    public let rate: FrameRate
    /// Whether labels are drop-frame.
    public let isDropFrame: Bool
    /// Frames since `00:00:00:00`, in `0..<framesPerDay`.
    public let frameNumber: Int

    /// The timecode `frameNumber` frames after `00:00:00:00`, wrapped into 24 hours.
    ///
    /// - Throws: ``TimecodeError/Code/dropFrameNotSupported`` when `dropFrame` is asked of a
    ///   rate without it.
    public init(frameNumber: Int, rate: FrameRate, dropFrame: Bool = false) throws(TimecodeError) {
        if dropFrame && !rate.supportsDropFrame {
            throw TimecodeError(.dropFrameNotSupported, "\(rate.displayName) fps has no drop-frame timecode")
        }
        self.init(unchecked: frameNumber, rate: rate, dropFrame: dropFrame)
    }

    private init(unchecked frameNumber: Int, rate: FrameRate, dropFrame: Bool) {
        self.rate = rate
        self.isDropFrame = dropFrame
        let day = Timecode.framesPerDay(base: rate.timecodeBase, dropped: dropFrame ? rate.droppedLabelsPerMinute : 0)
        let wrapped = frameNumber % day
        self.frameNumber = wrapped < 0 ? wrapped + day : wrapped
    }

    /// The timecode with these fields.
    ///
    /// - Throws: ``TimecodeError`` when a field is out of range, the label is one drop-frame
    ///   skips, or drop-frame is asked of a rate without it.
    public init(hours: Int, minutes: Int, seconds: Int, frames: Int, rate: FrameRate, dropFrame: Bool = false)
        throws(TimecodeError)
    {
        let base = rate.timecodeBase
        var label: String { Timecode.format(hours, minutes, seconds, frames, dropFrame: dropFrame) }
        guard (0..<24).contains(hours), (0..<60).contains(minutes), (0..<60).contains(seconds),
            (0..<base).contains(frames)
        else {
            throw TimecodeError(
                .outOfRange, "timecode \(label) is out of range at \(rate.displayName) fps (frames go to \(base - 1))")
        }
        if dropFrame && !rate.supportsDropFrame {
            throw TimecodeError(.dropFrameNotSupported, "\(rate.displayName) fps has no drop-frame timecode")
        }
        let dropped = dropFrame ? rate.droppedLabelsPerMinute : 0
        if dropped > 0 && seconds == 0 && frames < dropped && minutes % 10 != 0 {
            throw TimecodeError(.skippedDropFrameLabel, "drop-frame timecode skips the label \(label)")
        }
        let totalMinutes = 60 * hours + minutes
        let labels = ((hours * 60 + minutes) * 60 + seconds) * base + frames
        self.init(unchecked: labels - dropped * (totalMinutes - totalMinutes / 10), rate: rate, dropFrame: dropFrame)
    }

    /// Parses `HH:MM:SS:FF` (non-drop) or `HH:MM:SS;FF` / `HH:MM:SS.FF` / `HH;MM;SS;FF` (drop-frame).
    ///
    /// - Parameter dropFrame: overrides what the separator says; `nil` (the default) trusts it.
    /// - Throws: ``TimecodeError``.
    public init(_ text: String, rate: FrameRate, dropFrame: Bool? = nil) throws(TimecodeError) {
        let fields = text.split(omittingEmptySubsequences: false, whereSeparator: { ":;.".contains($0) })
        guard fields.count == 4,
            fields.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let separator = text.dropFirst(fields[0].count + fields[1].count + fields[2].count + 2).first
        else {
            throw TimecodeError(.malformed, "'\(text)' is not a timecode like 01:00:00:00 or 00:59:59;28")
        }
        let values = fields.map { Int($0)! }
        try self.init(
            hours: values[0], minutes: values[1], seconds: values[2], frames: values[3], rate: rate,
            dropFrame: dropFrame ?? (separator == ";" || separator == "."))
    }

    /// Frames in 24 hours of labels at this rate.
    public var framesPerDay: Int {
        Timecode.framesPerDay(base: rate.timecodeBase, dropped: isDropFrame ? rate.droppedLabelsPerMinute : 0)
    }

    private static func framesPerDay(base: Int, dropped: Int) -> Int {
        24 * 6 * (base * 600 - dropped * 9)
    }

    /// The label's fields.
    public var components: (hours: Int, minutes: Int, seconds: Int, frames: Int) {
        let base = rate.timecodeBase
        var labels = frameNumber
        let dropped = isDropFrame ? rate.droppedLabelsPerMinute : 0
        if dropped > 0 {
            // Put back the labels skipped before this frame: 9 minutes in each full block of ten,
            // and the minutes started in the current block past its first.
            let framesPerTenMinutes = base * 600 - dropped * 9
            let framesPerDroppedMinute = base * 60 - dropped
            let tens = frameNumber / framesPerTenMinutes
            let remainder = frameNumber % framesPerTenMinutes
            labels += dropped * 9 * tens
            if remainder >= dropped {
                labels += dropped * ((remainder - dropped) / framesPerDroppedMinute)
            }
        }
        return (labels / (base * 3600), labels / (base * 60) % 60, labels / base % 60, labels % base)
    }

    /// The timecode `frames` later (or earlier, when negative), wrapping at 24 hours.
    public func adding(_ frames: Int) -> Timecode {
        Timecode(unchecked: frameNumber + frames, rate: rate, dropFrame: isDropFrame)
    }

    /// Frames from `other` to this timecode, both at the same rate and drop-frame mode, in
    /// `0..<framesPerDay` (the distance forward, across midnight if need be).
    public func frames(since other: Timecode) -> Int {
        precondition(rate == other.rate && isDropFrame == other.isDropFrame, "timecodes of different kinds")
        let distance = (frameNumber - other.frameNumber) % framesPerDay
        return distance < 0 ? distance + framesPerDay : distance
    }

    private static func format(_ h: Int, _ m: Int, _ s: Int, _ f: Int, dropFrame: Bool) -> String {
        func two(_ value: Int) -> String { value < 10 && value >= 0 ? "0\(value)" : "\(value)" }
        return "\(two(h)):\(two(m)):\(two(s))\(dropFrame ? ";" : ":")\(two(f))"
    }
}

extension Timecode: CustomStringConvertible {
    /// `HH:MM:SS:FF`, or `HH:MM:SS;FF` in drop-frame (the format libavutil writes).
    public var description: String {
        let (h, m, s, f) = components
        return Timecode.format(h, m, s, f, dropFrame: isDropFrame)
    }
}
