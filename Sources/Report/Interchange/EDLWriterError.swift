/// Why ``EDLWriter`` would not write a session's EDL.
public struct EDLWriterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The items have different frame rates, and one EDL counts every timecode at one
        /// rate. The OpenTimelineIO export, which keeps a rate per clip, still works.
        public static let mixedFrameRates = Code("mixed_frame_rates")

        public var description: String { value }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for people: what went wrong and where (the items and their rates).
    public let message: String

    /// An error of `code`, described by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
