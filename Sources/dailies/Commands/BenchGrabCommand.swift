import ArgumentParser
import Foundation
import FrameTime
import Media

/// `dailies bench-grab`: frame-grab latency and memory in one warm process, for
/// `Scripts/bench-transcode.sh` and the memory test.
struct BenchGrabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-grab",
        abstract: "Time random frame-exact JPEG grabs, and steps forward from them, from one open file; report latency and memory.",
        shouldDisplay: false)

    @Argument(help: "The movie to grab from.")
    var file: String

    @Option(help: "Grabs to time.")
    var count = 100

    @Option(help: "Untimed grabs first, to warm caches and fill pools.")
    var warmup = 10

    @Option(help: "Width of each JPEG.")
    var width = 480

    @Option(help: "After each random grab, grab this many frames after it one by one, timed as steps.")
    var steps = 0

    @Option(name: .customLong("pace-ms"),
            help: "Wait this long between grabs, as a viewer stepping with a key held does (0: back to back).")
    var paceMilliseconds = 0

    func run() throws {
        Libav.setLogLevel(.quiet)
        let report: Report
        do {
            let grabber = try FrameGrabber(file)
            let frameCount = grabber.info.frameMap.frameCount
            for _ in 0..<warmup {
                _ = try grabber.image(frame: Int.random(in: 0..<frameCount), width: width, format: .jpeg(quality: 3))
            }
            let residentAfterWarmup = residentKilobytes()
            let clock = ContinuousClock()
            func timed(_ frame: Int) throws(MediaError) -> Double {
                let started = clock.now
                _ = try grabber.image(frame: frame, width: width, format: .jpeg(quality: 3))
                let elapsed = (clock.now - started).components
                // As the pool does when a grab gives its grabber back.
                grabber.readAhead()
                if paceMilliseconds > 0 { Thread.sleep(forTimeInterval: Double(paceMilliseconds) / 1000) }
                return Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            }
            var frames: [Int] = []
            var latencies: [Double] = []
            var stepLatencies: [Double] = []
            for _ in 0..<count {
                let frame = Int.random(in: 0..<frameCount)
                frames.append(frame)
                latencies.append(try timed(frame))
                for step in (frame + 1)..<min(frame + 1 + steps, frameCount) {
                    stepLatencies.append(try timed(step))
                }
            }
            report = Report(
                file: file, width: width, paceMilliseconds: paceMilliseconds, rate: grabber.info.frameMap.rate, frames: frames, latenciesMilliseconds: latencies,
                p50Milliseconds: Self.percentile(50, of: latencies), p99Milliseconds: Self.percentile(99, of: latencies),
                steps: stepLatencies.count, stepP50Milliseconds: stepLatencies.isEmpty ? nil : Self.percentile(50, of: stepLatencies),
                stepP99Milliseconds: stepLatencies.isEmpty ? nil : Self.percentile(99, of: stepLatencies),
                residentKilobytesAfterWarmup: residentAfterWarmup, residentKilobytesAtEnd: residentKilobytes())
        } catch {
            throw error.report()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    struct Report: Codable {
        let file: String
        let width: Int
        /// The wait between grabs (0 when back to back).
        let paceMilliseconds: Int
        let rate: FrameRate
        let frames: [Int]
        let latenciesMilliseconds: [Double]
        let p50Milliseconds: Double
        let p99Milliseconds: Double
        /// Steps timed, and their percentiles (none without `--steps`).
        let steps: Int
        let stepP50Milliseconds: Double?
        let stepP99Milliseconds: Double?
        let residentKilobytesAfterWarmup: Int
        let residentKilobytesAtEnd: Int

        enum CodingKeys: String, CodingKey {
            case file, width, paceMilliseconds = "pace_ms", rate, frames, latenciesMilliseconds = "latencies_ms", p50Milliseconds = "p50_ms"
            case p99Milliseconds = "p99_ms", steps, stepP50Milliseconds = "step_p50_ms", stepP99Milliseconds = "step_p99_ms"
            case residentKilobytesAfterWarmup = "rss_kb_after_warmup"
            case residentKilobytesAtEnd = "rss_kb_end"
        }
    }

    /// The `percent`th percentile of `values` (nearest rank).
    private static func percentile(_ percent: Int, of values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[max(0, Int((Double(sorted.count) * Double(percent) / 100).rounded(.up)) - 1)]
    }

    /// This process's resident set size, from /proc (0 where there is none).
    private func residentKilobytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}
