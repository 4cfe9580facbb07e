import Foundation

/// The project's Python venv, where the tests' real peers live (the SMTP server, the
/// OpenTimelineIO reader): `Scripts/python-venv.sh` makes it, or brings it up to date with
/// `Scripts/python-requirements.txt`, and says where its python is.
public enum PythonVenv {
    /// The repository's root, found from this file's place in it.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The venv's python, after `Scripts/python-venv.sh` has made the venv or brought it up to
    /// date (which it does only when the requirements changed, so asking is cheap).
    public static func python() async throws -> String {
        let script = Process()
        script.executableURL = root.appendingPathComponent("Scripts/python-venv.sh")
        script.currentDirectoryURL = root
        let output = Pipe()
        // Its log can be long (pip), more than a pipe holds: a file never blocks it.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dailies-python-venv-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        script.standardOutput = output
        script.standardError = try FileHandle(forWritingTo: log)
        script.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            script.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try script.run()
            } catch {
                script.terminationHandler = nil
                continuation.resume(throwing: PythonVenvError("cannot run Scripts/python-venv.sh: \(error)"))
            }
        }
        let python = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, !python.isEmpty else {
            let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw PythonVenvError("Scripts/python-venv.sh failed (exit \(status)), so there is no Python venv: \(said.suffix(2000))")
        }
        return python
    }
}

/// Why the Python venv could not be had.
public struct PythonVenvError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
