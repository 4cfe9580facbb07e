import Catalog
import Foundation
import Media
import Synchronization

/// Open frame grabbers of proxies, kept warm between requests so a grab pays only for
/// seeking and decoding, not for opening and indexing the file.
///
/// Grabs decode, which blocks: they run on the process's ``BlockingPool`` through a lane of
/// their own, so at most the lane's limit are queued or running and the rest answer 503
/// with `Retry-After` at once. A grabber is not thread-safe, so each grab takes one out of
/// the pool for itself (opening another when all of a file's are busy) and puts it back
/// after; at most `capacity` idle grabbers stay open, the least recently used closed first.
final class FrameGrabberPool: Sendable {
    /// A grabber lent to one grab at a time.
    private final class Entry: @unchecked Sendable {
        let path: String
        let grabber: FrameGrabber
        init(path: String, grabber: FrameGrabber) {
            self.path = path
            self.grabber = grabber
        }
    }

    private let capacity: Int
    private let lane: BlockingPool.Lane
    /// Idle grabbers, most recently used last.
    private let idle = Mutex<[Entry]>([])

    init(lane: BlockingPool.Lane, capacity: Int = 8) {
        self.lane = lane
        self.capacity = capacity
    }

    /// Frame `frame` of the movie at `path` as a JPEG `width` pixels wide.
    ///
    /// - Throws: ``MediaError`` for a frame out of range or a file that cannot be read, and
    ///   ``CatalogError/Code/unavailable`` (with `retryAfter`) when the lane is full.
    func jpeg(path: String, frame: Int, width: Int?) async throws -> [UInt8] {
        try await lane.run {
            let entry = try self.borrow(path)
            do {
                let jpeg = try entry.grabber.image(frame: frame, width: width, format: .jpeg(quality: 3))
                self.giveBack(entry)
                return jpeg
            } catch let error as MediaError where error.code == .invalidFrame {
                // A frame out of range leaves the grabber as it was: keep it warm.
                self.giveBack(entry)
                throw error
            }
            // Any other failure drops the grabber (closed with its last reference): the next grab opens afresh.
        }
    }

    private func borrow(_ path: String) throws(MediaError) -> Entry {
        let found = idle.withLock { idle -> Entry? in
            guard let index = idle.lastIndex(where: { $0.path == path }) else { return nil }
            return idle.remove(at: index)
        }
        if let found { return found }
        return Entry(path: path, grabber: try FrameGrabber(path))
    }

    private func giveBack(_ entry: Entry) {
        // Closed outside the lock, when the last reference goes.
        let evicted = idle.withLock { idle -> [Entry] in
            idle.append(entry)
            let excess = idle.count - capacity
            guard excess > 0 else { return [] }
            let evicted = Array(idle.prefix(excess))
            idle.removeFirst(excess)
            return evicted
        }
        _ = evicted
    }
}
