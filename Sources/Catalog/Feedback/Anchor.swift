import FrameTime

/// Where a comment sits on its item: one frame, an inclusive range of frames, or the whole
/// item. Frames are indexes from 0 into the version's media, never times (see
/// `docs/feedback-format.md`, "Anchors").
public enum Anchor: Sendable, Hashable {
    case item
    case frame(Int)
    /// Both ends included; `first <= last`.
    case range(first: Int, last: Int)

    /// The frame a drawing on this anchor is drawn on: the frame, or a range's first.
    public var drawingFrame: Int? {
        switch self {
        case .item: nil
        case .frame(let frame): frame
        case .range(let first, _): first
        }
    }

    /// Checks the anchor against the item's media.
    ///
    /// - Parameter frameCount: the item's frame count, `nil` while its media is not ready
    ///   (then only the whole item can be anchored to).
    public func validated(frameCount: Int?) throws(CatalogError) -> Anchor {
        let frames: [(String, Int)] = switch self {
        case .item: []
        case .frame(let frame): [("anchor.frame", frame)]
        case .range(let first, let last): [("anchor.first", first), ("anchor.last", last)]
        }
        guard !frames.isEmpty else { return self }
        guard let frameCount else {
            throw CatalogError.invalid("anchor", "the item's media is not ready: comment on the whole item for now")
        }
        for (field, frame) in frames where !(0..<frameCount).contains(frame) {
            throw CatalogError.invalid(field, "frame \(frame) is not in the item's \(frameCount) frames (0 to \(frameCount - 1))")
        }
        if case .range(let first, let last) = self, first > last {
            throw CatalogError.invalid("anchor.last", "the range ends (\(last)) before it starts (\(first))")
        }
        return self
    }
}

extension Anchor: Codable {
    enum CodingKeys: String, CodingKey { case frame, first, last }

    /// The request's form: `{"frame": k}`, `{"first": a, "last": b}` or `{}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let frame = try container.decodeIfPresent(Int.self, forKey: .frame) {
            self = .frame(frame)
        } else if container.contains(.first) || container.contains(.last) {
            self = .range(first: try container.decode(Int.self, forKey: .first), last: try container.decode(Int.self, forKey: .last))
        } else {
            self = .item
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .item: break
        case .frame(let frame): try container.encode(frame, forKey: .frame)
        case .range(let first, let last):
            try container.encode(first, forKey: .first)
            try container.encode(last, forKey: .last)
        }
    }
}

/// The names people know a version's frames by: the frame number (1001… for a sequence
/// from 1001) and the source timecode, derived from the proxy's playback facts.
public struct FrameLabels: Sendable, Hashable {
    public let firstFrameNumber: Int
    /// The timecode of frame 0.
    public let start: Timecode

    /// Labels for `info`'s frames. A source without a start timecode counts from
    /// `00:00:00:00`, drop-frame at 29.97 and 59.94.
    public init(_ info: PlaybackInfo) {
        firstFrameNumber = info.firstFrameNumber
        if let text = info.startTimecode, let parsed = try? Timecode(text, rate: info.rate) {
            start = parsed
        } else {
            // Cannot throw: drop-frame is asked only of the rates that have it.
            start = try! Timecode(frameNumber: 0, rate: info.rate, dropFrame: info.rate.supportsDropFrame)
        }
    }

    /// The number people call frame `index` by.
    public func number(_ index: Int) -> Int { firstFrameNumber + index }

    /// Frame `index`'s timecode label.
    public func timecode(_ index: Int) -> String { start.adding(index).description }
}

/// An anchor as the API answers it: the indexes, and beside them the numbers and timecodes
/// people know (see `docs/feedback-format.md`).
public struct LabeledAnchor: Sendable, Hashable, Encodable {
    public let anchor: Anchor
    public let labels: FrameLabels?

    public init(_ anchor: Anchor, labels: FrameLabels?) {
        self.anchor = anchor
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey {
        case number, timecode, firstNumber = "first_number", lastNumber = "last_number"
        case firstTimecode = "first_timecode", lastTimecode = "last_timecode"
    }

    public func encode(to encoder: any Encoder) throws {
        try anchor.encode(to: encoder)
        guard let labels else { return }
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch anchor {
        case .item: break
        case .frame(let frame):
            try container.encode(labels.number(frame), forKey: .number)
            try container.encode(labels.timecode(frame), forKey: .timecode)
        case .range(let first, let last):
            try container.encode(labels.number(first), forKey: .firstNumber)
            try container.encode(labels.number(last), forKey: .lastNumber)
            try container.encode(labels.timecode(first), forKey: .firstTimecode)
            try container.encode(labels.timecode(last), forKey: .lastTimecode)
        }
    }
}
