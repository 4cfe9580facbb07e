import CFFmpeg
import FrameTime

/// Where each tile of a filmstrip sprite sheet sits and which frame it shows: the JSON
/// sidecar the review site's scrub bar reads.
public struct FilmstripIndex: Sendable, Hashable, Codable {
    public struct Tile: Sendable, Hashable, Codable {
        /// The frame index the tile shows.
        public let frame: Int
        /// The tile's top-left corner in the sheet, in pixels.
        public let x: Int
        public let y: Int
    }

    /// The sprite sheet's file name.
    public let image: String
    public let tileWidth: Int
    public let tileHeight: Int
    public let columns: Int
    public let rows: Int
    /// The media's frame count, so a scrub position maps to a frame without the frame map.
    public let frameCount: Int
    /// In frame order, left to right, then top to bottom.
    public let tiles: [Tile]

    enum CodingKeys: String, CodingKey {
        case image, tileWidth = "tile_width", tileHeight = "tile_height", columns, rows
        case frameCount = "frame_count", tiles
    }
}

/// Collects evenly spaced frames as they pass, as tiles of one sprite sheet JPEG.
final class FilmstripBuilder {
    let index: FilmstripIndex
    private let converter: FrameConverter
    private let sheet = Frame()
    private var nextTile = 0
    private let path: String

    /// A builder for media of `frameCount` frames shown as `geometry` describes.
    init(frameCount: Int, geometry: DisplayGeometry, profile: ProxyProfile, imageName: String, path: String)
        throws(MediaError)
    {
        self.path = path
        let count = max(1, min(profile.filmstripTiles, frameCount))
        let tileSize = geometry.size(width: profile.filmstripTileWidth, even: true)
        let columns = min(profile.filmstripColumns, count)
        let rows = (count + columns - 1) / columns
        // The frame at the middle of each of `count` equal spans; every frame when there are few.
        let tiles = (0..<count).map { i in
            FilmstripIndex.Tile(frame: (2 * i + 1) * frameCount / (2 * count),
                                x: i % columns * tileSize.width, y: i / columns * tileSize.height)
        }
        index = FilmstripIndex(image: imageName, tileWidth: tileSize.width, tileHeight: tileSize.height,
                               columns: columns, rows: rows, frameCount: frameCount, tiles: tiles)
        converter = FrameConverter(format: .yuvj420p, size: tileSize, rotation: geometry.rotation, path: path)

        let s = sheet.pointer
        s.pointee.width = Int32(columns * tileSize.width)
        s.pointee.height = Int32(rows * tileSize.height)
        s.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        let allocated = av_frame_get_buffer(s, 0)
        guard allocated >= 0 else { throw MediaError.libav(allocated, path: path, "allocating the filmstrip") }
        // Black: full-range luma 0, neutral chroma.
        memset(s.pointee.data.0!, 0, Int(s.pointee.linesize.0) * Int(s.pointee.height))
        memset(s.pointee.data.1!, 128, Int(s.pointee.linesize.1) * Int(s.pointee.height) / 2)
        memset(s.pointee.data.2!, 128, Int(s.pointee.linesize.2) * Int(s.pointee.height) / 2)
        s.pointee.color_range = AVCOL_RANGE_JPEG
    }

    /// Whether frame `frame` is the next tile.
    func wants(_ frame: Int) -> Bool {
        nextTile < index.tiles.count && index.tiles[nextTile].frame == frame
    }

    /// Adds `source` as the next tile.
    ///
    /// - Parameter isUpright: the source is already turned upright.
    func add(_ source: UnsafeMutablePointer<AVFrame>, isUpright: Bool = false) throws(MediaError) {
        let tile = index.tiles[nextTile]
        let t = try converter.convert(source, isUpright: isUpright).pointee
        let s = sheet.pointer.pointee
        sheet.pointer.pointee.colorspace = t.colorspace
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let width = index.tileWidth >> shift
            let height = index.tileHeight >> shift
            let sourceStride = Int(stride(t, plane))
            let targetStride = Int(stride(s, plane))
            let from = data(t, plane)
            let to = data(s, plane) + (tile.y >> shift) * targetStride + (tile.x >> shift)
            for row in 0..<height {
                (to + row * targetStride).update(from: from + row * sourceStride, count: width)
            }
        }
        nextTile += 1
    }

    /// The sprite sheet as JPEG; tiles never reached stay black.
    func encode(quality: Int) throws(MediaError) -> [UInt8] {
        try ImageEncoder.encode(sheet.pointer, as: .jpeg(quality: quality), path: path)
    }

    private func data(_ frame: AVFrame, _ plane: Int) -> UnsafeMutablePointer<UInt8> {
        switch plane {
        case 0: frame.data.0!
        case 1: frame.data.1!
        default: frame.data.2!
        }
    }

    private func stride(_ frame: AVFrame, _ plane: Int) -> Int32 {
        switch plane {
        case 0: frame.linesize.0
        case 1: frame.linesize.1
        default: frame.linesize.2
        }
    }
}
