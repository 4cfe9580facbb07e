import Foundation
import FrameTime
import Media

/// The test media in `Fixtures/`, made by `Scripts/make-fixtures.sh`, with what each is
/// known to be. Tests check the probe against these facts and against ffprobe.
public struct Fixture: Sendable, CustomStringConvertible {
    /// The path relative to `Fixtures/` (a member or pattern, for the sequence).
    public let name: String
    /// What the fixture is there to cover.
    public let covers: String
    public let kind: MediaInfo.Kind
    public let frameCount: Int
    public let rate: FrameRate
    public let isVariableFrameRate: Bool
    public let width: Int
    public let height: Int
    public let startTimecode: String?
    public let firstFrameNumber: Int
    public let rotation: Int
    public let audioStreams: Int

    /// The absolute path.
    public var path: String { Fixture.directory.appendingPathComponent(name).path }
    public var description: String { name }

    /// The repository's `Fixtures/` folder.
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Every fixture that is good media.
    public static let media: [Fixture] = [
        Fixture(name: "prores422-1080p24-pcm-tc01.mov", covers: "ProRes 422 1080p24, 24-bit PCM, tmcd 01:00:00:00, BT.709 tags",
                kind: .movie, frameCount: 24, rate: .fps24, isVariableFrameRate: false, width: 1920, height: 1080,
                startTimecode: "01:00:00:00", firstFrameNumber: 0, rotation: 0, audioStreams: 1),
        Fixture(name: "h264-bframes-23976-editlist.mp4",
                covers: "H.264 with B-frames at 24000/1001; an edit list hides the first 12 of 96 coded frames",
                kind: .movie, frameCount: 84, rate: .fps23_976, isVariableFrameRate: false, width: 640, height: 360,
                startTimecode: nil, firstFrameNumber: 0, rotation: 0, audioStreams: 1),
        Fixture(name: "h264-2997df-tc005959.mov", covers: "29.97 drop-frame timecode from 00:59:59;28 across the hour",
                kind: .movie, frameCount: 90, rate: .fps29_97, isVariableFrameRate: false, width: 640, height: 360,
                startTimecode: "00:59:59;28", firstFrameNumber: 0, rotation: 0, audioStreams: 1),
        Fixture(name: "h264-5994df-tc005959.mp4", covers: "59.94 drop-frame timecode from 00:59:59;56 across the hour",
                kind: .movie, frameCount: 120, rate: .fps59_94, isVariableFrameRate: false, width: 640, height: 360,
                startTimecode: "00:59:59;56", firstFrameNumber: 0, rotation: 0, audioStreams: 0),
        Fixture(name: "dnxhr-25-tc10.mxf", covers: "DNxHR LB 25 fps in MXF (no frame count in the header), timecode 10:00:00:00",
                kind: .movie, frameCount: 25, rate: .fps25, isVariableFrameRate: false, width: 640, height: 360,
                startTimecode: "10:00:00:00", firstFrameNumber: 0, rotation: 0, audioStreams: 1),
        Fixture(name: "h264-vfr.mp4", covers: "variable frame rate: frames dropped from a 30 fps capture",
                kind: .movie, frameCount: 65, rate: FrameRate(65, 3), isVariableFrameRate: true, width: 480, height: 270,
                startTimecode: nil, firstFrameNumber: 0, rotation: 0, audioStreams: 1),
        Fixture(name: "png-sequence/shot_010.1001.png", covers: "PNG image sequence 1001–1048, given by one member",
                kind: .imageSequence, frameCount: 48, rate: .fps24, isVariableFrameRate: false, width: 320, height: 180,
                startTimecode: nil, firstFrameNumber: 1001, rotation: 0, audioStreams: 0),
        Fixture(name: "h264-odd-1001x563-anamorphic.mov", covers: "odd size 1001×563, 4:3 pixels, H.264 4:4:4",
                kind: .movie, frameCount: 24, rate: .fps24, isVariableFrameRate: false, width: 1001, height: 563,
                startTimecode: nil, firstFrameNumber: 0, rotation: 0, audioStreams: 0),
        Fixture(name: "h264-phone-rotated90.mp4", covers: "phone clip stored landscape, display matrix turns it 90° clockwise",
                kind: .movie, frameCount: 45, rate: .fps30, isVariableFrameRate: false, width: 640, height: 360,
                startTimecode: nil, firstFrameNumber: 0, rotation: 90, audioStreams: 1),
        Fixture(name: "hevc-10bit-pq.mkv", covers: "10-bit HEVC in Matroska with BT.2020/PQ tags and FLAC audio",
                kind: .movie, frameCount: 36, rate: .fps24, isVariableFrameRate: false, width: 640, height: 360,
                startTimecode: nil, firstFrameNumber: 0, rotation: 0, audioStreams: 1),
        Fixture(name: "vp9-noaudio.webm", covers: "VP9 in WebM, no audio",
                kind: .movie, frameCount: 48, rate: .fps24, isVariableFrameRate: false, width: 480, height: 270,
                startTimecode: nil, firstFrameNumber: 0, rotation: 0, audioStreams: 0),
        Fixture(name: "still.jpg", covers: "a still JPEG",
                kind: .still, frameCount: 1, rate: .fps24, isVariableFrameRate: false, width: 1280, height: 720,
                startTimecode: nil, firstFrameNumber: 0, rotation: 0, audioStreams: 0),
    ]

    public static func named(_ name: String) -> Fixture {
        media.first { $0.name == name }!
    }

    /// Every fixture that must fail, with the error it must give.
    public static let broken: [(name: String, code: MediaError.Code)] = [
        ("broken-truncated.mov", .truncated),
        ("broken-truncated-faststart.mp4", .truncated),
        ("broken-empty.mov", .emptyFile),
        ("broken-text.mov", .notMedia),
        ("broken-random.bin", .notMedia),
        ("unsupported-audio-only.wav", .unsupported),
    ]

    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The image sequences with numbers missing.
    public static let gapped: [GappedFixture] = [
        GappedFixture(name: "dpx-gap/plate.1001.dpx", pattern: "dpx-gap/plate.%04d.dpx", covers: "DPX, one gap",
                      firstNumber: 1001, frameCount: 12, gaps: [1005...1005]),
        GappedFixture(name: "exr-gaps/plate.1001.exr", pattern: "exr-gaps/plate.%04d.exr",
                      covers: "half-float EXR, several gaps", firstNumber: 1001, frameCount: 12,
                      gaps: [1003...1003, 1006...1007, 1010...1010]),
        GappedFixture(name: "dpx-padding-gap/plate.995.dpx", pattern: "dpx-padding-gap/plate.%03d.dpx",
                      covers: "DPX, a gap where the numbers widen from 3 digits to 4", firstNumber: 995, frameCount: 12,
                      gaps: [999...1000]),
    ]
}

/// An image sequence with numbers missing, made by `gapped_sequence` in
/// `Scripts/make-fixtures.sh`: 128×72 at 24 fps, no audio, file number first + k carries
/// barcode k, and the files of ``gaps`` are not there.
public struct GappedFixture: Sendable, CustomStringConvertible {
    /// A member, relative to `Fixtures/`.
    public let name: String
    /// The printf pattern, relative to `Fixtures/`.
    public let pattern: String
    public let covers: String
    public let firstNumber: Int
    /// From the first file to the last, gaps included.
    public let frameCount: Int
    /// The numbers with no file.
    public let gaps: [ClosedRange<Int>]

    public var path: String { Fixture.path(name) }
    public var description: String { name }

    /// The frames with no file, as indices: what the frame map's `missing` says.
    public var missingFrames: [ClosedRange<Int>] {
        gaps.map { ($0.lowerBound - firstNumber)...($0.upperBound - firstNumber) }
    }

    public func isMissing(_ frame: Int) -> Bool {
        gaps.contains { $0.contains(firstNumber + frame) }
    }

    /// The barcode frame `frame` shows when gaps hold the picture before: its own file's,
    /// or that of the last file before the gap.
    public func heldBarcode(_ frame: Int) -> Int {
        var shown = frame
        while isMissing(shown) { shown -= 1 }
        return shown
    }

    /// A sequence that filling would mostly invent: the first two files of `dpx-gap`
    /// (barcodes 0 and 1) copied into `directory` as `a.0001.dpx` and `a.5000.dpx`. Returns
    /// the first's path.
    public static func mostlyMissing(in directory: String) throws -> String {
        let first = (directory as NSString).appendingPathComponent("a.0001.dpx")
        try FileManager.default.copyItem(atPath: Fixture.path("dpx-gap/plate.1001.dpx"), toPath: first)
        try FileManager.default.copyItem(atPath: Fixture.path("dpx-gap/plate.1002.dpx"),
                                         toPath: (directory as NSString).appendingPathComponent("a.5000.dpx"))
        return first
    }
}
