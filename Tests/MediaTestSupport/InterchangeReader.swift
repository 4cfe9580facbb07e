import Foundation

/// Reads Dailies' editorial exports back with the real readers, in the project's venv:
/// OpenTimelineIO and its CMX 3600 adapter (`Tests/Peers/read_interchange.py`), and
/// Python's csv module. What Dailies wrote is judged by what they make of it.
public enum InterchangeReader {
    /// `contents`, in a file called `name` (`.otio` or `.edl`), as OpenTimelineIO reads it (an
    /// EDL at `rate`, such as `30000/1001`): the reader script's JSON summary.
    public static func read(_ contents: Data, as name: String, rate: String? = nil) async throws -> Data {
        let folder = try TemporaryDirectory()
        let path = folder.path(name)
        try contents.write(to: URL(fileURLWithPath: path))
        var arguments = [PythonVenv.root.appendingPathComponent("Tests/Peers/read_interchange.py").path, path]
        if let rate { arguments += ["--rate", rate] }
        let output = try await run(arguments)
        // The folder goes when the value does, which must not be before python read the file.
        withExtendedLifetime(folder) {}
        return output
    }

    /// The rows of `csv` as Python's csv module reads them (after the BOM, as `utf-8-sig` does).
    public static func csvRows(_ csv: String) async throws -> [[String]] {
        let folder = try TemporaryDirectory()
        let path = folder.path("comments.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let script = "import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n"
            + "    json.dump(list(csv.reader(f, strict=True)), sys.stdout)\n"
        let output = try await run(["-c", script, path])
        withExtendedLifetime(folder) {}
        return try JSONDecoder().decode([[String]].self, from: output)
    }

    /// Runs the venv's python with `arguments` and returns its standard output; throws with
    /// its standard error when it fails.
    static func run(_ arguments: [String]) async throws -> Data {
        let python = try await PythonVenv.python()
        let folder = try TemporaryDirectory()
        let output = URL(fileURLWithPath: folder.path("stdout"))
        let errors = URL(fileURLWithPath: folder.path("stderr"))
        for file in [output, errors] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            throw PythonVenvError("python \(arguments.prefix(2).joined(separator: " ")) exited \(status): "
                                  + ((try? String(contentsOf: errors, encoding: .utf8)) ?? ""))
        }
        let data = try Data(contentsOf: output)
        withExtendedLifetime(folder) {}
        return data
    }
}
