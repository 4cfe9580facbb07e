import CFFmpeg

/// A deadline libav's blocking calls check through `AVIOInterruptCB`.
///
/// libav polls the callback while it opens, reads and probes; once the deadline passes the
/// call returns `AVERROR_EXIT`. The deadline lives in memory this object owns, because the
/// callback is a C function that can only reach it through the `opaque` pointer.
final class InterruptDeadline {
    private let deadline: UnsafeMutablePointer<Int64>

    /// A deadline `timeout` from now; `nil` for none.
    init(timeout: Duration?) {
        deadline = .allocate(capacity: 1)
        deadline.initialize(to: .max)
        reset(timeout: timeout)
    }

    deinit {
        deadline.deallocate()
    }

    /// Starts a new time bound of `timeout` from now, or removes it.
    func reset(timeout: Duration?) {
        guard let timeout else {
            deadline.pointee = .max
            return
        }
        let (seconds, attoseconds) = timeout.components
        let microseconds = seconds.multipliedReportingOverflow(by: 1_000_000)
        let span = microseconds.overflow ? Int64.max / 2 : microseconds.partialValue + attoseconds / 1_000_000_000_000
        deadline.pointee = av_gettime_relative() + max(0, span)
    }

    /// The callback to install in a format context. It must outlive the context's use.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return av_gettime_relative() >= opaque.load(as: Int64.self) ? 1 : 0
            },
            opaque: UnsafeMutableRawPointer(deadline))
    }
}
