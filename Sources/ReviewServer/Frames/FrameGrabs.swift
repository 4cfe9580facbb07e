import Catalog
import Media

/// Frame grabs of our own proxies for the API: Media's warm ``FrameGrabberPool`` run on the
/// process's ``BlockingPool`` through a lane of its own, so at most the lane's limit are
/// queued or running and the rest answer 503 with `Retry-After` at once.
struct FrameGrabs: Sendable {
    let pool: FrameGrabberPool
    let lane: BlockingPool.Lane

    /// Frame `frame` of the movie at `path` as a JPEG `width` pixels wide.
    ///
    /// - Throws: ``MediaError`` for a frame out of range or a file that cannot be read, and
    ///   ``CatalogError/Code/unavailable`` (with `retryAfter`) when the lane is full.
    func jpeg(path: String, frame: Int, width: Int?) async throws -> [UInt8] {
        let pool = pool
        return try await lane.run { try pool.jpeg(path: path, frame: frame, width: width) }
    }
}
