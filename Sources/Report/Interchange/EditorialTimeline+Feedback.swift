import Catalog
import Foundation
import FrameTime

extension EditorialTimeline {
    /// Which file a clip's media reference points at.
    public enum MediaChoice: String, Sendable, Hashable, CaseIterable {
        case original, proxy
    }

    /// The timeline of a session's feedback: its items with review media, in order, each
    /// comment a marker.
    ///
    /// - Parameters:
    ///   - itemsWithoutMedia: keep items with no review media yet too, as clips of no frames
    ///     (for the CSV, which lists every comment); left out otherwise, having no frames to place.
    ///   - mediaURL: the URL of an item's file of the chosen kind.
    public init(_ feedback: SessionFeedback, media: MediaChoice, itemsWithoutMedia: Bool = false,
                mediaURL: (SessionFeedback.Item, MediaChoice) -> String?) {
        self.init(title: feedback.session.title, clips: feedback.items.compactMap { item in
            guard let playback = item.playback.flatMap({ $0.frameCount > 0 ? $0 : nil })
                ?? (itemsWithoutMedia ? Self.noFrames : nil)
            else { return nil }
            let statuses = Dictionary(item.statuses.map { ($0.collaborator.id, $0.status) }, uniquingKeysWith: { first, _ in first })
            let markers = item.threads.compactMap { thread -> Marker? in
                let comment = thread.comment
                guard !comment.isDeleted else { return nil }
                let (first, last): (Int, Int) = switch comment.anchor {
                case .frame(let frame)?: (frame, frame)
                case .range(let first, let last)?: (first, last)
                case .item?, nil: (0, max(0, playback.frameCount - 1))
                }
                return Marker(commentID: comment.id, author: comment.author.name, text: comment.text, first: first, last: last,
                              createdAt: comment.createdAt, isInternal: comment.isInternal, isResolved: comment.resolvedAt != nil,
                              authorStatus: comment.author.kind == .collaborator ? statuses[comment.author.id] : nil,
                              drawing: comment.drawing,
                              replies: thread.replies.map { "\($0.author.name): \($0.text)" },
                              isWholeItem: comment.anchor == nil || comment.anchor == .item)
            }
            let file = media == .original ? item.original : item.proxy
            return Clip(itemID: item.item.id, name: item.name, versionName: item.item.versionName, rate: playback.rate,
                        frameCount: playback.frameCount, firstFrameNumber: playback.firstFrameNumber,
                        startTimecode: playback.startTimecode == nil ? nil : item.labels?.start,
                        mediaURL: mediaURL(item, media), mediaFileName: file?.fileName, status: item.overallStatus,
                        markers: markers)
        }, timeZone: feedback.timeZone)
    }

    /// An item with no media yet: no frames, and a nominal rate that no frame is ever timed by.
    private static let noFrames = PlaybackInfo(frameCount: 0, rate: .fps24, firstFrameNumber: 0, startTimecode: nil, width: 1,
                                               height: 1, hasAudio: false, variableRate: false)
}
