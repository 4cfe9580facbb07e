import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// The reverse proxies in front of the server whose `X-Forwarded-For` is believed.
struct TrustedProxies: Sendable {
    let networks: [IPNetwork]

    /// Reads each entry as an address or a CIDR block; `nil` when one is neither.
    init?(_ entries: [String]) {
        var networks: [IPNetwork] = []
        for entry in entries {
            guard let network = IPNetwork(entry) else { return nil }
            networks.append(network)
        }
        self.networks = networks
    }

    /// Whether `address` (text) is one of the proxies; an IPv4-mapped IPv6 address counts as
    /// its IPv4 address.
    func contains(_ address: String) -> Bool {
        guard let parsed = IPAddress(address) else { return false }
        let candidates = [parsed] + (parsed.embeddedIPv4.map { [$0] } ?? [])
        return networks.contains { network in candidates.contains(where: network.contains) }
    }
}

extension AppRequestContext {
    /// The client's address, for throttles: the connecting peer's, unless that peer is one
    /// of `trustedProxies`; then the nearest address in `X-Forwarded-For` that is not a
    /// trusted proxy. Anyone can send the header, so it is believed only from proxies the
    /// studio named.
    func clientAddress(of request: Request, trustedProxies: TrustedProxies) -> String {
        guard !trustedProxies.networks.isEmpty, trustedProxies.contains(peerAddress) else { return peerAddress }
        let forwarded = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        // Each proxy appends the address it heard from: read from the right, past our own proxies.
        for address in forwarded.reversed() {
            guard IPAddress(address) != nil else { return peerAddress }
            if !trustedProxies.contains(address) { return address }
        }
        return peerAddress
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
