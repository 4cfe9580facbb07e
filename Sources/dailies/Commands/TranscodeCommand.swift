import ArgumentParser
import Foundation
import FrameTime
import Media

#if canImport(Glibc)
import Glibc
#endif

/// `dailies transcode`: every review output of one source, in one pass.
struct TranscodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcode",
        abstract: "Make the review proxy, poster, filmstrip and frame map of a movie, sequence or still.",
        discussion: """
            Writes into DIR: proxy.mp4 (H.264 + AAC; a still gets review.jpg instead), poster.jpg, \
            filmstrip.jpg with its index filmstrip.json, framemap.json and manifest.json. \
            Outputs appear only once all of them are complete. The manifest is printed as JSON at \
            the end; on a terminal a progress bar shows on standard error.

            Profiles: \(ProxyProfile.builtIn.map(\.name).joined(separator: ", ")).
            """)

    @Argument(help: "The movie, image sequence (a member or a pattern) or still.", completion: .file())
    var file: String

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write into (created if need be).", valueName: "dir"))
    var outputDirectory: String

    @Option(help: "The proxy profile.")
    var profile: String = ProxyProfile.review1080.name

    @Option(help: ArgumentHelp("Frame rate of image sequences and stills.", valueName: "rate"))
    var sequenceRate: String = "24"

    @OptionGroup var sequence: SequenceFlags

    @OptionGroup var picture: PictureFlags

    @Flag(help: "Let FFmpeg's libraries log their warnings.")
    var verbose = false

    func validate() throws {
        guard ProxyProfile.named(profile) != nil else {
            throw ValidationError("unknown profile '\(profile)'; choose one of \(ProxyProfile.builtIn.map(\.name).joined(separator: ", "))")
        }
        guard FrameRate(sequenceRate) != nil else {
            throw ValidationError("--sequence-rate '\(sequenceRate)' is not a rate like 24, 25, 23.976 or 24000/1001")
        }
    }

    func run() throws {
        Libav.setLogLevel(verbose ? .warning : .quiet)
        let options = TranscodeOptions(profile: ProxyProfile.named(profile)!,
                                       probe: picture.applied(to: ProbeOptions(sequenceRate: FrameRate(sequenceRate)!,
                                                                               sequence: sequence.options())))
        let bar = ProgressBar(label: (file as NSString).lastPathComponent)
        let cancellation = CancellationFlag()
        let interrupts = InterruptHandler { cancellation.cancel() }
        defer { withExtendedLifetime(interrupts) {} }
        let manifest: TranscodeManifest
        do {
            manifest = try Transcoder.transcode(file, to: outputDirectory, options: options, cancellation: cancellation) {
                bar.update($0)
            }
        } catch {
            bar.clear()
            throw error.report()
        }
        bar.finish()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(manifest), as: UTF8.self))
    }
}

/// A one-line progress bar on standard error, drawn only when that is a terminal.
final class ProgressBar {
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDrawn = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(label: String) {
        self.label = label
    }

    func update(_ progress: TranscodeProgress) {
        guard isTerminal else { return }
        let now = ContinuousClock.now
        guard now - lastDrawn >= .milliseconds(100) || progress.framesDone == progress.totalFrames else { return }
        lastDrawn = now
        let width = 30
        let filled = Int(progress.fractionDone * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let fps = progress.framesPerSecond
        let remaining = fps > 0 ? Int(Double(progress.totalFrames - progress.framesDone) / fps) : 0
        let line = "\(label) \(bar) \(Int(progress.fractionDone * 100))% \(progress.framesDone)/\(progress.totalFrames) "
            + "frames, \(String(format: "%.1f", fps)) fps, ETA \(remaining / 60):\(String(format: "%02d", remaining % 60))"
        write("\r\u{1B}[2K" + line)
        drawn = true
    }

    func finish() {
        if drawn { write("\n") }
    }

    func clear() {
        if drawn { write("\r\u{1B}[2K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Turns SIGINT and SIGTERM into a call of `handler`, once, so long work can stop cleanly.
final class InterruptHandler {
    private var sources: [DispatchSourceSignal] = []

    init(_ handler: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
