#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a path names: a movie file, a numbered image sequence, or a single image.
///
/// ``resolve(_:)`` decides, and checks the file system first, so that a missing file, a
/// folder, a pipe or an empty file gets its own clear error before libav is involved (a
/// pipe would block libav forever).
public enum MediaSource: Sendable, Hashable {
    /// A movie or any other file libav opens on its own.
    case movie(path: String)
    /// A numbered image sequence.
    case imageSequence(ImageSequence)
    /// One image.
    case still(path: String)

    /// The path as people gave it or would write it: the pattern for sequences.
    public var displayPath: String {
        switch self {
        case .movie(let path), .still(let path): path
        case .imageSequence(let sequence): sequence.patternPath
        }
    }

    /// Resolves a path: a pattern (`shot.%04d.exr`, `shot.####.exr`, `shot.1001-1100#.exr`)
    /// or a member (`shot.1001.exr`) with numbered siblings is a sequence, read as `sequence`
    /// says; any other image file is a still; everything else is a movie.
    ///
    /// - Throws: ``MediaError`` with ``MediaError/Code/fileNotFound``, ``MediaError/Code/isDirectory``,
    ///   ``MediaError/Code/notRegularFile``, ``MediaError/Code/permissionDenied``,
    ///   ``MediaError/Code/emptyFile``, ``MediaError/Code/invalidSequence`` or
    ///   ``MediaError/Code/mostlyMissing``.
    public static func resolve(_ path: String, sequence options: SequenceOptions = SequenceOptions())
        throws(MediaError) -> MediaSource
    {
        if let sequence = try ImageSequence.fromPattern(path, options: options) {
            try checkReadableFile(sequence.path(number: sequence.fileNumber(atOrAfter: sequence.firstNumber)!))
            return .imageSequence(sequence)
        }
        try checkReadableFile(path)
        let pathExtension = (path as NSString).pathExtension.lowercased()
        guard ImageSequence.imageExtensions.contains(pathExtension) else { return .movie(path: path) }
        if let sequence = try ImageSequence.fromMember(path, options: options) {
            return .imageSequence(sequence)
        }
        return .still(path: path)
    }

    /// Checks that `path` is a regular, readable, non-empty file.
    static func checkReadableFile(_ path: String) throws(MediaError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR {
                throw MediaError(.fileNotFound, path: path, reason: "no such file")
            }
            if error == EACCES {
                throw MediaError(.permissionDenied, path: path, reason: "permission denied")
            }
            throw MediaError(.libavFailure, path: path, reason: "cannot inspect the file: \(String(cString: strerror(error)))")
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            throw MediaError(.isDirectory, path: path, reason:
                "is a folder; give a media file, one image of a sequence (shot.1001.exr) or a pattern (shot.%04d.exr)")
        default:
            throw MediaError(.notRegularFile, path: path, reason:
                "is not a regular file (a pipe, socket or device); only files can be read")
        }
        guard access(path, R_OK) == 0 else {
            throw MediaError(.permissionDenied, path: path, reason: "permission denied")
        }
        guard status.st_size > 0 else {
            throw MediaError(.emptyFile, path: path, reason: "the file is empty (0 bytes)")
        }
    }
}
