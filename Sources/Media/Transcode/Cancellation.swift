import Synchronization

/// A flag another thread raises to stop long work. The work checks it between frames,
/// stops, removes what it had written and throws ``MediaError/Code/cancelled``.
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Asks the work to stop.
    public func cancel() {
        raised.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool {
        raised.load(ordering: .relaxed)
    }
}

/// How far long work has come.
public struct TranscodeProgress: Sendable, Hashable {
    /// Frames finished (all outputs written for them).
    public let framesDone: Int
    public let totalFrames: Int
    /// Time since the work started.
    public let elapsed: Duration

    /// Frames per second so far, for display.
    public var framesPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(framesDone) / seconds : 0
    }

    /// 0 to 1, for display.
    public var fractionDone: Double {
        totalFrames > 0 ? Double(framesDone) / Double(totalFrames) : 1
    }
}
