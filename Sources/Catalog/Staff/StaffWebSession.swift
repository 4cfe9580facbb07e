import Foundation

/// A browser signed in as a staff member. Its cookie holds a secret token; the catalog keeps
/// only the token's digest, so a copy of the catalog signs no one in.
///
/// A sign-in lasts while it is used: it ends ``idleLifetime`` after the last request that
/// counted, and in any case ``absoluteLifetime`` after signing in, so a forgotten browser
/// does not stay signed in for ever. Signing out, a new password and deactivation end it at once.
public struct StaffWebSession: Sendable, Hashable {
    public let id: UUID
    public let staffID: UUID
    public let createdAt: Timestamp
    /// The last request that pushed the end on (they count at most once a minute).
    public let lastSeenAt: Timestamp
    /// When the sign-in ends unless it is used before (and never later than ``absoluteLifetime``
    /// after ``createdAt``).
    public let expiresAt: Timestamp

    /// Seconds without a request after which a sign-in ends: a working day.
    public static let idleLifetime = 12 * 3600
    /// Seconds after signing in when a sign-in ends however much it is used.
    public static let absoluteLifetime = 14 * 86_400
    /// Requests closer together than this (milliseconds) do not push the end on: an active
    /// browser costs the catalog one write a minute, not one per request.
    static let touchInterval: Int64 = 60_000
}

/// A sign-in that succeeded: who signed in, the stored sign-in, and its token, which goes into
/// the browser's cookie now and is never stored or shown again.
public struct StaffSignIn: Sendable {
    public let user: StaffUser
    public let session: StaffWebSession
    public let token: SecretToken
}
