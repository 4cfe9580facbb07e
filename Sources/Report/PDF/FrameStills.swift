import Catalog
import Foundation
import Media

/// A picture for a report: its pixels, and the JPEG it came as, which the PDF embeds as is.
public struct FrameStill: Sendable {
    /// Where it came from.
    public enum Source: String, Sendable, Hashable {
        /// The comment's frame receipt: the still its author saw, grabbed when they commented.
        case receipt
        /// Grabbed now from the proxy, frame-exact, because the receipt is not ready.
        case grab
        /// The version's poster.
        case poster
    }

    public let picture: Picture
    public let jpeg: [UInt8]?
    public let source: Source

    public init(picture: Picture, jpeg: [UInt8]?, source: Source) {
        self.picture = picture
        self.jpeg = jpeg
        self.source = source
    }
}

/// Where a report's pictures come from.
public protocol FrameStillSource: Sendable {
    /// The picture of `frame` for `comment` on `item`; `nil` when there is none to be had
    /// (the version has no proxy).
    func still(comment: ReviewComment, frame: Int, item: SessionFeedback.Item) throws -> FrameStill?
    /// The item's poster, if it has one.
    func poster(_ item: SessionFeedback.Item) throws -> FrameStill?
}

/// The stills of a data folder: a comment's receipt where it is ready, else a frame-exact
/// grab from the proxy through the warm grabber pool (never a decode of a whole file).
public struct StoredFrameStills: FrameStillSource {
    /// The absolute path of a file the catalog names relative to the data folder.
    let absolutePath: @Sendable (String) -> String
    let grabbers: FrameGrabberPool

    public init(grabbers: FrameGrabberPool, absolutePath: @escaping @Sendable (String) -> String) {
        self.grabbers = grabbers
        self.absolutePath = absolutePath
    }

    public func still(comment: ReviewComment, frame: Int, item: SessionFeedback.Item) throws -> FrameStill? {
        if let receipt = comment.receipt, receipt.state == .ready, receipt.frame == frame, let path = receipt.path,
            let still = try? Self.jpegStill(absolutePath(path), source: .receipt)
        {
            return still
        }
        guard let proxy = item.proxyPath else { return nil }
        let (picture, jpeg) = try grabbers.still(path: absolutePath(proxy), frame: frame)
        return FrameStill(picture: picture, jpeg: jpeg, source: .grab)
    }

    public func poster(_ item: SessionFeedback.Item) throws -> FrameStill? {
        guard let path = item.posterPath else { return nil }
        return try Self.jpegStill(absolutePath(path), source: .poster)
    }

    /// A JPEG file's picture and bytes.
    static func jpegStill(_ path: String, source: FrameStill.Source) throws -> FrameStill? {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard let decoded = try VideoFrameReader(path).next(.rgb24) else { return nil }
        // Only a JPEG goes into the PDF as its bytes; anything else is embedded as pixels.
        return FrameStill(picture: decoded.picture, jpeg: bytes.starts(with: [0xFF, 0xD8]) ? bytes : nil, source: source)
    }
}
