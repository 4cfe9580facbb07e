/// A block of addresses in CIDR notation: `10.20.0.0/16`, `fd00:1234::/32`.
///
/// The studio's `webhook_allowed_networks` are these: the private networks its internal
/// webhook receivers live in.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block (its host bits are zero).
    public let address: IPAddress
    /// How many leading bits every address in the block shares.
    public let prefixLength: Int

    /// Reads `address/prefix`, or a lone address as a block of one. `nil` when the text is not
    /// a network, or when the address has bits set beyond the prefix (`10.20.1.0/16` is
    /// probably a typing mistake, so it is not silently taken as `10.20.0.0/16`).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        // Networks are written in the plain forms only: four decimal parts or IPv6.
        guard let first = parts.first, !first.contains("%"), !first.hasPrefix("["),
            first.contains(":") || first.split(separator: ".", omittingEmptySubsequences: false).count == 4,
            let address = IPAddress(String(first))
        else { return nil }
        let bits = address.bytes.count * 8
        let prefixLength: Int
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value), parts[1].allSatisfy(\.isASCII) else { return nil }
            prefixLength = value
        } else {
            prefixLength = bits
        }
        guard Self.masked(address.bytes, prefixLength) == address.bytes else { return nil }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Whether `candidate` lies in this block (an IPv4 address is never in an IPv6 block).
    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bytes.count == address.bytes.count && Self.masked(candidate.bytes, prefixLength) == address.bytes
    }

    /// Whether the two blocks share an address: for CIDR blocks, one holds the other.
    public func overlaps(_ other: IPNetwork) -> Bool {
        contains(other.address) || other.contains(address)
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], _ prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, prefixLength - index * 8))
            return keep == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xff << (8 - keep))
        }
    }
}
