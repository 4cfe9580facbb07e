import ArgumentParser
import Foundation
import Pipeline

/// How workers deliver mail: `dailies worker` takes these, and `dailies serve` hands them to
/// the worker it supervises. The SMTP password comes from `DAILIES_SMTP_PASSWORD`, which the
/// supervised worker inherits, so it never shows on a command line.
struct MailOptions: ParsableArguments {
    @Option(help: "Deliver mail through this SMTP relay instead of the data directory's maildir outbox.")
    var smtpHost: String?

    @Option(help: ArgumentHelp("The SMTP relay's port (default: 25, or 465 with --smtp-security tls).", valueName: "port"))
    var smtpPort: Int?

    @Option(help: ArgumentHelp(
        "How the connection to the relay is protected: none; starttls (required: fails if the relay does not "
            + "offer it); starttls-if-offered; or tls (implicit TLS, port 465). AUTH (--smtp-user) needs TLS: "
            + "credentials are never sent in plain text.",
        valueName: "mode"))
    var smtpSecurity: SMTPSecurityOption = .startTLSIfOffered

    @Option(name: .customLong("smtp-ca-file"), help: ArgumentHelp(
        "A PEM file of CA certificates to trust for the relay's certificate besides the system's, such as the "
            + "studio's own CA.",
        valueName: "path"))
    var smtpCAFile: String?

    @Option(help: "SMTP user name for AUTH, sent only over TLS (the password comes from DAILIES_SMTP_PASSWORD).")
    var smtpUser: String?

    func validate() throws {
        if let smtpPort, !(1...65535).contains(smtpPort) { throw ValidationError("--smtp-port must be 1 to 65535") }
        if smtpUser != nil {
            guard smtpSecurity != .none else {
                throw ValidationError("--smtp-user needs TLS: AUTH is never sent in plain text, so use --smtp-security "
                                      + "starttls, starttls-if-offered or tls")
            }
            guard ProcessInfo.processInfo.environment["DAILIES_SMTP_PASSWORD"] != nil else {
                throw ValidationError("--smtp-user needs the password in DAILIES_SMTP_PASSWORD")
            }
        }
        if let smtpCAFile, !FileManager.default.isReadableFile(atPath: smtpCAFile) {
            throw ValidationError("--smtp-ca-file '\(smtpCAFile)' is not a readable file")
        }
    }

    /// The settings these options give.
    var settings: MailSettings {
        guard let smtpHost else { return .outbox }
        return .smtp(SMTPSettings(host: smtpHost, port: smtpPort ?? (smtpSecurity == .tls ? 465 : 25),
                                  security: smtpSecurity.security, username: smtpUser,
                                  password: ProcessInfo.processInfo.environment["DAILIES_SMTP_PASSWORD"], caFile: smtpCAFile))
    }

    /// The same options, for a worker's command line.
    var workerArguments: [String] {
        guard let smtpHost else { return [] }
        var arguments = ["--smtp-host", smtpHost, "--smtp-security", smtpSecurity.rawValue]
        if let smtpPort { arguments += ["--smtp-port", String(smtpPort)] }
        if let smtpCAFile { arguments += ["--smtp-ca-file", (smtpCAFile as NSString).standardizingPath] }
        if let smtpUser { arguments += ["--smtp-user", smtpUser] }
        return arguments
    }
}

/// The values of `--smtp-security`.
enum SMTPSecurityOption: String, ExpressibleByArgument, CaseIterable {
    case none
    case startTLS = "starttls"
    case startTLSIfOffered = "starttls-if-offered"
    case tls

    var security: SMTPSettings.Security {
        switch self {
        case .none: .none
        case .startTLS: .startTLS
        case .startTLSIfOffered: .startTLSIfOffered
        case .tls: .tls
        }
    }
}

