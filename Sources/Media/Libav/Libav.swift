import CFFmpeg
import FrameTime

/// Process-wide libav settings and helpers shared by the wrappers.
public enum Libav {
    /// How much libav writes to standard error.
    public enum LogLevel: Sendable {
        case quiet, error, warning, info, debug

        var rawValue: Int32 {
            switch self {
            case .quiet: AV_LOG_QUIET
            case .error: AV_LOG_ERROR
            case .warning: AV_LOG_WARNING
            case .info: AV_LOG_INFO
            case .debug: AV_LOG_DEBUG
            }
        }
    }

    /// Sets libav's global log level. Dailies reports failures through ``MediaError``, so
    /// programs usually keep libav at `.error` or quieter.
    public static func setLogLevel(_ level: LogLevel) {
        av_log_set_level(level.rawValue)
    }

    /// libav's own sentence for an error code.
    static func describe(_ code: Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            cffmpeg_av_strerror(code, buffer.baseAddress, 256)
            return String(cString: buffer.baseAddress!)
        }
    }

    /// A C string libav owns, or `nil`.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

extension MediaError {
    /// A failure of libav call `operation` with `code`: time-outs and invalid data get their
    /// own codes, anything else is a ``Code/libavFailure`` carrying libav's sentence.
    static func libav(_ code: Int32, path: String, _ operation: String) -> MediaError {
        if code == cffmpeg_AVERROR_EXIT() {
            return MediaError(.timedOut, path: path, reason: "gave up: \(operation) ran past its time limit", libavCode: code)
        }
        return MediaError(.libavFailure, path: path, reason: "\(operation) failed: \(Libav.describe(code))", libavCode: code)
    }
}

extension AVRational {
    /// The Dailies rational, or `nil` for libav's "unknown" (`0/0`, `x/0`).
    var rational: Rational? {
        Rational(exactly: Int64(num), Int64(den))
    }
}
