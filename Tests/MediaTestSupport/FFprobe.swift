import Foundation

/// The ffprobe command-line tool, as an independent oracle: what it says a file is.
public enum FFprobe {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// ffprobe's JSON for `path` (format, streams, decoded frame counts), parsed.
    ///
    /// - Parameter inputOptions: options placed before `-i`, such as `-framerate 24` for a sequence.
    public static func json(_ path: String, inputOptions: [String] = []) throws -> [String: Any] {
        let output = try run(["-v", "error", "-count_frames", "-show_format", "-show_streams", "-of", "json"]
                             + inputOptions + ["-i", path])
        guard let object = try JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw Failure(description: "ffprobe printed no JSON object for \(path)")
        }
        return object
    }

    /// Runs ffprobe with `arguments` and returns its standard output.
    public static func run(_ arguments: [String]) throws -> Data {
        try Subprocess.run("ffprobe", arguments).standardOutput
    }
}

/// A finished child process.
public struct Subprocess: Sendable {
    public let status: Int32
    public let standardOutput: Data
    public let standardError: Data

    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }

    /// Runs `executable` (found on PATH unless it contains a slash) to completion.
    ///
    /// - Parameters:
    ///   - check: throw unless the exit status is 0.
    ///   - input: what the child reads on standard input (nothing, by default).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], check: Bool = true, input: Data? = nil)
        throws -> Subprocess
    {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let feed = input.map { _ in Pipe() }
        process.standardInput = feed ?? FileHandle.nullDevice
        try process.run()
        if let feed, let input {
            // Written whole, then closed: the child sees the end of its input.
            feed.fileHandleForWriting.write(input)
            try? feed.fileHandleForWriting.close()
        }
        // Read both pipes to the end before waiting, so a chatty child cannot fill one and stall.
        let errorReader = Thread.detachNewThreadReturning { error.fileHandleForReading.readDataToEndOfFile() }
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        let standardError = errorReader.wait()
        process.waitUntilExit()
        let result = Subprocess(status: process.terminationStatus, standardOutput: standardOutput,
                                standardError: standardError)
        if check && result.status != 0 {
            throw FFprobe.Failure(description:
                "\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardErrorText)")
        }
        return result
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` returns its result.
    final class Result<Value: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private var value: Value?

        func set(_ newValue: Value) {
            condition.lock()
            value = newValue
            condition.signal()
            condition.unlock()
        }

        public func wait() -> Value {
            condition.lock()
            defer { condition.unlock() }
            while value == nil { condition.wait() }
            return value!
        }
    }

    static func detachNewThreadReturning<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> Result<Value> {
        let result = Result<Value>()
        Thread.detachNewThread { result.set(body()) }
        return result
    }
}
