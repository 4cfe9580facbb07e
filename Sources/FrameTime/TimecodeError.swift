/// What went wrong building or parsing a ``Timecode``.
public struct TimecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case malformed, outOfRange, dropFrameNotSupported, skippedDropFrameLabel
        }
        private let value: Value

        /// The text is not `HH:MM:SS:FF` or `HH:MM:SS;FF`.
        public static let malformed = Code(value: .malformed)
        /// A field is too large: hours ≥ 24, minutes or seconds ≥ 60, frames ≥ the rate's base.
        public static let outOfRange = Code(value: .outOfRange)
        /// Drop-frame was asked of a rate that has none (only 29.97 and 59.94 and their multiples).
        public static let dropFrameNotSupported = Code(value: .dropFrameNotSupported)
        /// A drop-frame label that does not exist, such as `00:01:00;00`.
        public static let skippedDropFrameLabel = Code(value: .skippedDropFrameLabel)

        public var description: String {
            switch value {
            case .malformed: "malformed"
            case .outOfRange: "outOfRange"
            case .dropFrameNotSupported: "dropFrameNotSupported"
            case .skippedDropFrameLabel: "skippedDropFrameLabel"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for people, naming the offending input.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
