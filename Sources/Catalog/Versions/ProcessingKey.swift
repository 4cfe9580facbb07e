import Crypto
import Foundation
import FrameTime

/// Everything that decides what a transcode makes of an original, as one SHA-256: the
/// original's bytes, the proxy profile, the display transform asked for, how a sequence's
/// gaps are filled, what transparency is composited over, and the version of the pipeline's
/// code. Every derived file records the key it was made with, and a reprocess remakes the
/// outputs whose key is no longer the one their version would get now, so a changed setting
/// is never skipped as "already up to date".
public struct ProcessingKey: Sendable, Hashable {
    public var sourceSHA256: String
    public var profile: String
    /// The version's override; `nil` when the media decides.
    public var displayTransform: DisplayTransform?
    /// How the sequence's gaps are filled; `nil` for media that is not a sequence.
    public var gapFill: GapFill?
    /// What transparency is composited over; `nil` for media without alpha.
    public var alphaBackground: AlphaBackground?
    /// `Transcoder.pipelineVersion` of the code that made (or would make) the files.
    public var pipelineVersion: Int

    public init(sourceSHA256: String, profile: String, displayTransform: DisplayTransform?, gapFill: GapFill?,
                alphaBackground: AlphaBackground?, pipelineVersion: Int) {
        self.sourceSHA256 = sourceSHA256
        self.profile = profile
        self.displayTransform = displayTransform
        self.gapFill = gapFill
        self.alphaBackground = alphaBackground
        self.pipelineVersion = pipelineVersion
    }

    /// Hex SHA-256 of the fields, each named, one per line.
    public var digest: String {
        let text = [
            "source_sha256=\(sourceSHA256)", "profile=\(profile)", "display_transform=\(displayTransform?.rawValue ?? "auto")",
            "gap_fill=\(gapFill?.rawValue ?? "-")", "alpha_background=\(alphaBackground?.rawValue ?? "-")",
            "pipeline_version=\(pipelineVersion)",
        ].joined(separator: "\n")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension ProcessingKey {
    /// The digests an output of `version` for `profile` may carry and still be up to date
    /// with the version's settings and the project's `defaults` today.
    ///
    /// Two, since the catalog cannot tell from here whether the media has alpha: the key
    /// made without an alpha background (media without alpha), and the one with the
    /// project's (media with it). Either matching is current; an output made with another
    /// background matches neither.
    public static func currentDigests(original: Component, version: Version, defaults: ProjectDefaults, profile: String,
                                      pipelineVersion: Int) -> Set<String>
    {
        var key = ProcessingKey(
            sourceSHA256: original.sha256, profile: profile, displayTransform: version.displayTransform,
            gapFill: sequenceGapFill(originalMediaInfo: original.mediaInfo, projectDefault: defaults.gapFill),
            alphaBackground: nil, pipelineVersion: pipelineVersion)
        let withoutAlpha = key.digest
        key.alphaBackground = defaults.alphaBackground
        return [withoutAlpha, key.digest]
    }

    /// What fills a stored sequence's gaps: its ingest's choice, or else the project's
    /// default; `nil` when the original is not a sequence or has no gaps, so the setting
    /// changes nothing. Read from the original's `media_info` (see ``OriginalSequence``).
    public static func sequenceGapFill(originalMediaInfo: String?, projectDefault: GapFill) -> GapFill? {
        guard let sequence = OriginalSequence(mediaInfo: originalMediaInfo), !sequence.gaps.isEmpty else { return nil }
        return sequence.gapFill ?? projectDefault
    }
}
