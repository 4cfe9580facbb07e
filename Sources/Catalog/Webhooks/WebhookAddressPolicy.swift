/// Which addresses a webhook delivery may connect to.
///
/// A webhook makes the server send requests where a user points it, so an address that
/// reaches Dailies itself or its neighbours would let an admin key (or a leaked one) probe
/// or drive them: the API on loopback, a cloud metadata service on 169.254.169.254, a
/// database on the private network. So:
/// - loopback, link-local, multicast, unspecified, broadcast and reserved addresses are never
///   reached, in any spelling (IPv6 forms of IPv4 addresses are judged as the IPv4 address);
/// - private addresses only in the networks the studio lists (`webhook_allowed_networks`),
///   since studios do run internal receivers;
/// - public addresses always.
///
/// The same rule refuses literal addresses when a webhook is created, and every resolved
/// address when a delivery is made.
public struct WebhookAddressPolicy: Sendable, Hashable {
    /// Private networks the studio allows, from its settings.
    public var allowedNetworks: [IPNetwork]
    /// **Tests only.** Lets deliveries reach loopback, where test receivers listen. Nothing
    /// a studio can set turns this on: the organization's settings cannot list loopback, and
    /// only the worker's configuration carries this flag (see `PipelineWorker.Configuration`).
    public var allowLoopbackForTests: Bool

    public init(allowedNetworks: [IPNetwork] = [], allowLoopbackForTests: Bool = false) {
        self.allowedNetworks = allowedNetworks
        self.allowLoopbackForTests = allowLoopbackForTests
    }

    /// Why `address` may not be reached, or `nil` when it may. `host` is how the target named
    /// it (a name, or a literal in whatever form it was written), for the message.
    ///
    /// Messages read "refused: 127.0.0.1 is a loopback address", "refused: 0x7f000001 is
    /// 127.0.0.1, a loopback address" or "refused: 127.0.0.1 is a loopback address (localhost
    /// resolves to it)".
    public func refusal(of address: IPAddress, host: String? = nil) -> String? {
        let reached = address.embeddedIPv4 ?? address
        let category = reached.category
        switch category {
        case .global:
            return nil
        case .loopback where allowLoopbackForTests:
            return nil
        case .privateNetwork where allowedNetworks.contains(where: { $0.contains(reached) || $0.contains(address) }):
            return nil
        default:
            break
        }
        var kind = category.phrase
        if category == .privateNetwork { kind += " outside the organization's webhook_allowed_networks" }
        let written = host.map { $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 }
        guard let written, written != "\(reached)" else {
            return "refused: \(reached) is \(kind)"
        }
        if IPAddress(written) != nil {
            // Another spelling of the address: 0x7f000001, 127.1, ::ffff:7f00:1.
            return "refused: \(written) is \(reached), \(kind)"
        }
        let resolved = reached == address ? "it" : "\(address)"
        return "refused: \(reached) is \(kind) (\(written) resolves to \(resolved))"
    }

    /// The categories no setting can open.
    public static let neverReached: Set<IPAddress.Category> = [.loopback, .linkLocal, .multicast, .unspecified, .broadcast,
                                                                 .reserved]

    /// Why a studio may not list `network` among its allowed networks, or `nil` when it may:
    /// a listed network must not reach any address that is never reached.
    public static func refusal(ofAllowed network: IPNetwork) -> String? {
        guard let clash = IPAddress.specialPurpose.first(where: { neverReached.contains($0.category) && $0.network.overlaps(network) })
        else { return nil }
        return "\(network) overlaps \(clash.network), \(clash.category.phrase) range that webhooks may never reach"
    }
}
