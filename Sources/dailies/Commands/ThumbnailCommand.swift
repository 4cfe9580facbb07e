import ArgumentParser
import Foundation
import FrameTime
import Media

/// `dailies thumbnail`: one exact frame as an image.
struct ThumbnailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnail",
        abstract: "Write one exact frame of a movie, sequence or still as JPEG, PNG or raw RGB.",
        discussion: """
            Pick the frame by index from 0 (--frame), by the number people see (--frame-number, \
            such as 1042 in a sequence starting at 1001), or by timecode (--timecode). The \
            picture is shown upright and de-squeezed. The output format follows OUT's \
            extension: .jpg/.jpeg, .png, or .rgb (packed 8-bit RGB, no header). A frame of a \
            file missing from an image sequence shows what --gap-fill says, as the proxy does.
            """)

    @Argument(help: "The movie, image sequence (a member or a pattern) or still.", completion: .file())
    var file: String

    @Option(help: "The frame index, from 0.")
    var frame: Int?

    @Option(help: "The frame number people see (a sequence's file number).")
    var frameNumber: Int?

    @Option(help: "The frame's timecode, HH:MM:SS:FF (HH:MM:SS;FF for drop-frame).")
    var timecode: String?

    @Option(help: "Width in pixels; the height follows the shown aspect. Full size by default.")
    var width: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write.", valueName: "out"))
    var output: String

    @Option(help: ArgumentHelp("Frame rate of image sequences and stills.", valueName: "rate"))
    var sequenceRate: String = "24"

    @OptionGroup var sequence: SequenceFlags

    @OptionGroup var picture: PictureFlags

    func validate() throws {
        guard [frame != nil, frameNumber != nil, timecode != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --frame, --frame-number and --timecode")
        }
        guard FrameRate(sequenceRate) != nil else { throw ValidationError("--sequence-rate '\(sequenceRate)' is not a rate") }
        guard ["jpg", "jpeg", "png", "rgb"].contains((output as NSString).pathExtension.lowercased()) else {
            throw ValidationError("the output must end in .jpg, .jpeg, .png or .rgb")
        }
    }

    func run() throws {
        Libav.setLogLevel(.quiet)
        do {
            let options = ProbeOptions(sequenceRate: FrameRate(sequenceRate)!, sequence: sequence.options())
            let grabber = try FrameGrabber(file, options: picture.applied(to: options))
            let index = try resolveFrame(grabber.info)
            let bytes: [UInt8]
            switch (output as NSString).pathExtension.lowercased() {
            case "png": bytes = try grabber.image(frame: index, width: width, format: .png)
            case "rgb":
                let picture = try grabber.picture(frame: index, width: width, layout: .rgb24)
                bytes = picture.pixels
                printError("\(picture.width)×\(picture.height) rgb24")
            default: bytes = try grabber.image(frame: index, width: width, format: .jpeg(quality: 2))
            }
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                throw MediaError(.encodeFailed, path: output, reason: "cannot write the image")
            }
        } catch let error as MediaError {
            throw error.report()
        }
    }

    private func resolveFrame(_ info: MediaInfo) throws -> Int {
        if let frame { return frame }
        if let frameNumber {
            guard let index = info.frameMap.frame(forFrameNumber: frameNumber) else {
                throw MediaError(.invalidFrame, path: file, reason: "frame number \(frameNumber) is outside "
                    + "\(info.frameMap.frameNumber(ofFrame: 0))–\(info.frameMap.frameNumber(ofFrame: info.frameMap.frameCount - 1))")
            }
            return index
        }
        guard let start = info.startTimecode else {
            throw MediaError(.invalidFrame, path: file, reason: "the media has no timecode; use --frame")
        }
        do {
            let wanted = try Timecode(timecode!, rate: start.rate, dropFrame: start.isDropFrame)
            return wanted.frames(since: start)
        } catch {
            throw MediaError(.invalidFrame, path: file, reason: "timecode \(timecode!): \(error.message)")
        }
    }
}
