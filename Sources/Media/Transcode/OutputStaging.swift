#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where a run writes its outputs until they are complete.
///
/// Files are written into a hidden staging folder beside their destination, flushed to
/// disk, and renamed into the destination only by ``commit(_:)``; a failed or cancelled run
/// calls ``discard()`` (or simply ends) and leaves the destination as it was.
final class OutputStaging {
    let destination: URL
    let staging: URL
    private var isFinished = false

    /// Creates the destination folder if need be, and a fresh staging folder inside it.
    init(destination: String) throws(MediaError) {
        self.destination = URL(fileURLWithPath: destination)
        staging = self.destination.appendingPathComponent(".partial-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw MediaError(.encodeFailed, path: destination, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
    }

    deinit {
        if !isFinished { discard() }
    }

    /// The staging path of output `name`.
    func path(_ name: String) -> String {
        staging.appendingPathComponent(name).path
    }

    /// Writes `bytes` as output `name` and flushes it to disk.
    func store(_ bytes: [UInt8], as name: String) throws(MediaError) {
        let path = path(name)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create \(name)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw failure("cannot write \(name)") }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(name) to disk") }
    }

    /// Flushes an output another writer (a muxer) made to disk.
    func sync(_ name: String) throws(MediaError) {
        let descriptor = open(path(name), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(name)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(name) to disk") }
    }

    /// The size of output `name` in bytes.
    func size(_ name: String) -> Int64 {
        var status = stat()
        return stat(path(name), &status) == 0 ? Int64(status.st_size) : 0
    }

    /// Moves `names` into the destination, replacing files of the same name, then removes
    /// the staging folder.
    func commit(_ names: [String]) throws(MediaError) {
        for name in names {
            let target = destination.appendingPathComponent(name).path
            guard rename(path(name), target) == 0 else { throw failure("cannot move \(name) into place") }
        }
        let folder = open(destination.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        discard()
    }

    /// Removes the staging folder and everything in it.
    func discard() {
        isFinished = true
        try? FileManager.default.removeItem(at: staging)
    }

    private func failure(_ what: String) -> MediaError {
        let reason = String(cString: strerror(errno))
        if errno == ENOSPC {
            return MediaError(.encodeFailed, path: destination.path, reason: "\(what): the disk is full")
        }
        return MediaError(.encodeFailed, path: destination.path, reason: "\(what): \(reason)")
    }
}
