import Foundation
import Media
import MediaTestSupport
import Testing

/// Remaking a logo: only PNG and JPEG are read (by their bytes), the picture is scaled down to
/// fit and encoded anew as an RGBA PNG, and nothing else of the file survives.
@Suite("Still images")
struct StillImageTests {
    init() { Libav.setLogLevel(.quiet) }

    static let bounds = PictureSize(width: 1024, height: 256)

    /// `data` written to a file and remade.
    static func remake(_ data: Data, maximumPixels: Int = 16_000_000) throws -> StillImageReencoder.Output {
        let directory = try TemporaryDirectory()
        let path = directory.path("upload")
        try data.write(to: URL(fileURLWithPath: path))
        return try StillImageReencoder.png(from: path, fitting: bounds, maximumPixels: maximumPixels)
    }

    static func error(_ data: Data, maximumPixels: Int = 16_000_000) -> MediaError? {
        do {
            _ = try remake(data, maximumPixels: maximumPixels)
            return nil
        } catch let error as MediaError {
            return error
        } catch {
            return nil
        }
    }

    @Test("formats are told by their first bytes, and headers give their size")
    func sniffing() throws {
        let png = Array(try StillImages.png(width: 300, height: 120))
        let jpeg = Array(try StillImages.jpeg(width: 640, height: 360))
        #expect(StillImageFormat(sniffing: png) == .png && StillImageFormat(sniffing: jpeg) == .jpeg)
        #expect(StillImageFormat.png.statedSize(png) == PictureSize(width: 300, height: 120))
        #expect(StillImageFormat.jpeg.statedSize(jpeg) == PictureSize(width: 640, height: 360))
        #expect(StillImageFormat(sniffing: Array(StillImages.svgWithScript)) == nil)
        #expect(StillImageFormat(sniffing: Array("GIF89a…".utf8)) == nil)
        #expect(StillImageFormat.png.statedSize(Array(png.prefix(20))) == nil, "cut short")
        #expect(StillImageFormat.jpeg.statedSize([0xFF, 0xD8, 0xFF, 0xDA, 0, 2]) == nil, "a scan before any frame header")
    }

    @Test("a PNG is remade as an RGBA PNG of the same size, its transparency kept")
    func png() throws {
        let source = try StillImages.png(width: 300, height: 120)
        let made = try Self.remake(source)
        #expect(made.size == PictureSize(width: 300, height: 120) && made.sourceSize == made.size, "never scaled up")
        let probed = try StillImages.probe(Data(made.png))
        #expect(probed.width == 300 && probed.height == 120 && probed.pixelFormat == "rgba")
        let pixels = try StillImages.rgba(Data(made.png))
        #expect(pixels.count == 300 * 120 * 4)
        #expect(pixels[0] > 240 && pixels[1] < 16 && (120...136).contains(pixels[3]), "red at half opacity: \(pixels.prefix(4))")
    }

    @Test("a large JPEG is scaled down to fit the box, keeping its aspect")
    func jpegScaledDown() throws {
        let made = try Self.remake(try StillImages.jpeg(width: 2000, height: 1000))
        #expect(made.sourceSize == PictureSize(width: 2000, height: 1000))
        #expect(made.size == PictureSize(width: 512, height: 256))
        let probed = try StillImages.probe(Data(made.png))
        #expect(probed.width == 512 && probed.height == 256 && probed.pixelFormat == "rgba")
        let wide = try Self.remake(try StillImages.png(width: 3000, height: 200))
        #expect(wide.size == PictureSize(width: 1024, height: 68))
    }

    @Test("bytes after the image do not survive: the PNG is made anew")
    func trailingBytes() throws {
        var source = try StillImages.png(width: 200, height: 80)
        let junk = Data("<script>alert(1)</script> TRAILING-JUNK".utf8)
        source.append(junk)
        let made = Data(try Self.remake(source).png)
        #expect(made != source && made.range(of: junk) == nil && made.range(of: Data("TRAILING".utf8)) == nil)
        let probed = try StillImages.probe(made)
        #expect(probed.width == 200 && probed.height == 80)
    }

    @Test("an SVG, text named .png, a damaged PNG and a vast picture are refused, each saying why")
    func refusals() throws {
        #expect(Self.error(StillImages.svgWithScript)?.code == .unsupported)
        #expect(Self.error(Data("just some text, saved as logo.png\n".utf8))?.code == .unsupported)
        let png = try StillImages.png(width: 400, height: 100)
        var damaged = png.prefix(40)
        damaged.append(Data(repeating: 0x41, count: 400))
        let broken = try #require(Self.error(Data(damaged)))
        #expect(broken.code == .decodeFailed, "\(broken)")
        let tooBig = try #require(Self.error(png, maximumPixels: 10_000))
        #expect(tooBig.code == .invalidFrame && tooBig.reason.contains("400×100"))
        // A header that claims 40000×40000 is refused before any decoder allocates for it.
        var vast = Array(png)
        vast.replaceSubrange(16..<24, with: [0, 0, 0x9C, 0x40, 0, 0, 0x9C, 0x40])
        #expect(Self.error(Data(vast))?.code == .invalidFrame)
    }
}
