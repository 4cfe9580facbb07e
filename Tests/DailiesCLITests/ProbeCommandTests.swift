import Foundation
import Media
import MediaTestSupport
import Testing

/// The `dailies` executable built next to this test bundle.
let dailiesExecutable: String = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    // swift test runs .build/<config>/<Package>PackageTests.xctest; the products sit beside it.
    var directory = testBinary.deletingLastPathComponent()
    if directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS" {
        directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("dailies").path
}()

func dailies(_ arguments: String...) throws -> Subprocess {
    try dailies(arguments)
}

func dailies(_ arguments: [String], input: Data? = nil) throws -> Subprocess {
    try Subprocess.run(dailiesExecutable, arguments, check: false, input: input)
}

@Suite("dailies probe")
struct ProbeCommandTests {
    @Test("prints JSON that decodes to what the library probes", arguments: Fixture.media)
    func json(fixture: Fixture) throws {
        let result = try dailies("probe", fixture.path, "--json")
        #expect(result.status == 0, "\(result.standardErrorText)")
        let printed = try JSONDecoder().decode(MediaInfo.self, from: result.standardOutput)
        #expect(printed == (try MediaProbe.probe(fixture.path)))
    }

    @Test("prints a readable summary")
    func text() throws {
        let result = try dailies("probe", Fixture.path("h264-2997df-tc005959.mov"))
        #expect(result.status == 0)
        let text = result.standardOutputText
        #expect(text.contains("30000/1001 (29.97 fps), constant"))
        #expect(text.contains("90, counted in the container's index"))
        #expect(text.contains("00:59:59;28 – 01:00:02;27"))
        let sequence = try dailies("probe", Fixture.path("png-sequence/shot_010.%04d.png"), "--sequence-rate", "25")
        #expect(sequence.standardOutputText.contains("frame numbers  1001–1048"))
        #expect(sequence.standardOutputText.contains("25/1 (25 fps)"))
    }

    @Test("bad input exits non-zero with the error on standard error", arguments: Fixture.broken.map(\.name))
    func broken(name: String) throws {
        let result = try dailies("probe", Fixture.path(name))
        let code = Fixture.broken.first { $0.name == name }!.code
        #expect(result.status == 65)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardErrorText.hasPrefix("dailies: \(code): \(Fixture.path(name)): "))
    }

    @Test("exit status tells a missing file and a time-out apart")
    func exitStatus() throws {
        #expect(try dailies("probe", "/nonexistent/clip.mov").status == 66)
        let usage = try dailies("probe", Fixture.path("still.jpg"), "--sequence-rate", "23.9")
        #expect(usage.status == 64)
        #expect(usage.standardErrorText.contains("--sequence-rate"))
        #expect(try dailies("probe").status == 64)
    }
}
