import Catalog
import Foundation

/// What every mail from the studio shares: who it comes from, and how it writes times.
enum StudioMail {
    /// The server's host name in `publicURL`, for the sender and message ids.
    static func host(publicURL: String) -> String {
        URL(string: publicURL)?.host ?? "localhost"
    }

    /// The sender: the studio's reply-to address, or else no-reply at the server's host.
    static func sender(_ organization: OrganizationSettings, publicURL: String) -> String {
        organization.replyTo ?? "no-reply@\(host(publicURL: publicURL))"
    }

    /// Writes times on the studio's clock: `format`, then the zone as people read it.
    static func timeFormatter(_ organization: OrganizationSettings, format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: organization.timeZone) ?? .gmt
        formatter.dateFormat = format + " " + zoneFormat(organization.timeZone)
        return formatter
    }

    /// How a time's zone is written: its abbreviation (`GMT`, `CET`, `PST`), or `UTC` for UTC,
    /// which Foundation would write `GMT`.
    static func zoneFormat(_ name: String) -> String {
        ["UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu"].contains(name) ? "'UTC'" : "zzz"
    }
}
