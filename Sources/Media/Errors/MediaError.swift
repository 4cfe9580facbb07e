/// A failure to read media, saying what went wrong and with which file.
///
/// Programs match on ``code``; people read ``description``, which names the file, says what
/// is wrong with it in plain words and, where libav had something to say, adds its reason.
public struct MediaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for programs to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case fileNotFound, isDirectory, notRegularFile, permissionDenied, emptyFile, truncated
            case notMedia, unsupported, invalidSequence, mostlyMissing, invalidFrame, timedOut, cancelled, decodeFailed, encodeFailed, libavFailure
        }
        private let value: Value

        /// Nothing exists at the path, or no file matches a sequence pattern.
        public static let fileNotFound = Code(value: .fileNotFound)
        /// The path is a directory; media is a file, a sequence member or a sequence pattern.
        public static let isDirectory = Code(value: .isDirectory)
        /// The path is a pipe, socket or device, which could block forever.
        public static let notRegularFile = Code(value: .notRegularFile)
        /// The file exists but cannot be read.
        public static let permissionDenied = Code(value: .permissionDenied)
        /// The file has no bytes.
        public static let emptyFile = Code(value: .emptyFile)
        /// The file stops before its own structure says it ends: an interrupted copy or render.
        public static let truncated = Code(value: .truncated)
        /// FFmpeg recognises no media format in the file.
        public static let notMedia = Code(value: .notMedia)
        /// The file is media, but not something Dailies can review: no video stream, or no decoder.
        public static let unsupported = Code(value: .unsupported)
        /// An image sequence pattern or member that does not describe a usable sequence.
        public static let invalidSequence = Code(value: .invalidSequence)
        /// An image sequence with more numbers missing than files (`a.0001.dpx` beside
        /// `a.5000.dpx`): filling its gaps would invent most of it, so it is refused unless
        /// gaps are allowed (``SequenceOptions/allowGaps``). The reason names the gaps.
        public static let mostlyMissing = Code(value: .mostlyMissing)
        /// A frame index or picture size outside what the media has.
        public static let invalidFrame = Code(value: .invalidFrame)
        /// Reading took longer than its time bound.
        public static let timedOut = Code(value: .timedOut)
        /// The work was cancelled; nothing was left behind.
        public static let cancelled = Code(value: .cancelled)
        /// The decoder failed on the file's data.
        public static let decodeFailed = Code(value: .decodeFailed)
        /// An encoder or muxer failed.
        public static let encodeFailed = Code(value: .encodeFailed)
        /// Any other libav failure; the message carries libav's reason.
        public static let libavFailure = Code(value: .libavFailure)

        /// The code as a stable identifier, `fileNotFound`, for logs and JSON.
        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The file (or sequence pattern) concerned.
    public let path: String
    /// What went wrong, in plain words, without the path.
    public let reason: String
    /// The libav error code behind the failure, when there is one.
    public let libavCode: Int32?

    public init(_ code: Code, path: String, reason: String, libavCode: Int32? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
        self.libavCode = libavCode
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
