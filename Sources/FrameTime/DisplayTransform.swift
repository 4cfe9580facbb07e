/// How a source's pictures are turned into pictures for a review screen (sRGB or Rec. 709):
/// every output of a version (proxy, poster, filmstrip, grab) is made through the same one.
///
/// Media chooses one from what the source says of itself (see `DisplayTransform.detect` in
/// Media); a version may override it. Like ``GapFill``, it is a setting of how a source is
/// read that the catalog stores and the media core applies, so both sides share this type.
public enum DisplayTransform: String, Sendable, Hashable, Codable, CaseIterable {
    /// The pictures are display-referred already (video, PNG, JPEG, linear-tagged DPX):
    /// nothing but the usual matrix and range conversion.
    case none
    /// Scene-linear light (EXR, float TIFF) shown through the sRGB curve (IEC 61966-2-1)
    /// with Rec. 709 primaries, as a compositor's default viewer shows it.
    case srgb
    /// Cineon printing density (log DPX): reference black 95, white 685, 0.6 negative gamma
    /// to linear, then the sRGB curve. Values above reference white clip.
    case cineon
    /// SMPTE ST 2084 (PQ) HDR, tone-mapped with Hable to Rec. 709 SDR.
    case pq
    /// ARIB STD-B67 (HLG) HDR, tone-mapped with Hable to Rec. 709 SDR.
    case hlg
}

/// What shows through where a picture is transparent: its alpha is composited over this
/// before it becomes a proxy, a poster or a grab, rather than dropped.
public enum AlphaBackground: String, Sendable, Hashable, Codable, CaseIterable {
    /// A neutral 50 % grey.
    case grey
    /// A grey checkerboard (40 % and 60 %), as compositing applications show transparency.
    case checkerboard
}
