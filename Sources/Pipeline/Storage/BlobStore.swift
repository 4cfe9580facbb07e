import Foundation

/// Where media files live: originals, content-addressed and kept byte for byte, and the
/// review outputs made from them.
///
/// Paths the catalog registers are relative to the store, so the data can move and, later,
/// live in object storage behind another implementation of this seam.
public protocol BlobStore: Sendable {
    /// A fresh path for a file being written (an upload, a copy), on the same file system
    /// as the store so that storing it is a rename.
    func temporaryPath() throws -> String

    /// Moves a complete, flushed temporary file in as an original with content hash
    /// `sha256`, or drops it when that content is already stored. Returns its relative path.
    func storeOriginal(temporaryPath: String, sha256: String, fileExtension: String) throws -> String

    /// Moves a complete, flushed temporary PNG in as the studio's logo with content hash
    /// `sha256` (or drops it when that logo is stored already). Returns its relative path.
    func storeLogo(temporaryPath: String, sha256: String) throws -> String

    /// Removes a logo stored with ``storeLogo(temporaryPath:sha256:)`` (one no longer in use).
    func removeLogo(_ path: String)

    /// A new folder for one run's review outputs of a version in a profile (relative path);
    /// runs never share a folder, so outputs registered earlier stay whole.
    func newDerivedDirectory(versionID: UUID, profile: String, run: UUID) throws -> String

    /// The absolute path of relative `path`.
    func absolutePath(_ path: String) -> String

    /// Removes a derived folder (a replaced run's outputs).
    func removeDerived(_ path: String)

    /// Removes every run folder beside `runFolder` (same version and profile).
    func removeDerived(siblingsOf runFolder: String)

    /// Where a session's PDF report is kept (relative path).
    func reportPath(sessionID: UUID, reportID: UUID) -> String

    /// Removes a deleted session's reports. (Its frame receipts stay: notes transferred
    /// from its comments keep pointing at them.)
    func removeReports(sessionID: UUID)
}

/// The embedded default: files under the data directory.
///
/// ```
/// originals/ab/cd/abcd…(sha256).mov          each original once, named by its content
/// originals/sequences/<manifest sha256>/…    an image sequence's files, as uploaded
/// derived/<version>/<profile>/<run>/…        review outputs of one transcode run
/// receipts/<session>/<comment>-<frame>.jpg     frame receipts: what a reviewer saw (never reprocessed)
/// reports/<session>/<report>.pdf              PDF reports of a session's feedback
/// branding/logo-<sha256>.png                  the studio's logo, as the server remade it
/// tmp/                                       files being written
/// ```
public struct LocalBlobStore: BlobStore {
    public let root: String

    public init(dataDirectory: String) throws {
        root = (dataDirectory as NSString).standardizingPath
        for folder in ["originals", "derived", "tmp"] {
            try FileManager.default.createDirectory(atPath: (root as NSString).appendingPathComponent(folder),
                                                    withIntermediateDirectories: true)
        }
    }

    public func temporaryPath() throws -> String {
        absolutePath("tmp/\(UUID().uuidString)")
    }

    public func storeOriginal(temporaryPath: String, sha256: String, fileExtension: String) throws -> String {
        let safeExtension = fileExtension.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(10)
        let name = safeExtension.isEmpty ? sha256 : "\(sha256).\(safeExtension)"
        return try store(temporaryPath, as: "originals/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(name)")
    }

    public func storeLogo(temporaryPath: String, sha256: String) throws -> String {
        try store(temporaryPath, as: "branding/logo-\(sha256).png")
    }

    public func removeLogo(_ path: String) {
        guard path.hasPrefix("branding/logo-") else { return }
        try? FileManager.default.removeItem(atPath: absolutePath(path))
    }

    /// Moves a content-addressed file in at `relative`, or drops it when those bytes are there already.
    private func store(_ temporaryPath: String, as relative: String) throws -> String {
        let target = absolutePath(relative)
        if FileManager.default.fileExists(atPath: target) {
            // Deduplicated: the same bytes are stored already.
            try? FileManager.default.removeItem(atPath: temporaryPath)
            return relative
        }
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Durability.rename(temporaryPath, to: target)
        return relative
    }

    public func newDerivedDirectory(versionID: UUID, profile: String, run: UUID) throws -> String {
        let relative = "derived/\(versionID.uuidString.lowercased())/\(profile)/\(run.uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: absolutePath(relative), withIntermediateDirectories: true)
        return relative
    }

    public func absolutePath(_ path: String) -> String {
        (root as NSString).appendingPathComponent(path)
    }

    public func removeDerived(siblingsOf runFolder: String) {
        let parent = (runFolder as NSString).deletingLastPathComponent
        let keep = (runFolder as NSString).lastPathComponent
        for name in (try? FileManager.default.contentsOfDirectory(atPath: absolutePath(parent))) ?? [] where name != keep {
            try? FileManager.default.removeItem(atPath: absolutePath((parent as NSString).appendingPathComponent(name)))
        }
    }

    public func reportPath(sessionID: UUID, reportID: UUID) -> String {
        "reports/\(sessionID.uuidString.lowercased())/\(reportID.uuidString.lowercased()).pdf"
    }

    public func removeReports(sessionID: UUID) {
        try? FileManager.default.removeItem(atPath: absolutePath("reports/\(sessionID.uuidString.lowercased())"))
    }

    public func removeDerived(_ path: String) {
        guard path.hasPrefix("derived/") else { return }
        try? FileManager.default.removeItem(atPath: absolutePath(path))
        // Then the profile's and the version's folders, when that left them empty.
        var parent = (path as NSString).deletingLastPathComponent
        while parent.hasPrefix("derived/"), rmdir(absolutePath(parent)) == 0 {
            parent = (parent as NSString).deletingLastPathComponent
        }
    }
}
