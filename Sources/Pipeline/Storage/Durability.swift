#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Catalog
import Crypto
import Foundation

/// Writing files so that a crash at any moment leaves either the old state or the new,
/// never half a file: write to a temporary path, flush it to disk, rename it into place,
/// flush the folder.
public enum Durability {
    /// Renames `source` to `target` (same file system) after flushing `source`, then flushes
    /// the target's folder so the rename itself survives a crash.
    public static func rename(_ source: String, to target: String) throws {
        try sync(source)
        guard Glibc.rename(source, target) == 0 else {
            throw POSIXFailure(operation: "move \(source) to \(target)", code: errno)
        }
        try? sync((target as NSString).deletingLastPathComponent)
    }

    /// Flushes a file or folder to disk.
    public static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFailure(operation: "open \(path)", code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw POSIXFailure(operation: "flush \(path)", code: errno) }
    }

    /// The hex SHA-256 and size of a file, read in 1 MiB chunks.
    public static func sha256(ofFile path: String) throws -> (sha256: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw POSIXFailure(operation: "read \(path)", code: ENOENT)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hasher.finalize().hexEncoded, size)
    }
}

/// A system call that failed.
public struct POSIXFailure: Error, CustomStringConvertible {
    public let operation: String
    public let code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        code == ENOSPC ? "cannot \(operation): the disk is full" : "cannot \(operation): \(String(cString: strerror(code)))"
    }
}

/// Writes a file chunk by chunk while hashing it: uploads and copies go through this, so a
/// file is hashed once, as it arrives, and never held in memory whole.
// Used by one task at a time, which may hand it to the blocking pool for its last step.
public final class HashingFileWriter: @unchecked Sendable {
    public let path: String
    private let handle: FileHandle
    private var hasher = SHA256()
    public private(set) var size: Int64 = 0

    /// Creates (or, `appending`, continues) the file at `path`.
    public init(path: String, appending: Bool = false) throws {
        self.path = path
        if !appending || !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw POSIXFailure(operation: "create \(path)", code: errno)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw POSIXFailure(operation: "open \(path)", code: errno) }
        self.handle = handle
        if appending {
            size = Int64(try handle.seekToEnd())
        }
    }

    deinit {
        try? handle.close()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        do {
            try handle.write(contentsOf: Data(bytes))
        } catch {
            throw POSIXFailure(operation: "write \(path)", code: (error as NSError).code == Int(ENOSPC) ? ENOSPC : EIO)
        }
        size += Int64(bytes.count)
    }

    /// Flushes and closes the file; returns the SHA-256 of everything written through
    /// this writer (not bytes that were in the file before, when appending).
    public func finish() throws -> String {
        try handle.synchronize()
        try handle.close()
        return hasher.finalize().hexEncoded
    }
}
