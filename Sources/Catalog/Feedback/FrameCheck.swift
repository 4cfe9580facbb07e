import Foundation

/// A frame a browser's player presented that disagreed with the frame map: the review
/// page's self-check. After a seek, a step or a pause on frame k the player must show frame
/// k, and every frame it presents while playing must start where the map says; when it does
/// not, the page reports it here, so a wrong frame in the field is seen, not guessed.
///
/// The same disagreement from the same viewer is one report, counted in `times`.
public struct FrameCheck: Sendable, Hashable, Codable {
    /// When the player saw it.
    public enum Moment: String, Sendable, Hashable, Codable, CaseIterable {
        /// After a seek (a step, a jump, a pause settling): the frame asked for was not shown.
        case seek
        /// While playing: a presented frame's media time was not the start of a frame.
        case play
    }

    public let id: UUID
    public let sessionID: UUID
    public let itemID: UUID
    public let versionID: UUID
    /// Who was watching.
    public let viewer: FeedbackAuthor
    public let during: Moment
    /// The frame the player meant to show.
    public let expected: Int
    /// The frame its media time falls in.
    public let presented: Int
    /// The presented frame's media time, in seconds, as the browser gave it.
    public let mediaTime: Double
    /// The browser, as it says of itself.
    public let userAgent: String?
    public let times: Int
    public let firstAt: Date
    public let lastAt: Date

    enum CodingKeys: String, CodingKey {
        case id, sessionID = "session_id", itemID = "item_id", versionID = "version_id", viewer, during, expected, presented
        case mediaTime = "media_time", userAgent = "user_agent", times, firstAt = "first_at", lastAt = "last_at"
    }
}
