import CFFmpeg
import Foundation

/// A decoded picture or sound passed from the transcode's decoding stage to its output
/// stage, with its own reference to the frame's buffers.
///
/// `@unchecked Sendable`: it moves between threads whole. The stage that makes it never
/// touches it after handing it over, and the buffers it references are never written
/// again (``Frame/prepare(_:width:height:path:)`` gives a converter a fresh buffer while
/// a handed-over frame still holds the old one).
final class HandedFrame: @unchecked Sendable {
    enum Kind {
        /// Proxy frame `index`'s picture, sized, turned and converted.
        case video(index: Int)
        /// Decoded sound for the proxy's audio.
        case audio
    }

    let kind: Kind
    let frame = Frame()

    /// A new reference to `source`'s buffers and properties.
    init(_ kind: Kind, referencing source: UnsafeMutablePointer<AVFrame>, path: String) throws(MediaError) {
        self.kind = kind
        let referenced = av_frame_ref(frame.pointer, source)
        guard referenced >= 0 else { throw MediaError.libav(referenced, path: path, "handing a frame on") }
    }
}

/// A bounded queue between two stages of a transcode: the decoding stage puts frames in,
/// waiting while `capacity` are waiting already, and the output stage takes them in order.
/// Either side can end it: the producer by ``finish()`` when it has no more, the consumer
/// by ``close()`` when it gives up, after which ``put(_:)`` refuses.
final class FrameHandOff: @unchecked Sendable {
    private let condition = NSCondition()
    /// At most `capacity` frames. A frame taken leaves at once: the queue must not keep a
    /// reference to a picture the encoder is done with, or its buffer is not reused.
    private var waiting: [HandedFrame] = []
    private var isFinished = false
    private var isClosed = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues `frame`, waiting for room; `false` when the consumer has closed the queue.
    func put(_ frame: HandedFrame) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= capacity && !isClosed { condition.wait() }
        guard !isClosed else { return false }
        waiting.append(frame)
        condition.broadcast()
        return true
    }

    /// The next frame, waiting for one; `nil` once the producer has finished and every
    /// frame was taken.
    func take() -> HandedFrame? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !isFinished { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        let frame = waiting.removeFirst()
        condition.broadcast()
        return frame
    }

    /// The producer has put its last frame.
    func finish() {
        condition.lock()
        isFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stops taking: frames waiting are released, and the producer's next
    /// ``put(_:)`` returns `false`.
    func close() {
        condition.lock()
        isClosed = true
        waiting.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs one stage of work on a thread of its own; ``join()`` waits for it to end.
final class StageThread<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, MediaError>?

    init(name: String, _ body: @escaping @Sendable () -> Result<Value, MediaError>) {
        let thread = Thread { [self] in
            result = body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// What the stage returned or threw, once it has ended.
    func join() -> Result<Value, MediaError> {
        done.wait()
        return result!
    }
}

/// A value moved to another thread that the type system cannot see is used by one thread
/// at a time: the transcode's stages touch disjoint parts of it, and the caller joins the
/// other stage before using the rest.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
}
