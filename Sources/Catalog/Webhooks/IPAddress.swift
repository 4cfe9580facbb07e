#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as the bytes a socket connects to.
///
/// Webhook targets are checked by address, not by how a URL spells its host: `127.1`,
/// `0x7f000001`, `2130706433` and `[::ffff:7f00:1]` are all 127.0.0.1 to the system's
/// resolver, so ``init(_:)`` reads literals the way the resolver does, and ``category``
/// sees through the IPv6 forms that carry an IPv4 address.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), in network order.
    public let bytes: [UInt8]

    /// The address of these 4 or 16 bytes; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Reads a literal address as `getaddrinfo` would: IPv4 with `inet_aton`'s rules (one to
    /// four dot-separated parts, each decimal, octal with a leading `0` or hexadecimal with
    /// `0x`, the last part filling the remaining bytes) or IPv6 with `inet_pton`'s, with or
    /// without brackets and with any `%zone` ignored. `nil` when `text` is not an address
    /// (a host name).
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// For an IPv6 address that stands for an IPv4 one, the IPv4 address a connection to it
    /// reaches: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), IPv4-translated
    /// (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::/48`).
    public var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let head = bytes.prefix(12)
        let zeros = [UInt8](repeating: 0, count: 10)
        if head == ArraySlice(zeros + [0xff, 0xff])  // ::ffff:a.b.c.d
            || head == ArraySlice([UInt8](repeating: 0, count: 8) + [0xff, 0xff, 0, 0])  // ::ffff:0:a.b.c.d
            || head == ArraySlice([0x00, 0x64, 0xff, 0x9b] + [UInt8](repeating: 0, count: 8))  // 64:ff9b::a.b.c.d
        {
            return IPAddress(bytes: Array(bytes.suffix(4)))
        }
        if head == ArraySlice(zeros + [0, 0]), bytes[12] != 0 || bytes[13] != 0 || bytes[14] != 0 || bytes[15] > 1 {
            // ::a.b.c.d, but not :: or ::1, which are IPv6's own.
            return IPAddress(bytes: Array(bytes.suffix(4)))
        }
        if bytes[0] == 0x20, bytes[1] == 0x02 {  // 2002:AABB:CCDD::/48
            return IPAddress(bytes: Array(bytes[2..<6]))
        }
        return nil
    }

    /// What kind of address this is; IPv6 forms of IPv4 addresses are the kind of the IPv4
    /// address they reach.
    public var category: Category {
        if let v4 = embeddedIPv4 { return v4.category }
        return Self.specialPurpose.first { $0.network.contains(self) }?.category ?? .global
    }

    /// The usual text: dotted decimal, or IPv6 in its shortest form.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What an address is for, as far as a webhook's target is concerned.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// This machine (127.0.0.0/8, ::1).
        case loopback
        /// The local link, including cloud metadata services (169.254.0.0/16, fe80::/10).
        case linkLocal
        /// Group delivery (224.0.0.0/4, ff00::/8).
        case multicast
        /// No address, which the system takes as this machine (0.0.0.0/8, ::).
        case unspecified
        /// The local network's broadcast (255.255.255.255).
        case broadcast
        /// Set aside, never assigned (240.0.0.0/4).
        case reserved
        /// A private network: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, carrier-grade NAT's
        /// 100.64.0.0/10, unique local fc00::/7 and the old site-local fec0::/10.
        case privateNetwork
        /// Anything else: reachable across the internet.
        case global

        /// "a loopback address", for messages.
        public var phrase: String {
            switch self {
            case .loopback: "a loopback address"
            case .linkLocal: "a link-local address"
            case .multicast: "a multicast address"
            case .unspecified: "an unspecified address"
            case .broadcast: "a broadcast address"
            case .reserved: "a reserved address"
            case .privateNetwork: "a private address"
            case .global: "a public address"
            }
        }
    }

    /// The ranges with a purpose other than global reach, the first match deciding.
    static let specialPurpose: [(network: IPNetwork, category: Category)] = {
        let table: [(String, Category)] = [
            ("0.0.0.0/8", .unspecified), ("127.0.0.0/8", .loopback), ("169.254.0.0/16", .linkLocal),
            ("224.0.0.0/4", .multicast), ("255.255.255.255/32", .broadcast), ("240.0.0.0/4", .reserved),
            ("10.0.0.0/8", .privateNetwork), ("172.16.0.0/12", .privateNetwork), ("192.168.0.0/16", .privateNetwork),
            ("100.64.0.0/10", .privateNetwork),
            ("::/128", .unspecified), ("::1/128", .loopback), ("fe80::/10", .linkLocal), ("ff00::/8", .multicast),
            ("fc00::/7", .privateNetwork), ("fec0::/10", .privateNetwork),
        ]
        return table.map { (IPNetwork($0.0)!, $0.1) }
    }()

    // MARK: Parsing

    /// `inet_aton`'s reading: "127.1" is 127.0.0.1, "0x7f000001" and "2130706433" too.
    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt32] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            values.append(value)
        }
        // Every part but the last is one byte; the last fills the bytes left.
        guard values.dropLast().allSatisfy({ $0 <= 0xff }) else { return nil }
        let lastBits = 8 * (5 - values.count)
        guard lastBits == 32 || values[values.count - 1] < (UInt32(1) << lastBits) else { return nil }
        var address: UInt32 = 0
        for (index, value) in values.dropLast().enumerated() {
            address |= value << (24 - 8 * index)
        }
        address |= values[values.count - 1]
        return [UInt8(address >> 24), UInt8((address >> 16) & 0xff), UInt8((address >> 8) & 0xff), UInt8(address & 0xff)]
    }

    /// One part of an `inet_aton` address: decimal, `0`-prefixed octal or `0x`-prefixed hexadecimal.
    private static func number(_ part: Substring) -> UInt32? {
        let radix: UInt64
        var digits = part
        if part.hasPrefix("0x") || part.hasPrefix("0X") {
            radix = 16
            digits = part.dropFirst(2)
        } else if part.hasPrefix("0") && part.count > 1 {
            radix = 8
            digits = part.dropFirst()
        } else {
            radix = 10
        }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = character.hexDigitValue, UInt64(digit) < radix else { return nil }
            value = value * radix + UInt64(digit)
            guard value <= UInt64(UInt32.max) else { return nil }
        }
        return UInt32(value)
    }

    /// `inet_pton`'s reading of IPv6, after dropping a `%zone`.
    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        let address = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard address.contains(":") else { return nil }
        var result = in6_addr()
        let parsed = String(address).withCString { inet_pton(AF_INET6, $0, &result) }
        guard parsed == 1 else { return nil }
        return withUnsafeBytes(of: &result) { Array($0) }
    }
}
