import Foundation

/// Where a worker delivers mail.
public enum MailSettings: Sendable, Hashable {
    /// Into the data directory's maildir (`outbox/new`), for people or a mail agent to pick up:
    /// the embedded default.
    case outbox
    /// Over SMTP to a relay, such as the studio's own mail server, as `settings` say.
    case smtp(SMTPSettings)

    /// Over SMTP to `host`:`port` with STARTTLS when the relay offers it, and AUTH (over TLS
    /// only) when `username` is given.
    public static func smtp(host: String, port: Int, username: String?, password: String?) -> MailSettings {
        .smtp(SMTPSettings(host: host, port: port, username: username, password: password))
    }

    /// The maildir of a data directory.
    public static func outboxDirectory(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("outbox")
    }

    /// What delivers mail as these settings say. A CA file that cannot be read fails here, at start.
    public func delivery(dataDirectory: String) throws -> any MailDelivery {
        switch self {
        case .outbox: try MaildirOutbox(directory: Self.outboxDirectory(dataDirectory: dataDirectory))
        case .smtp(let settings): try SMTPDelivery(settings: settings)
        }
    }
}
