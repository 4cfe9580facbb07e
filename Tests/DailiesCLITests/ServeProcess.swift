import Foundation
import MediaTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A running `dailies serve` (or `dailies worker`) process and what it printed on starting.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let output = Pipe()
    let dataDirectory: String
    var printed = ""
    var url = ""

    /// Starts `dailies serve` on a free port; waits until it listens.
    init(dataDirectory: String, arguments: [String] = []) throws {
        self.dataDirectory = dataDirectory
        process.executableURL = URL(fileURLWithPath: dailiesExecutable)
        process.arguments = ["serve", "--data-dir", dataDirectory, "--port", "0"] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        // On first start the admin's set-password link follows the address.
        func done() -> Bool {
            printed.contains("Dailies is listening on ") && (!printed.contains("First start") || printed.contains("/staff/set-password/"))
        }
        while !done(), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(printed.split(separator: "\n").first { $0.contains("Dailies is listening on ") })
        url = String(line.split(separator: " ")[4])
    }

    /// The admin key printed on first start, if any.
    var adminKey: String? {
        printed.range(of: #"dk_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(printed[$0]) }
    }

    /// The admin's set-password link printed on first start, if any.
    var adminPasswordLink: String? {
        printed.range(of: #"http://\S+/staff/set-password/dp_[A-Za-z0-9_-]+"#, options: .regularExpression)
            .map { String(printed[$0]) }
    }

    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The process's peak resident memory so far, in KiB.
    var peakResidentKilobytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A `dailies worker` process.
final class WorkerProcess: @unchecked Sendable {
    let process = Process()

    init(dataDirectory: String, leaseSeconds: Int = 30, concurrency: Int = 1, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: dailiesExecutable)
        process.arguments = ["worker", "--data-dir", dataDirectory, "--lease-seconds", String(leaseSeconds),
                             "--concurrency", String(concurrency)] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// The API, as a staff client sees it.
struct StaffAPI: Sendable {
    let base: String
    let key: String

    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 300
        configuration.timeoutIntervalForResource = 600
        return URLSession(configuration: configuration)
    }()

    @discardableResult
    func send(_ method: String, _ path: String, json: Any? = nil, body: Data? = nil, file: URL? = nil,
              headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        if let file {
            (data, response) = try await Self.session.upload(for: request, fromFile: file)
        } else {
            if let json {
                request.httpBody = try JSONSerialization.data(withJSONObject: json)
                if request.value(forHTTPHeaderField: "Content-Type") == nil {
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                }
            }
            if let body { request.httpBody = body }
            (data, response) = try await Self.session.data(for: request)
        }
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }

    /// A new project and a version in it; returns their ids.
    func makeVersion(_ name: String = "sh010_comp", project: String? = nil) async throws -> (project: String, version: String) {
        let projectID: String
        if let project {
            projectID = project
        } else {
            projectID = try #require(try await send("POST", "/api/v1/projects", json: ["name": "Show \(UUID())"]).json["id"] as? String)
        }
        let version = try #require(try await send("POST", "/api/v1/projects/\(projectID)/versions", json: ["name": name])
            .json["id"] as? String)
        return (projectID, version)
    }

    /// Polls the webhook deliveries until `count` of them have ended (succeeded, failed or
    /// cancelled); returns them all, newest first.
    func waitForDeliveries(ended count: Int, timeout: TimeInterval = 120) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let jobs = try await send("GET", "/api/v1/jobs?kind=webhook").json["data"] as? [[String: Any]] ?? []
            let ended = jobs.filter { ["succeeded", "failed", "cancelled"].contains($0["state"] as? String ?? "") }
            if ended.count >= count { return jobs }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestFailure("fewer than \(count) webhook deliveries ended in \(Int(timeout)) s")
    }

    /// Polls the version until its media state is one of `states`.
    func waitForMedia(_ version: String, states: Set<String> = ["ready", "failed"], timeout: TimeInterval = 180) async throws
        -> [String: Any]
    {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let json = try await send("GET", "/api/v1/versions/\(version)").json
            if let state = json["media_state"] as? String, states.contains(state) { return json }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestFailure("version \(version) did not reach \(states) in \(Int(timeout)) s")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ServeProcess {
    var api: StaffAPI { StaffAPI(base: url, key: adminKey ?? "") }
}
