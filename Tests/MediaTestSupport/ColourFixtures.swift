import Foundation
import FrameTime
import Media

/// Sources that are not display-referred (linear EXR, log DPX, PQ and HLG), authored by the
/// ffmpeg command-line tool from one display-referred picture, each with the picture its
/// display transform must give: its oracle.
///
/// - `srgb`: a half-float EXR sequence made from the display picture with `zscale` (the sRGB
///   curve undone); the oracle is the display picture itself.
/// - `cineon`: a 10-bit DPX sequence whose header's transfer byte is patched to 3 (FFmpeg's
///   encoder always writes 2, linear); the oracle is `Tests/Peers/cineon_oracle.py`, numpy.
/// - `pq`: 10-bit HEVC, the display picture put into PQ and Rec. 2020 (100 nits white) with a
///   mastering display of 4000 nits in its SEI; the oracle is `zscale` and `tonemap=hable`
///   run by the ffmpeg tool for that peak.
/// - `hlg`: 10-bit ProRes 422 HQ tagged HLG and Rec. 2020, with no mastering metadata: the
///   oracle's peak is the default, 1000 nits.
///
/// Every frame carries its barcode, so exactness is checked on the same outputs.
public enum ColourFixtures {
    public static let width = 640
    public static let height = 360
    public static let frameCount = 3

    /// One transform's source and, per frame, the picture it must show.
    public struct Source: Sendable, CustomStringConvertible {
        public let transform: DisplayTransform
        /// What to open: a sequence's pattern, or a movie.
        public let path: String
        /// The oracle of frame k, packed 8-bit RGB.
        public let oracles: [Picture]
        public var description: String { transform.rawValue }
    }

    /// The source whose own description calls for `transform`, made the first time it is asked for.
    public static func source(_ transform: DisplayTransform) async throws -> Source {
        // The venv's python first: after it, a source is made without suspending, in one
        // actor, so tests running at once never write and read the same files together.
        let python = transform == .cineon ? try await PythonVenv.python() : nil
        return try await maker.source(transform, python: python)
    }

    private static let maker = Maker()

    /// Makes each source once, one at a time, in one folder kept for the test process's life.
    private actor Maker {
        private var folder: TemporaryDirectory?
        private var made: [DisplayTransform: Source] = [:]

        func source(_ transform: DisplayTransform, python: String?) throws -> Source {
            if let source = made[transform] { return source }
            if folder == nil { folder = try TemporaryDirectory() }
            let source = try ColourFixtures.make(transform, in: folder!, python: python)
            made[transform] = source
            return source
        }
    }

    /// Authors the source for `transform` in `directory`, with its oracles.
    private static func make(_ transform: DisplayTransform, in directory: TemporaryDirectory, python: String?) throws
        -> Source
    {
        let display = try displayFrames(in: directory)
        let source: Source
        switch transform {
        case .none:
            source = Source(transform: .none, path: directory.path("display.%04d.png"), oracles: try oracles(display))
        case .srgb:
            let pattern = directory.path("linear.%04d.exr")
            try ffmpeg(["-start_number", "1001", "-i", display, "-vf", "format=gbrpf32le,zscale=transferin=iec61966-2-1:primariesin=709:transfer=linear:"
                        + "primaries=709,format=gbrpf32le", "-c:v", "exr", "-format", "half", "-compression", "zip1",
                        "-start_number", "1001", pattern])
            source = Source(transform: .srgb, path: pattern, oracles: try oracles(display))
        case .cineon:
            let pattern = directory.path("log.%04d.dpx")
            try ffmpeg(["-start_number", "1001", "-i", display, "-pix_fmt", "gbrp10le", "-start_number", "1001", pattern])
            for number in 1001..<(1001 + frameCount) {
                try patchTransferByte(String(format: pattern, number), to: 3)
            }
            guard let python else { throw FFprobe.Failure(description: "the Cineon oracle needs the venv's python") }
            let script = PythonVenv.root.appendingPathComponent("Tests/Peers/cineon_oracle.py").path
            var pictures: [Picture] = []
            for number in 1001..<(1001 + frameCount) {
                let codes = try Subprocess.run("ffmpeg", ["-v", "error", "-i", String(format: pattern, number), "-f", "rawvideo",
                                                          "-pix_fmt", "gbrp10le", "-"]).standardOutput
                let rgb = try Subprocess.run(python, [script, "\(width)", "\(height)"], input: codes).standardOutput
                pictures.append(picture(rgb))
            }
            source = Source(transform: .cineon, path: pattern, oracles: pictures)
        case .pq, .hlg:
            let isPQ = transform == .pq
            let path = directory.path(isPQ ? "pq.mkv" : "hlg.mov")
            let curve = isPQ ? "smpte2084" : "arib-std-b67"
            let encode = "format=gbrpf32le,zscale=transferin=iec61966-2-1:primariesin=709:primaries=2020:transfer=\(curve):"
                + "matrix=2020_ncl:range=limited:npl=100,format=\(isPQ ? "yuv420p10le" : "yuv422p10le")"
            let codec = isPQ
                ? ["-c:v", "libx265", "-crf", "14", "-preset", "fast",
                   "-x265-params", "log-level=error:hdr10=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)"
                       + "WP(15635,16450)L(40000000,50):max-cll=0,0"]
                : ["-c:v", "prores_ks", "-profile:v", "3"]
            try ffmpeg(["-framerate", "24", "-start_number", "1001", "-i", display, "-vf", encode] + codec
                       + ["-color_primaries", "bt2020", "-color_trc", curve, "-colorspace", "bt2020nc", "-color_range", "tv",
                          path])
            // The same filters Dailies runs, by the ffmpeg tool: 4000 nits from the SEI, or 1000.
            let peak = isPQ ? 40 : 10
            let tonemap = "zscale=transferin=\(curve):primariesin=2020:matrixin=input:rangein=input:transfer=linear:npl=100,"
                + "format=gbrpf32le,zscale=primaries=709,tonemap=tonemap=hable:desat=0:peak=\(peak),"
                + "zscale=transfer=709:range=full,format=rgb48le"
            let rgb = try Subprocess.run("ffmpeg", ["-v", "error", "-i", path, "-vf", tonemap, "-f", "rawvideo",
                                                    "-pix_fmt", "rgb24", "-"]).standardOutput
            let frameBytes = width * height * 3
            source = Source(transform: transform, path: path, oracles: (0..<frameCount).map {
                picture(rgb.subdata(in: ($0 * frameBytes)..<(($0 + 1) * frameBytes)))
            })
        }
        return source
    }

    /// The display-referred frames, as a PNG sequence's pattern: colour gradients, every hue
    /// at many levels, under the barcode's black and white, softened a little. A plate has
    /// few one-pixel colour edges; testsrc2 is mostly such edges, which a 4:2:0 JPEG cannot
    /// keep (its untransformed poster is 35.5 dB from it, this one's 47 dB).
    private static func displayFrames(in directory: TemporaryDirectory) throws -> String {
        let pattern = directory.path("display.%04d.png")
        if FileManager.default.fileExists(atPath: String(format: pattern, 1001)) { return pattern }
        try ffmpeg(["-f", "lavfi", "-i", "gradients=size=\(width)x\(height):rate=24:speed=0.05:seed=20261201,trim=end_frame=\(frameCount)",
                    "-vf", "\(FrameBarcode.filter()),gblur=sigma=1,format=rgb24", "-start_number", "1001", pattern])
        return pattern
    }

    private static func oracles(_ pattern: String) throws -> [Picture] {
        try (1001..<(1001 + frameCount)).map { number in
            picture(try Subprocess.run("ffmpeg", ["-v", "error", "-i", String(format: pattern, number), "-f", "rawvideo",
                                                  "-pix_fmt", "rgb24", "-"]).standardOutput)
        }
    }

    /// Writes `value` into the transfer characteristic of a DPX file's first image element.
    public static func patchTransferByte(_ path: String, to value: UInt8) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[801] = value
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// A picture of `width`×`height` from packed RGB bytes, or, given a JPEG or PNG file's
    /// path, that file decoded by the ffmpeg tool.
    public static func picture(_ rgb: Data) -> Picture {
        Picture(width: width, height: height, layout: .rgb24, bytesPerRow: width * 3, pixels: Array(rgb))
    }

    public static func picture(decoding path: String) throws -> Picture {
        picture(try Subprocess.run("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).standardOutput)
    }

    /// The peak signal-to-noise ratio of `picture` against `reference`, in dB, over R, G and B;
    /// infinity when they are the same.
    public static func psnr(_ picture: Picture, _ reference: Picture) -> Double {
        precondition(picture.width == reference.width && picture.height == reference.height && picture.layout == .rgb24
                     && reference.layout == .rgb24, "pictures of different sizes")
        var squares = 0.0
        for y in 0..<picture.height {
            for x in 0..<(picture.width * 3) {
                let difference = Double(picture.pixels[y * picture.bytesPerRow + x])
                    - Double(reference.pixels[y * reference.bytesPerRow + x])
                squares += difference * difference
            }
        }
        guard squares > 0 else { return .infinity }
        return 10 * log10(255 * 255 / (squares / Double(picture.width * picture.height * 3)))
    }

    private static func ffmpeg(_ arguments: [String]) throws {
        try Subprocess.run("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y"] + arguments)
    }
}
