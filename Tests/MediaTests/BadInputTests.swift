import Foundation
import Media
import MediaTestSupport
import Testing

@Suite("Bad input")
struct BadInputTests {
    init() { Libav.setLogLevel(.quiet) }

    private func probeError(_ path: String, options: ProbeOptions = ProbeOptions()) -> MediaError? {
        do {
            _ = try MediaProbe.probe(path, options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test("each broken fixture gives its own clear error", arguments: Fixture.broken.map(\.name))
    func brokenFixture(name: String) throws {
        let expected = Fixture.broken.first { $0.name == name }!.code
        let error = try #require(probeError(Fixture.path(name)))
        #expect(error.code == expected, "\(error)")
        #expect(error.path == Fixture.path(name))
        #expect(error.description.count > error.path.count + 10, "the message says what is wrong: \(error)")
    }

    @Test("a truncated movie says where it was cut")
    func truncatedMessages() throws {
        let cut = try #require(probeError(Fixture.path("broken-truncated.mov")))
        #expect(cut.reason.contains("cut short") && cut.reason.contains("60000"))
        let faststart = try #require(probeError(Fixture.path("broken-truncated-faststart.mp4")))
        #expect(faststart.reason.contains("65 frames") && faststart.reason.contains("19"))
    }

    @Test("missing files, folders and pipes are refused before libav opens them")
    func fileSystem() throws {
        let directory = try TemporaryDirectory()
        #expect(probeError(directory.path("missing.mov"))?.code == .fileNotFound)
        #expect(probeError(directory.path("no-folder/clip.mov"))?.code == .fileNotFound)
        #expect(probeError(directory.url.path)?.code == .isDirectory)
        // A FIFO would block open(2) forever; it must be refused at once.
        let fifo = directory.path("pipe.mov")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(probeError(fifo)?.code == .notRegularFile)
        #expect(probeError(directory.path("shot.%04d.exr"))?.code == .fileNotFound)
        #expect(probeError(directory.path("absent/shot.%04d.exr"))?.code == .fileNotFound)
    }

    @Test("probing has a time bound")
    func timeBound() throws {
        let error = try #require(probeError(Fixture.path("dnxhr-25-tc10.mxf"), options: ProbeOptions(timeout: .zero)))
        #expect(error.code == .timedOut, "\(error)")
    }

    @Test("the frame reader refuses the same inputs")
    func frameReader() throws {
        for (name, code) in Fixture.broken where name != "broken-truncated-faststart.mp4" {
            do {
                let reader = try VideoFrameReader(Fixture.path(name))
                while try reader.next(.gray8) != nil {}
                Issue.record("\(name) decoded without an error")
            } catch {
                #expect(error.code == code, "\(name): \(error)")
            }
        }
        // With its index intact, the cut faststart movie opens; decoding stops where the data does.
        let reader = try VideoFrameReader(Fixture.path("broken-truncated-faststart.mp4"))
        var decoded = 0
        while try reader.next(.gray8) != nil { decoded += 1 }
        #expect(decoded == 19)
    }
}
