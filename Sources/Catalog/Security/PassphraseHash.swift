import Crypto
import _CryptoExtras
import Foundation

/// A session passphrase or a staff member's password, stored as a scrypt hash: slow enough
/// that a stolen catalog does not give them away, compared in constant time.
///
/// Stored as `scrypt$N$r$p$salt$hash` (salt and hash in URL-safe base64), so the cost can
/// be raised later without breaking old hashes.
public struct PassphraseHash: Sendable, Hashable {
    /// The stored form.
    public let encoded: String

    /// How much work scrypt does per hash. The cost is stored with each hash, so it can be
    /// raised later without breaking hashes made before.
    public struct Cost: Sendable, Hashable {
        public let rounds: Int
        public let blockSize: Int
        public let parallelism: Int

        /// N = 2^15, r = 8, p = 1: 32 MiB and about 50 ms on a server core per try.
        public static let standard = Cost(rounds: 1 << 15, blockSize: 8, parallelism: 1)
        /// N = 2^10: for tests that make many hashes in unoptimized builds. Never in production.
        public static let testing = Cost(rounds: 1 << 10, blockSize: 8, parallelism: 1)
    }

    /// Hashes `passphrase` with a fresh random salt.
    public init(hashing passphrase: String, cost: Cost = .standard) throws {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let hash = try PassphraseHash.derive(passphrase, salt: salt, rounds: cost.rounds, blockSize: cost.blockSize,
                                             parallelism: cost.parallelism)
        self.init(cost: cost, salt: salt, hash: hash)
    }

    private init(cost: Cost, salt: Data, hash: Data) {
        encoded = "scrypt$\(cost.rounds)$\(cost.blockSize)$\(cost.parallelism)$\(salt.base64URLEncoded)$\(hash.base64URLEncoded)"
    }

    /// A hash of `cost` that nothing matches, made without running the KDF: checked where there
    /// is no real hash (an unknown email, a member without a password), so that the check
    /// takes as long and the answer's time does not tell who has an account.
    public static func decoy(cost: Cost) -> PassphraseHash {
        func random(_ size: SymmetricKeySize) -> Data { SymmetricKey(size: size).withUnsafeBytes { Data($0) } }
        return PassphraseHash(cost: cost, salt: random(.bits128), hash: random(.bits256))
    }

    public init(encoded: String) {
        self.encoded = encoded
    }

    /// Whether `passphrase` is the one hashed.
    public func matches(_ passphrase: String) -> Bool {
        let parts = encoded.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), let salt = Data(base64URLEncoded: parts[4]),
            let expected = Data(base64URLEncoded: parts[5]),
            let actual = try? PassphraseHash.derive(passphrase, salt: salt, rounds: rounds, blockSize: blockSize,
                                                    parallelism: parallelism)
        else { return false }
        return constantTimeEquals(actual, expected)
    }

    private static func derive(_ passphrase: String, salt: Data, rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: rounds,
                                           blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}
