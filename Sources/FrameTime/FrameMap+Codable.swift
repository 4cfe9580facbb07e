/// The frame map's JSON form, written next to every proxy and served by the API:
///
/// ```json
/// {"rate": "24000/1001", "frame_count": 84, "start": "0/1", "start_timecode": "01:00:00:00",
///  "first_frame_number": 0}
/// ```
///
/// Variable-rate maps replace `start` with `time_base`, `timestamps` and `end`. Times are
/// rationals written as strings, so no float ever stands for a time.
///
/// An image sequence with gaps adds `"missing": [[2, 2], [5, 6]]`: the frames (indices from
/// 0) with no file behind them, as sorted inclusive `[first, last]` ranges. The key is absent
/// when nothing is missing. The review page marks these frames.
extension FrameMap: Codable {
    private enum CodingKeys: String, CodingKey {
        case rate, frameCount = "frame_count", start, startTimecode = "start_timecode"
        case firstFrameNumber = "first_frame_number", timeBase = "time_base", timestamps, end, missing
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rate, forKey: .rate)
        try container.encode(frameCount, forKey: .frameCount)
        try container.encodeIfPresent(startTimecode?.description, forKey: .startTimecode)
        try container.encode(firstFrameNumber, forKey: .firstFrameNumber)
        switch timing {
        case .constant(let start):
            try container.encode(start, forKey: .start)
        case .variable(let timeBase, let timestamps, let end):
            try container.encode(timeBase, forKey: .timeBase)
            try container.encode(timestamps, forKey: .timestamps)
            try container.encode(end, forKey: .end)
        }
        if !missing.isEmpty { try container.encode(missing, forKey: .missing) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rate = try container.decode(FrameRate.self, forKey: .rate)
        let firstFrameNumber = try container.decodeIfPresent(Int.self, forKey: .firstFrameNumber) ?? 0
        var startTimecode: Timecode?
        if let text = try container.decodeIfPresent(String.self, forKey: .startTimecode) {
            do {
                startTimecode = try Timecode(text, rate: rate)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .startTimecode, in: container, debugDescription: error.message)
            }
        }
        if let timestamps = try container.decodeIfPresent([Int64].self, forKey: .timestamps) {
            let timeBase = try container.decode(Rational.self, forKey: .timeBase)
            let end = try container.decode(Int64.self, forKey: .end)
            guard let map = FrameMap(timeBase: timeBase, timestamps: timestamps, end: end, rate: rate,
                                     startTimecode: startTimecode, firstFrameNumber: firstFrameNumber)
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .timestamps, in: container,
                    debugDescription: "timestamps must be non-empty, strictly increasing and end before 'end'")
            }
            self = map
        } else {
            let frameCount = try container.decode(Int.self, forKey: .frameCount)
            guard frameCount >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .frameCount, in: container, debugDescription: "frame_count is negative")
            }
            // A range decodes from `[first, last]`, and refuses `last < first` itself.
            let missing = try container.decodeIfPresent([ClosedRange<Int>].self, forKey: .missing) ?? []
            guard FrameMap.areValid(missing: missing, frameCount: frameCount) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .missing, in: container,
                    debugDescription: "missing must be sorted, separate [first, last] ranges of frames 0 to frame_count - 1")
            }
            self.init(rate: rate, frameCount: frameCount,
                      start: try container.decodeIfPresent(Rational.self, forKey: .start) ?? .zero,
                      startTimecode: startTimecode, firstFrameNumber: firstFrameNumber, missing: missing)
        }
    }
}
