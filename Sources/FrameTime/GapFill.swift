/// What a frame with no file behind it shows: a number missing from an image sequence
/// (`shot.1003.dpx` of `shot.1001-1008`) still has its frame, so every frame after it keeps
/// its number, and the frame map marks it missing.
public enum GapFill: String, Sendable, Hashable, Codable, CaseIterable {
    /// The last picture before the gap, held; black when the gap comes before any picture.
    case hold
    /// A slate saying which file is missing ("MISSING 1003").
    case slate
    /// Black.
    case black
}
