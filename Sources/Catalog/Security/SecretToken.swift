import Crypto
import Foundation

/// A secret handed out once (an API key, an invite or share link token) and kept only as a
/// SHA-256 digest, so the catalog can recognise it without being able to give it away.
///
/// 256 random bits, written in URL-safe base64 (43 characters) after a short prefix that
/// says what the secret is for, so a leaked one can be recognised.
public struct SecretToken: Sendable, Hashable {
    /// The secret itself: give it to its owner once, never store it.
    public let value: String

    /// A fresh random secret with `prefix` (such as `dk_` for API keys).
    public static func generate(prefix: String) -> SecretToken {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return SecretToken(value: prefix + bytes.base64URLEncoded)
    }

    public init(value: String) {
        self.value = value
    }

    /// What the catalog stores: the hex SHA-256 of the secret.
    public var digest: String { SecretToken.digest(of: value) }

    static func digest(of value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).hexEncoded
    }
}

extension Data {
    /// Base64 with `-` and `_`, no padding: safe in URLs and cookies.
    public var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte: how digests and signatures are written.
    public var hexEncoded: String { map { String(format: "%02x", $0) }.joined() }
}

/// Compares two byte strings in time that depends only on their lengths, so that timing
/// reveals nothing about where they differ.
func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
