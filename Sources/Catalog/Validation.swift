import Foundation

/// The checks every write passes, shared by the API and the CLI, so bad input gets the same
/// clear refusal wherever it comes from.
enum Validate {
    /// A required one-line name: trimmed, not empty, at most `maximum` characters.
    static func name(_ value: String, field: String, maximum: Int = 200) throws(CatalogError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CatalogError.invalid(field, "must not be empty") }
        guard trimmed.count <= maximum else { throw CatalogError.invalid(field, "is longer than \(maximum) characters") }
        guard !trimmed.contains(where: { $0.isNewline }) else { throw CatalogError.invalid(field, "must be one line") }
        return trimmed
    }

    /// An optional one-line value: empty means none.
    static func optionalName(_ value: String?, field: String, maximum: Int = 200) throws(CatalogError) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try name(value, field: field, maximum: maximum)
    }

    /// Free text, at most `maximum` characters.
    static func text(_ value: String, field: String, maximum: Int = 10_000) throws(CatalogError) -> String {
        guard value.count <= maximum else { throw CatalogError.invalid(field, "is longer than \(maximum) characters") }
        return value
    }

    static func optionalText(_ value: String?, field: String, maximum: Int = 10_000) throws(CatalogError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return try text(value, field: field, maximum: maximum)
    }

    /// An email address: one `@`, something on each side, a dot in the domain, no spaces.
    static func email(_ value: String, field: String = "email") throws(CatalogError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !trimmed.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
        else { throw CatalogError.invalid(field, "'\(value.prefix(100))' is not an email address") }
        return trimmed
    }

    static func optionalEmail(_ value: String?, field: String = "email") throws(CatalogError) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try email(value, field: field)
    }

    /// A schedule whose end comes after its start.
    static func schedule(startsAt: Timestamp, endsAt: Timestamp) throws(CatalogError) {
        guard endsAt > startsAt else {
            throw CatalogError.invalid("ends_at", "the schedule must end after it starts")
        }
    }

    /// An uploaded original's file name: one line, no folders, no control characters, at
    /// most 255 bytes (what file systems allow).
    static func fileName(_ value: String, field: String = "file_name") throws(CatalogError) -> String {
        let trimmed = try name(value, field: field, maximum: 255)
        guard trimmed.utf8.count <= 255 else { throw CatalogError.invalid(field, "is longer than 255 bytes") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "/" || $0 == "\\" }),
            trimmed != ".", trimmed != ".."
        else { throw CatalogError.invalid(field, "must be a plain file name, without folders or control characters") }
        return trimmed
    }

    /// A passphrase people can type: 4 to 200 characters.
    static func passphrase(_ value: String) throws(CatalogError) -> String {
        guard (4...200).contains(value.count) else {
            throw CatalogError.invalid("passphrase", "must be 4 to 200 characters")
        }
        return value
    }

    /// Networks webhooks may reach: CIDR blocks (`10.20.0.0/16`, `fd00:1234::/32`), at most
    /// 100, none overlapping a range webhooks never reach (loopback, link-local…). Returns them
    /// in their usual spelling, without repeats.
    static func allowedNetworks(_ values: [String], field: String) throws(CatalogError) -> [String] {
        guard values.count <= 100 else { throw CatalogError.invalid(field, "lists more than 100 networks") }
        var networks: [String] = []
        for value in values {
            let text = value.trimmingCharacters(in: .whitespaces)
            guard let network = IPNetwork(text) else {
                throw CatalogError.invalid(field, "'\(text.prefix(100))' is not a network in CIDR form such as 10.20.0.0/16 "
                                           + "(the address's bits beyond the prefix must be zero)")
            }
            if let refusal = WebhookAddressPolicy.refusal(ofAllowed: network) {
                throw CatalogError.invalid(field, refusal)
            }
            if !networks.contains(network.description) { networks.append(network.description) }
        }
        return networks
    }
}

extension KeyedDecodingContainer {
    /// For PATCH bodies: `nil` when `key` is absent (leave the field alone), `.some(nil)` when
    /// it is `null` (clear it), `.some(value)` otherwise.
    public func decodePatch<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .some(nil) }
        return .some(try decode(T.self, forKey: key))
    }
}
