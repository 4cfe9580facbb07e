import FrameTime
import Media
import MediaTestSupport
import Testing

@Suite("Barcodes and decoded frames")
struct BarcodeTests {
    init() { Libav.setLogLevel(.quiet) }

    @Test("every decoded frame of every fixture shows its own index", arguments: Fixture.media)
    func everyFrame(fixture: Fixture) throws {
        let info = try MediaProbe.probe(fixture.path)
        let reader = try VideoFrameReader(fixture.path)
        var index = 0
        while let frame = try reader.next(.gray8) {
            #expect(frame.index == index)
            let reading = FrameBarcode.read(frame.picture)
            #expect(reading?.index == index, "\(fixture) frame \(index)")
            #expect(reading?.rotation == 0, "stored pictures are not turned")
            index += 1
        }
        #expect(index == info.video.frameCount, "decoded frames match the probe's count")
        #expect(reader.corruptPackets == 0)
    }

    @Test("barcodes survive scaling down to 128 pixels wide, in RGB", arguments: Fixture.media)
    func scaled(fixture: Fixture) throws {
        let reader = try VideoFrameReader(fixture.path)
        var index = 0
        while let frame = try reader.next(.rgb24, width: 128) {
            #expect(frame.picture.width == 128)
            #expect(FrameBarcode.read(frame.picture)?.index == index, "\(fixture) frame \(index)")
            index += 1
        }
    }

    @Test("decoded timestamps fall on the frame map's frames", arguments: Fixture.media.filter { $0.kind == .movie })
    func timestampsMatchFrameMap(fixture: Fixture) throws {
        let map = try MediaProbe.probe(fixture.path).frameMap
        let reader = try VideoFrameReader(fixture.path)
        while let frame = try reader.next(.gray8, width: 16) {
            let timestamp = try #require(frame.timestamp)
            #expect(map.frame(atTimestamp: timestamp, timeBase: frame.timeBase) == frame.index,
                    "\(fixture) frame \(frame.index) at \(timestamp)")
            #expect(map.timestamp(ofFrame: frame.index, timeBase: frame.timeBase) == timestamp)
        }
    }

    @Test("the reader finds a barcode turned a quarter, half or three quarters")
    func turned() throws {
        let reader = try VideoFrameReader(Fixture.path("h264-2997df-tc005959.mov"))
        for _ in 0..<37 { _ = try reader.next(.gray8) }
        let picture = try #require(try reader.next(.gray8)).picture
        #expect(FrameBarcode.read(picture) == .init(index: 37, rotation: 0))
        var turned = picture
        for quarter in 1...3 {
            turned = rotateClockwise(turned)
            #expect(FrameBarcode.read(turned) == .init(index: 37, rotation: 90 * quarter))
        }
    }

    @Test("a picture without a barcode reads as nothing")
    func noBarcode() {
        let flat = Picture(width: 64, height: 64, layout: .gray8, bytesPerRow: 64, pixels: .init(repeating: 128, count: 64 * 64))
        #expect(FrameBarcode.read(flat) == nil)
    }

    private func rotateClockwise(_ picture: Picture) -> Picture {
        var pixels = [UInt8](repeating: 0, count: picture.width * picture.height)
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                pixels[x * picture.height + (picture.height - 1 - y)] = UInt8(picture.luma(x: x, y: y))
            }
        }
        return Picture(width: picture.height, height: picture.width, layout: .gray8, bytesPerRow: picture.height, pixels: pixels)
    }
}
