import Synchronization

/// Open frame grabbers, kept warm between grabs so a grab pays only for seeking and
/// decoding, not for opening and indexing the file. The API server's frame grabs use it,
/// and so can workers and reports (frame receipts).
///
/// A grab decodes, which blocks: callers run ``withGrabber(for:frame:_:)`` on a bounded pool of
/// their own. A grabber is not thread-safe, so each grab takes one out of the pool for
/// itself (opening another when all of a file's are busy) and puts it back after; at most
/// `capacity` idle grabbers stay open, the least recently used closed first. A grabber
/// given back after a step forward reads the next frame ahead while it is idle (see
/// ``FrameGrabber/readAhead()``).
public final class FrameGrabberPool: Sendable {
    /// A grabber lent to one grab at a time.
    private final class Entry: @unchecked Sendable {
        let path: String
        let grabber: FrameGrabber
        /// The frame a step from its last grab would ask for; read and written under `idle`'s lock.
        var nextStep: Int?
        init(path: String, grabber: FrameGrabber) {
            self.path = path
            self.grabber = grabber
        }
    }

    private let capacity: Int
    /// Idle grabbers, most recently used last.
    private let idle = Mutex<[Entry]>([])

    public init(capacity: Int = 8) {
        self.capacity = capacity
    }

    /// Runs `body` with a grabber of the movie at `path`, to itself for the call.
    ///
    /// With `frame`, the frame `body` will grab, a grabber whose last grab was the frame
    /// before is lent first, so several viewers stepping through one movie at once each keep
    /// the grabber that is reading ahead for them. Otherwise the one given back longest ago
    /// is lent: the one least likely to be a viewer's that is still stepping.
    ///
    /// The grabber goes back to the pool after, unless `body` failed other than with a frame
    /// out of range: a grabber that failed is dropped (closed with its last reference), and
    /// the next grab opens the file afresh.
    public func withGrabber<T>(for path: String, frame: Int? = nil, _ body: (FrameGrabber) throws(MediaError) -> T)
        throws(MediaError) -> T
    {
        let entry = try borrow(path, frame: frame)
        do {
            let result = try body(entry.grabber)
            giveBack(entry, grabbed: frame)
            return result
        } catch where error.code == .invalidFrame {
            // A frame out of range leaves the grabber as it was: keep it warm.
            giveBack(entry, grabbed: nil)
            throw error
        }
    }

    /// Frame `frame` of the movie at `path` as a JPEG `width` pixels wide (its own width by default).
    public func jpeg(path: String, frame: Int, width: Int?) throws(MediaError) -> [UInt8] {
        try withGrabber(for: path, frame: frame) { grabber throws(MediaError) in
            try grabber.image(frame: frame, width: width, format: .jpeg(quality: 3))
        }
    }

    /// Frame `frame` of the movie at `path`, as the grabber made it (full size as displayed,
    /// tightly packed RGB24) and as a JPEG of that size: a frame receipt's two halves, from
    /// one decode.
    public func still(path: String, frame: Int) throws(MediaError) -> (picture: Picture, jpeg: [UInt8]) {
        try withGrabber(for: path, frame: frame) { grabber throws(MediaError) in
            (try grabber.picture(frame: frame, layout: .rgb24), try grabber.image(frame: frame, format: .jpeg(quality: 3)))
        }
    }

    private func borrow(_ path: String, frame: Int?) throws(MediaError) -> Entry {
        let found = idle.withLock { idle -> Entry? in
            guard let index = idle.lastIndex(where: { $0.path == path && frame != nil && $0.nextStep == frame })
                ?? idle.firstIndex(where: { $0.path == path })
            else { return nil }
            return idle.remove(at: index)
        }
        if let found { return found }
        return Entry(path: path, grabber: try FrameGrabber(path))
    }

    private func giveBack(_ entry: Entry, grabbed frame: Int?) {
        // Before another grab can take it: a grabber being stepped through decodes the next
        // frame while it waits.
        entry.grabber.readAhead()
        let evicted = idle.withLock { idle -> [Entry] in
            entry.nextStep = frame.map { $0 + 1 }
            idle.append(entry)
            let excess = idle.count - capacity
            guard excess > 0 else { return [] }
            let evicted = Array(idle.prefix(excess))
            idle.removeFirst(excess)
            return evicted
        }
        // The evicted grabbers close here, outside the lock, as their last reference goes.
        _ = evicted
    }
}
