import Foundation

/// JSON as Dailies writes it everywhere: the API's answers and the data of session events
/// (which the catalog writes inside the change's transaction), so both read the same: keys
/// as the types spell them (snake_case), sorted; times in RFC 3339, UTC, with milliseconds.
public enum CatalogJSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }()
}
