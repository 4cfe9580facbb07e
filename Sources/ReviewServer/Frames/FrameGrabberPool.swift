import Foundation
import Media
import Synchronization

/// Open frame grabbers of proxies, kept warm between requests so a grab pays only for
/// seeking and decoding, not for opening and indexing the file.
///
/// A grabber is not thread-safe: each is used by one grab at a time (its own lock), and
/// grabs run on threads of their own since decoding blocks. At most `capacity` files stay
/// open; the least recently used one is closed first.
final class FrameGrabberPool: Sendable {
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        let grabber: FrameGrabber
        init(_ grabber: FrameGrabber) { self.grabber = grabber }
    }

    private let capacity: Int
    private let entries = Mutex<[(path: String, entry: Entry)]>([])

    init(capacity: Int = 8) {
        self.capacity = capacity
    }

    /// Frame `frame` of the movie at `path` as a JPEG `width` pixels wide.
    func jpeg(path: String, frame: Int, width: Int?) async throws -> [UInt8] {
        let result: Result<[UInt8], MediaError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { () throws(MediaError) -> [UInt8] in
                    let entry = try self.entry(for: path)
                    entry.lock.lock()
                    defer { entry.lock.unlock() }
                    return try entry.grabber.image(frame: frame, width: width, format: .jpeg(quality: 3))
                })
            }
        }
        return try result.get()
    }

    private func entry(for path: String) throws(MediaError) -> Entry {
        if let found = entries.withLock({ entries -> Entry? in
            guard let index = entries.firstIndex(where: { $0.path == path }) else { return nil }
            let found = entries.remove(at: index)
            entries.append(found)  // most recently used last
            return found.entry
        }) {
            return found
        }
        let entry = Entry(try FrameGrabber(path))
        entries.withLock { entries in
            entries.append((path, entry))
            if entries.count > capacity { entries.removeFirst() }
        }
        return entry
    }
}
