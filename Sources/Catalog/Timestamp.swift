import Foundation

/// When something happened: a moment in UTC, kept to the millisecond so that it survives
/// storage unchanged (the catalog stores milliseconds since 1970 in a 64-bit integer, which
/// both SQLite and PostgreSQL hold exactly).
public typealias Timestamp = Date

extension Date {
    /// Milliseconds since 1970, as stored.
    var storedMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(storedMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(storedMilliseconds) / 1000)
    }

    /// This moment cut to whole milliseconds, as the catalog will give it back.
    public var truncatedToMilliseconds: Date { Date(storedMilliseconds: storedMilliseconds) }
}
