import ArgumentParser
import FrameTime
import Media

/// How image sequences are read, the same for every command that reads media: probe,
/// transcode, thumbnail and ingest.
struct SequenceFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "What frames of missing files show: hold (the picture before; black before the first), slate "
            + "(says which file is missing) or black. Default: hold; for ingest, the project's default.",
        valueName: "fill"))
    var gapFill: GapFill?

    @Flag(help: "Read an image sequence even when its missing numbers outnumber its files (refused otherwise, as a likely mistake).")
    var allowGaps = false

    @Option(help: ArgumentHelp(
        "An image sequence's first and last frame numbers: numbers inside with no file are gaps, files outside are left out.",
        valueName: "first-last"))
    var range: String?

    func validate() throws {
        if let range, SequenceOptions.range(range) == nil {
            throw ValidationError("--range '\(range)' is not FIRST-LAST with FIRST at most LAST, such as 1001-1100 or -10-20")
        }
    }

    /// The options, filling gaps as `--gap-fill` says or else with `fill`.
    func options(fillingWith fill: GapFill = .hold) -> SequenceOptions {
        SequenceOptions(range: range.flatMap(SequenceOptions.range), gapFill: gapFill ?? fill, allowGaps: allowGaps)
    }
}

extension GapFill: ExpressibleByArgument {}

/// How pictures are made display-referred, the same for every command that makes pictures:
/// probe (which reports it), transcode and thumbnail.
struct PictureFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "How the pictures are made display-referred, whatever the media says of itself: none, srgb (scene-linear "
            + "light, as EXR), cineon (log DPX), pq or hlg (HDR, tone-mapped to Rec. 709). Default: what the media says.",
        valueName: "transform"))
    var displayTransform: DisplayTransform?

    @Option(help: ArgumentHelp("What transparent parts of pictures show: grey (default) or checkerboard.",
                               valueName: "background"))
    var alphaBackground: AlphaBackground = .grey

    /// `options` with these flags' choices.
    func applied(to options: ProbeOptions) -> ProbeOptions {
        var options = options
        options.displayTransform = displayTransform
        options.alphaBackground = alphaBackground
        return options
    }
}

extension DisplayTransform: ExpressibleByArgument {}
extension AlphaBackground: ExpressibleByArgument {}
