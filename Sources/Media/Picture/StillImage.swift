import CFFmpeg
import Foundation
import FrameTime

/// The still image formats Dailies takes from outside as pictures of their own (a studio's
/// logo), recognised by their first bytes: never by a file's name or a declared type.
public enum StillImageFormat: String, Sendable, Hashable, CaseIterable {
    case png, jpeg

    /// The format whose signature `bytes` start with, or `nil` for anything else (an SVG, a
    /// GIF, text…).
    public init?(sniffing bytes: some Collection<UInt8>) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else {
            return nil
        }
    }

    /// Its media type: `image/png`, `image/jpeg`.
    public var mediaType: String { "image/\(rawValue)" }

    /// The one demuxer that reads it: no other format's code ever sees the bytes.
    var demuxer: String { "\(rawValue)_pipe" }

    /// The picture size the header of `bytes` (a file of this format) states, or `nil` when the
    /// header is cut short or malformed. Read before any decoder runs, so that a small file
    /// claiming a vast picture is refused before it costs memory.
    public func statedSize(_ bytes: [UInt8]) -> PictureSize? {
        func number(at offset: Int, bytes count: Int) -> Int? {
            guard offset >= 0, offset + count <= bytes.count else { return nil }
            return bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | Int($1) }
        }
        switch self {
        case .png:
            // The first chunk is IHDR: width and height, 4 bytes each, big-endian.
            guard bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8), let width = number(at: 16, bytes: 4),
                let height = number(at: 20, bytes: 4), width > 0, height > 0
            else { return nil }
            return PictureSize(width: width, height: height)
        case .jpeg:
            // Segments one after another up to the start of frame (SOFn), which holds the size;
            // the APPn segments before it (EXIF and its thumbnail among them) are stepped over.
            var offset = 2
            while offset + 4 <= bytes.count {
                guard bytes[offset] == 0xFF else { return nil }
                let marker = bytes[offset + 1]
                switch marker {
                case 0xFF:
                    offset += 1  // fill
                case 0x01, 0xD0...0xD7:
                    offset += 2  // no length
                case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                    guard let height = number(at: offset + 5, bytes: 2), let width = number(at: offset + 7, bytes: 2),
                        width > 0, height > 0
                    else { return nil }
                    return PictureSize(width: width, height: height)
                case 0xD9, 0xDA:
                    return nil  // the end, or the scan, before any frame header
                default:
                    guard let length = number(at: offset + 2, bytes: 2), length >= 2 else { return nil }
                    offset += 2 + length
                }
            }
            return nil
        }
    }
}

/// Remakes a PNG or JPEG file as a fresh PNG: decoded, scaled down (never up) to fit a box,
/// and encoded anew in RGBA (transparency kept), so nothing of the file it came from survives
/// but the picture: no metadata, no trailing bytes, no crafted chunk.
///
/// The file is read only by its own format's demuxer and decoder (``StillImageFormat/demuxer``),
/// after its header's size is checked against a limit, under a time bound.
public enum StillImageReencoder {
    /// The PNG made, and the sizes involved.
    public struct Output: Sendable, Hashable {
        public let png: [UInt8]
        /// The PNG's size.
        public let size: PictureSize
        /// The size of the picture it was made from.
        public let sourceSize: PictureSize
    }

    /// The image at `path` as a PNG that fits within `bounds`.
    ///
    /// - Parameter maximumPixels: the largest picture (width × height) decoded at all.
    /// - Throws: ``MediaError`` with ``MediaError/Code/unsupported`` for a file that is not a
    ///   PNG or JPEG, ``MediaError/Code/invalidFrame`` for a picture over `maximumPixels`,
    ///   ``MediaError/Code/decodeFailed`` for one that does not decode.
    public static func png(from path: String, fitting bounds: PictureSize, maximumPixels: Int) throws(MediaError) -> Output {
        try MediaSource.checkReadableFile(path)
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw MediaError(.permissionDenied, path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        guard let format = StillImageFormat(sniffing: bytes) else {
            throw MediaError(.unsupported, path: path, reason: "not a PNG or JPEG image")
        }
        guard let stated = format.statedSize(bytes) else {
            throw MediaError(.decodeFailed, path: path, reason: "the \(format.rawValue) header is damaged or cut short")
        }
        try check(stated, maximumPixels: maximumPixels, path: path)

        let input: InputFormatContext
        do {
            input = try InputFormatContext(url: "file:" + path, format: format.demuxer, timeout: .seconds(10))
        } catch {
            throw MediaError(.decodeFailed, path: path,
                             reason: "not a \(format.rawValue) image FFmpeg can read (\(error.operation): \(Libav.describe(error.code)))",
                             libavCode: error.code)
        }
        guard let stream = input.streams.first(where: { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO }) else {
            throw MediaError(.decodeFailed, path: path, reason: "FFmpeg found no picture in the \(format.rawValue) file")
        }
        let decoder = try StreamDecoder(stream: stream, path: path, threads: 1)
        let decoded = try firstPicture(input, stream: stream, decoder: decoder, path: path)
        let source = PictureSize(width: Int(decoded.pointer.pointee.width), height: Int(decoded.pointer.pointee.height))
        try check(source, maximumPixels: maximumPixels, path: path)

        let size = source.fitting(within: bounds)
        let converter = FrameConverter(format: .rgba, size: size, rotation: 0, path: path)
        let converted = try converter.convert(decoded.pointer)
        return Output(png: try ImageEncoder.encode(converted, as: .png, path: path), size: size, sourceSize: source)
    }

    private static func check(_ size: PictureSize, maximumPixels: Int, path: String) throws(MediaError) {
        guard size.width * size.height <= maximumPixels else {
            throw MediaError(.invalidFrame, path: path,
                             reason: "the picture is \(size), more than the \(maximumPixels / 1_000_000) megapixels taken")
        }
    }

    /// Decodes the first picture of `stream`.
    private static func firstPicture(_ input: InputFormatContext, stream: UnsafeMutablePointer<AVStream>,
                                     decoder: StreamDecoder, path: String) throws(MediaError) -> Frame {
        let packet = Packet()
        let frame = Frame()
        var ended = false
        while true {
            switch try decoder.receive(frame) {
            case .frame:
                return frame
            case .endOfStream:
                throw MediaError(.decodeFailed, path: path, reason: "the image holds no picture that decodes")
            case .needsPacket:
                guard !ended else {
                    throw MediaError(.decodeFailed, path: path, reason: "the image holds no picture that decodes")
                }
                let read = av_read_frame(input.pointer, packet.pointer)
                if read < 0 {
                    try decoder.send(nil)
                    ended = true
                    continue
                }
                defer { av_packet_unref(packet.pointer) }
                if packet.pointer.pointee.stream_index == stream.pointee.index { try decoder.send(packet) }
            }
        }
    }
}

extension PictureSize {
    /// This size scaled down (never up) to fit within `bounds`, keeping its aspect.
    public func fitting(within bounds: PictureSize) -> PictureSize {
        let scale = Swift.min(Rational(Int64(bounds.width), Int64(width)), Rational(Int64(bounds.height), Int64(height)))
        guard scale < .one else { return self }
        return PictureSize(exactWidth: Rational(Int64(width)) * scale, exactHeight: Rational(Int64(height)) * scale, even: false)
    }
}
