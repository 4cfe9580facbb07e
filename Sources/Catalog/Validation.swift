import Foundation

/// The checks every write passes, shared by the API and the CLI, so bad input gets the same
/// clear refusal wherever it comes from.
enum Validate {
    /// A required one-line name (see ``TextRule/name(maximum:)``), trimmed.
    static func name(_ value: String, _ rule: TextRule = FieldRules.name, field: String) throws(CatalogError) -> String {
        try check(value, rule, field: field)
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An optional one-line value: blank means none.
    static func optionalName(_ value: String?, _ rule: TextRule = FieldRules.label, field: String) throws(CatalogError) -> String? {
        guard let value else { return nil }
        try check(value, rule, field: field)
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Free text, as long as `rule` allows.
    static func text(_ value: String, _ rule: TextRule = FieldRules.description, field: String) throws(CatalogError) -> String {
        try check(value, rule, field: field)
        return value
    }

    static func optionalText(_ value: String?, _ rule: TextRule, field: String) throws(CatalogError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return try text(value, rule, field: field)
    }

    /// An email address: one `@`, something before it, a domain with a dot that neither
    /// starts nor ends it, and none of the characters ``TextRule/email`` forbids (blanks
    /// among them: an address is taken as it is, not trimmed).
    static func email(_ value: String, field: String = "email") throws(CatalogError) -> String {
        // Scalars, not Characters: a combining mark after `@` or `.` must not hide it.
        let parts = value.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        guard TextRule.email.problem(with: value) == nil, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            parts[1].first != ".", parts[1].last != "."
        else { throw CatalogError.invalid(field, "'\(value.prefix(100))' is not an email address") }
        return value
    }

    static func optionalEmail(_ value: String?, field: String = "email") throws(CatalogError) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try email(value, field: field)
    }

    /// A colour as `#RRGGBB`, given back in capitals.
    static func colour(_ value: String, field: String) throws(CatalogError) -> String {
        let digits = value.dropFirst()
        guard value.first == "#", digits.count == 6, digits.allSatisfy(\.isHexDigit) else {
            throw CatalogError.invalid(field, "'\(value.prefix(20))' is not a colour like #3FA45B")
        }
        return value.uppercased()
    }

    /// Refuses `value` when it breaks `rule`, naming the field.
    static func check(_ value: String, _ rule: TextRule, field: String) throws(CatalogError) {
        if let problem = rule.problem(with: value) { throw CatalogError.invalid(field, problem) }
    }

    /// A schedule whose end comes after its start.
    static func schedule(startsAt: Timestamp, endsAt: Timestamp) throws(CatalogError) {
        guard endsAt > startsAt else {
            throw CatalogError.invalid("ends_at", "the schedule must end after it starts")
        }
    }

    /// An uploaded original's file name (see ``TextRule/fileName``), trimmed.
    static func fileName(_ value: String, field: String = "file_name") throws(CatalogError) -> String {
        try check(value, .fileName, field: field)
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A passphrase people can type: 4 to 200 characters.
    static func passphrase(_ value: String) throws(CatalogError) -> String {
        try check(value, .passphrase, field: "passphrase")
        return value
    }

    /// A staff member's password: 10 to 200 characters (see ``TextRule/password``).
    static func password(_ value: String) throws(CatalogError) -> String {
        try check(value, .password, field: "password")
        return value
    }

    /// Networks webhooks may reach: CIDR blocks (`10.20.0.0/16`, `fd00:1234::/32`), at most
    /// 100, none overlapping a range webhooks never reach (loopback, link-local…). Returns them
    /// in their usual spelling, without repeats.
    static func allowedNetworks(_ values: [String], field: String) throws(CatalogError) -> [String] {
        guard FieldRules.allowedNetworks.contains(values.count) else {
            throw CatalogError.invalid(field, "lists more than \(FieldRules.allowedNetworks.upperBound) networks")
        }
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

extension Catalog {
    /// Whether `text` is an email address the catalog takes (see `Validate.email`).
    public static func isEmailAddress(_ text: String) -> Bool {
        (try? Validate.email(text)) != nil
    }
}
