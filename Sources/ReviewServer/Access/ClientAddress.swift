import Foundation
import HTTPTypes
import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A range of IP addresses in CIDR form (`10.0.0.0/8`, `2001:db8::/32`, or one address).
///
/// IPv4 is held as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so one comparison serves both.
struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    private let bytes: [UInt8]
    private let prefixLength: Int
    let description: String

    /// Parses `text`; `nil` when it is not an address or a CIDR range.
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPNetwork.bytes(of: first) else { return nil }
        let isIPv4 = !first.contains(":")
        let maximum = isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...maximum).contains(given) else { return nil }
            length = given
        }
        bytes = address
        prefixLength = isIPv4 ? length + 96 : length
        description = text
    }

    /// Whether `address` (text) lies in this range.
    func contains(_ address: String) -> Bool {
        guard let other = IPNetwork.bytes(of: address) else { return false }
        var remaining = prefixLength
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != other[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The 16 bytes of an IPv6 address, or of an IPv4 address mapped into IPv6.
    private static func bytes(of text: String) -> [UInt8]? {
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + withUnsafeBytes(of: &v4) { Array($0) }
        }
        return nil
    }
}

extension AppRequestContext {
    /// The client's address, for throttles: the connecting peer's, unless that peer is one
    /// of `trustedProxies`; then the nearest address in `X-Forwarded-For` that is not a
    /// trusted proxy. Anyone can send the header, so it is believed only from proxies the
    /// studio named.
    func clientAddress(of request: Request, trustedProxies: [IPNetwork]) -> String {
        guard !trustedProxies.isEmpty, trustedProxies.contains(where: { $0.contains(peerAddress) }) else {
            return peerAddress
        }
        let forwarded = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        // Each proxy appends the address it heard from: read from the right, past our own proxies.
        for address in forwarded.reversed() {
            guard IPNetwork(address) != nil else { return peerAddress }
            if !trustedProxies.contains(where: { $0.contains(address) }) { return address }
        }
        return peerAddress
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
