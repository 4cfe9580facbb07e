import Foundation

/// Where a webhook delivers, read from its URL: what the request line, the `Host` header,
/// TLS's server name and the connection need, and nothing that could send a delivery
/// anywhere else.
///
/// Refused: schemes other than http and https, user names and passwords in the URL (they
/// would travel in clear to whoever answers), hosts that are not plain names or addresses.
/// A literal address is kept as ``literalAddress``, in any spelling the resolver accepts,
/// so the address rule can judge it before anything is sent.
public struct WebhookTarget: Sendable, Hashable {
    public enum Scheme: String, Sendable, Hashable {
        case http, https

        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public let scheme: Scheme
    /// The host as the URL gives it, without brackets: a name or a literal address.
    public let host: String
    public let port: Int
    /// The path and query, as sent in the request line (`/hooks/dailies?team=comp`).
    public let requestTarget: String
    /// The host when it is an address rather than a name.
    public let literalAddress: IPAddress?

    /// The `Host` header's value: the host (IPv6 in brackets) and a port other than the scheme's.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == scheme.defaultPort ? name : "\(name):\(port)"
    }

    /// Reads `url`.
    ///
    /// - Throws: ``CatalogError`` (`invalid_field`, field `url`) saying what is wrong.
    public init(url: String) throws(CatalogError) {
        guard let components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme.flatMap({ Scheme(rawValue: $0.lowercased()) })
        else { throw CatalogError.invalid("url", "must be an http or https address") }
        guard components.percentEncodedUser == nil, components.percentEncodedPassword == nil else {
            throw CatalogError.invalid("url", "must not carry a user name or password; authenticate deliveries by their signature")
        }
        var host = components.percentEncodedHost?.removingPercentEncoding ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw CatalogError.invalid("url", "must name a host") }
        let literal = IPAddress(host)
        // A name is letters, digits, hyphens, underscores and dots; anything else could bend the
        // Host header or the resolver's reading.
        let nameCharacters = host.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._".unicodeScalars.contains($0))
        }
        guard literal != nil || nameCharacters else {
            throw CatalogError.invalid("url", "'\(host.prefix(100))' is not a host name (write international names in their xn-- form)")
        }
        let port = components.port ?? scheme.defaultPort
        guard (1...65535).contains(port) else { throw CatalogError.invalid("url", "the port must be 1 to 65535") }
        var requestTarget = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { requestTarget += "?" + query }
        guard !requestTarget.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
            throw CatalogError.invalid("url", "the path must not contain spaces or control characters")
        }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.requestTarget = requestTarget
        self.literalAddress = literal
    }
}
