#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFFmpeg
import FrameTime

/// Reads an image sequence's files as packets, one whole file each (as libav's image2
/// demuxer does), stamped with its frame's time: file number first + k is frame k.
///
/// libav's image2 demuxer cannot do this: it stops at the first missing number. Reading the
/// files here lets a gap simply be a frame with no packet, which the transcoder and the
/// grabber fill, while the decoding stays libav's. A file that cannot be read is skipped (and counted once), like a
/// damaged packet.
final class SequencePackets {
    let sequence: ImageSequence
    /// The stream the packets are for, and its time base.
    private let streamIndex: Int32
    private let timeBase: Rational
    /// Frame k starts at k / rate.
    let frames: FrameMap
    /// The number of the next file to read.
    private var next: Int?
    /// Files that could not be read, by number.
    private(set) var unreadable: [Int] = []

    init(_ sequence: ImageSequence, rate: FrameRate, stream: UnsafeMutablePointer<AVStream>) {
        self.sequence = sequence
        streamIndex = stream.pointee.index
        timeBase = stream.pointee.time_base.rational ?? rate.frameDuration
        frames = FrameMap(rate: rate, frameCount: sequence.count, firstFrameNumber: sequence.firstNumber,
                          missing: sequence.missingFrames)
        next = sequence.firstNumber
    }

    /// Reads the next file into `packet`: 0, or `AVERROR_EOF` after the last file.
    func nextPacket(into packet: UnsafeMutablePointer<AVPacket>) -> Int32 {
        while let number = next.flatMap(sequence.fileNumber(atOrAfter:)) {
            next = number + 1
            let frame = number - sequence.firstNumber
            guard load(sequence.path(number: number), into: packet) else {
                if !unreadable.contains(number) { unreadable.append(number) }
                continue
            }
            let start = frames.timestamp(ofFrame: frame, timeBase: timeBase)
            packet.pointee.pts = start
            packet.pointee.dts = start
            packet.pointee.duration = frames.timestamp(ofFrame: frame + 1, timeBase: timeBase) - start
            packet.pointee.stream_index = streamIndex
            packet.pointee.flags |= cffmpeg_AV_PKT_FLAG_KEY()
            return 0
        }
        next = nil
        return cffmpeg_AVERROR_EOF()
    }

    /// Makes the file of the frame showing at `timestamp` (the first frame when `nil`), or
    /// the first file after it, the next one read.
    func rewind(to timestamp: Int64?) {
        guard let timestamp else {
            next = sequence.firstNumber
            return
        }
        if let frame = frames.frame(atTimestamp: timestamp, timeBase: timeBase) {
            next = sequence.firstNumber + frame
        } else {
            next = timestamp < 0 ? sequence.firstNumber : nil
        }
    }

    /// The frame a decoded picture's timestamp belongs to.
    func frame(atTimestamp timestamp: Int64) -> Int? {
        frames.frame(atTimestamp: timestamp, timeBase: timeBase)
    }

    /// Fills `packet` with the bytes of the file at `path`; false when it cannot be read whole.
    private func load(_ path: String, into packet: UnsafeMutablePointer<AVPacket>) -> Bool {
        av_packet_unref(packet)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0, status.st_size < Int32.max,
            av_new_packet(packet, Int32(status.st_size)) >= 0
        else { return false }
        var done = 0
        let size = Int(status.st_size)
        while done < size {
            let count = read(descriptor, packet.pointee.data + done, size - done)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                av_packet_unref(packet)
                return false
            }
            done += count
        }
        packet.pointee.pos = -1
        return true
    }
}
