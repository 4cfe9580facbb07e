import ArgumentParser
import Foundation
import Media

/// The `dailies` command: one binary for the server, the workers and the admin tools.
@main
struct Dailies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dailies",
        abstract: "Client review for film, VFX and animation studios.",
        discussion: """
            Dailies keeps every original byte-exact, makes frame-exact review media with FFmpeg's \
            libraries, and runs review sessions for collaborators.
            """,
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, WorkerCommand.self, IngestCommand.self, ReprocessCommand.self, ReportCommand.self, ProbeCommand.self,
            TranscodeCommand.self, ThumbnailCommand.self, UserCommand.self, ProjectCommand.self, SessionCommand.self,
            StatusListCommand.self, TaskCommand.self, VersionCommand.self, NoteCommand.self, TransferCommand.self, CatalogCommand.self,
            BenchGrabCommand.self, BenchFtrackCommand.self,
        ]
    )
}

extension MediaError {
    /// The process exit status for this failure, after sysexits(3).
    var exitCode: ExitCode {
        switch code {
        case .fileNotFound: ExitCode(66)  // EX_NOINPUT
        case .permissionDenied: ExitCode(77)  // EX_NOPERM
        case .timedOut: ExitCode(75)  // EX_TEMPFAIL
        case .cancelled: ExitCode(130)  // as a shell reports an interrupted command
        default: ExitCode(65)  // EX_DATAERR
        }
    }

    /// Writes `dailies: code: path: reason` to standard error and returns the exit status.
    func report() -> ExitCode {
        printError("dailies: \(code): \(description)")
        return exitCode
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
