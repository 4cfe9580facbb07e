import CSystemShims
import Foundation

/// Which network filesystem, if any, holds a path: SQLite's locks do not hold across the
/// machines that share such a mount, so a SQLite catalog there would be corrupted by a second
/// host's worker. Told by the filesystem's magic number (`statfs(2)`).
public enum NetworkFilesystem: String, Sendable, Hashable {
    case nfs = "NFS"
    case smb = "SMB/CIFS"
    case fuse = "FUSE"
    case other = "a network filesystem"

    /// The network filesystem holding `path` (or its nearest existing folder), or `nil` for a
    /// local one, or when it cannot be told.
    public static func holding(_ path: String) -> NetworkFilesystem? {
        var candidate = path.isEmpty ? "." : path
        var magic: Int64 = 0
        while dailies_filesystem_magic(candidate, &magic) != 0 {
            let parent = (candidate as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != candidate else { return nil }
            candidate = parent
        }
        return kind(magic: magic)
    }

    /// The network filesystem a `statfs` magic number names (linux/magic.h), or `nil`.
    public static func kind(magic: Int64) -> NetworkFilesystem? {
        switch UInt32(truncatingIfNeeded: magic) {
        case 0x6969: .nfs                                      // NFS_SUPER_MAGIC
        case 0x517B, 0xFF53_4D42, 0xFE53_4D42: .smb             // SMB, CIFS, SMB2
        case 0x6573_5546: .fuse                                // FUSE_SUPER_MAGIC (sshfs, s3fs, gcsfuse…)
        case 0x0000_564C, 0x5346_414F, 0x0BD0_0BD0, 0x1373, 0x7375_7245, 0x0102_1997: .other  // NCP, AFS, Lustre, …, Coda, 9p
        default: nil
        }
    }
}
