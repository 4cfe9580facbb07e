import ArgumentParser
import Foundation
import FrameTime
import Media

/// `dailies probe`: what a file is, frame-exact.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Describe a movie, image sequence or still: streams, exact frame count and rate, timecode.",
        discussion: """
            FILE is a movie, a still, or an image sequence given as one of its files \
            (shot.1001.exr) or as a pattern (shot.%04d.exr, shot.####.exr, or RV's \
            shot.1001-1100#.exr, which also gives the range). A sequence runs from its first \
            file number to its last: missing numbers keep their frames, listed as gaps.

            Exit status: 0 on success, 66 when the file does not exist, 77 when it cannot be \
            read, 75 when probing ran past --timeout, 65 for any other bad input.
            """)

    @Argument(help: "The media to describe.", completion: .file())
    var file: String

    @Flag(help: "Print JSON (snake_case keys, rates and times as exact n/d strings).")
    var json = false

    @Option(help: ArgumentHelp("Frame rate of image sequences and stills, such as 24, 25 or 24000/1001.",
                               valueName: "rate"))
    var sequenceRate: String = "24"

    @OptionGroup var sequence: SequenceFlags

    @OptionGroup var picture: PictureFlags

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 60

    @Flag(help: "Let FFmpeg's libraries log their warnings.")
    var verbose = false

    func validate() throws {
        guard FrameRate(sequenceRate) != nil else {
            throw ValidationError("--sequence-rate '\(sequenceRate)' is not a rate like 24, 25, 23.976 or 24000/1001")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        Libav.setLogLevel(verbose ? .warning : .quiet)
        let options = picture.applied(to: ProbeOptions(timeout: .seconds(timeout), sequenceRate: FrameRate(sequenceRate)!,
                                                       sequence: sequence.options()))
        let info: MediaInfo
        do {
            info = try MediaProbe.probe(file, options: options)
        } catch {
            throw error.report()
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(info), as: UTF8.self))
        } else {
            print(info.report)
        }
    }
}

extension MediaInfo {
    /// A few aligned lines for people.
    var report: String {
        var lines: [(String, String)] = []
        let seconds = container.duration.map { "\($0.decimalString(places: 3)) s" } ?? "unknown duration"
        lines.append(("container", "\(container.formatLongName ?? container.format) (\(container.format)), \(seconds), \(Self.bytes(container.fileSize))"))
        if let sequence {
            lines.append(("sequence", "\(sequence.pattern), \(sequence.firstNumber)–\(sequence.lastNumber), "
                + "\(sequence.fileCount) of \(sequence.count) files"))
            if !sequence.gaps.isEmpty {
                let filled = switch sequence.gapFill {
                case .hold: "by holding the picture before"
                case .slate: "with a slate"
                case .black: "with black"
                }
                let frames = sequence.missingCount == 1 ? "1 frame" : "\(sequence.missingCount) frames"
                lines.append(("gaps", "\(ImageSequence.describe(sequence.gaps)): \(frames) filled \(filled)"))
            }
        }
        let v = video
        var picture = "\(v.codec)\(v.profile.map { " (\($0))" } ?? "") \(v.width)×\(v.height)"
        picture += ", SAR \(v.sampleAspectRatio.numerator):\(v.sampleAspectRatio.denominator)"
        picture += ", DAR \(v.displayAspectRatio.numerator):\(v.displayAspectRatio.denominator)"
        lines.append(("video", picture))
        var shown = "\(v.displayWidth)×\(v.displayHeight)"
        if v.rotation != 0 { shown += ", turned \(v.rotation)° clockwise" }
        lines.append(("shown as", shown))
        let chroma = v.chromaSubsampling.map { " \($0)" } ?? ""
        lines.append(("pixels", "\(v.pixelFormat), \(v.bitDepth)-bit\(chroma)"))
        let colour = [v.colorPrimaries, v.colorTransfer, v.colorSpace].map { $0 ?? "unspecified" }.joined(separator: " / ")
        lines.append(("colour", "\(colour), range \(v.colorRange ?? "unspecified")"))
        let shownThrough: String = switch v.displayTransform ?? .none {
        case .none: "as stored (display-referred)"
        case .srgb: "srgb: scene-linear light through the sRGB curve"
        case .cineon: "cineon: log density (black 95, white 685) to linear, then the sRGB curve"
        case .pq: "pq: HDR tone-mapped (Hable) to Rec. 709"
        case .hlg: "hlg: HDR tone-mapped (Hable) to Rec. 709"
        }
        lines.append(("display", shownThrough))
        if let background = v.alphaBackground { lines.append(("alpha", "composited over \(background)")) }
        let counted: String = switch v.frameCountMethod {
        case .containerIndex: "counted in the container's index"
        case .packets: "counted packet by packet"
        case .files: "one per file number"
        case .still: "a single image"
        }
        lines.append(("rate", "\(v.frameRate) (\(v.frameRate.displayName) fps), \(v.isVariableFrameRate ? "variable (average shown)" : "constant")"))
        lines.append(("frames", "\(v.frameCount), \(counted); duration \(frameMap.duration.decimalString(places: 3)) s"))
        if let start = startTimecode, v.frameCount > 0 {
            lines.append(("timecode", "\(start) – \(start.adding(v.frameCount - 1))"))
        }
        if kind == .imageSequence {
            lines.append(("frame numbers", "\(firstFrameNumber)–\(firstFrameNumber + v.frameCount - 1)"))
        }
        for (number, a) in audio.enumerated() {
            // libav describes a layout it cannot name as "N channels"; that adds nothing.
            let layout = a.channelLayout.flatMap { $0.hasSuffix("channels") ? nil : " (\($0))" } ?? ""
            let bits = a.bitsPerSample.map { ", \($0)-bit" } ?? ""
            lines.append(("audio \(number + 1)", "\(a.codec) \(a.sampleRate) Hz, \(a.channels) ch\(layout)\(bits)"))
        }
        if audio.isEmpty { lines.append(("audio", "none")) }
        for warning in warnings { lines.append(("warning", warning)) }
        let width = lines.map(\.0.count).max() ?? 0
        return ([path] + lines.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 })
            .joined(separator: "\n")
    }

    private static func bytes(_ count: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = count
        var remainder: Int64 = 0
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            remainder = value % 1000
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(value) bytes" : "\(value).\(remainder / 100) \(units[unit])"
    }
}
