#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Catalog
import NIOPosix

/// Turns a webhook's host into the addresses to check and connect to, at delivery time.
///
/// The host is resolved for each delivery, never taken from a cache that a name's owner
/// could change between the check and the connection: the addresses returned here are the
/// ones checked and the only ones connected to.
enum HostResolver {
    /// Every address `host` has, in the resolver's order, without repeats. A literal address
    /// is returned as it is, without asking the resolver.
    ///
    /// `getaddrinfo` blocks, so it runs on NIO's thread pool, off the cooperative threads.
    static func addresses(of host: String) async throws(WebhookDeliveryError) -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let outcome: Result<[IPAddress], WebhookDeliveryError>
        do {
            outcome = try await NIOThreadPool.singleton.runIfActive { Self.lookUp(host) }
        } catch {
            throw WebhookDeliveryError(.unresolved, "cannot resolve \(host): \(error)")
        }
        return try outcome.get()
    }

    private static func lookUp(_ host: String) -> Result<[IPAddress], WebhookDeliveryError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &results)
        guard status == 0 else {
            let reason = String(cString: gai_strerror(status))
            return .failure(WebhookDeliveryError(.unresolved, "cannot resolve \(host): \(reason)"))
        }
        defer { freeaddrinfo(results) }
        var addresses: [IPAddress] = []
        var entry = results
        while let current = entry {
            if let address = address(of: current.pointee), !addresses.contains(address) {
                addresses.append(address)
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else {
            return .failure(WebhookDeliveryError(.unresolved, "\(host) has no IPv4 or IPv6 address"))
        }
        return .success(addresses)
    }

    private static func address(of entry: addrinfo) -> IPAddress? {
        guard let socketAddress = entry.ai_addr else { return nil }
        switch entry.ai_family {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
            }
        default:
            return nil
        }
    }
}
