import Foundation

/// Durable work on the queue: a transcode, a reprocess, a webhook delivery, a frame receipt,
/// a mail, a report.
///
/// Jobs are claimed atomically by one worker at a time under a lease that the worker keeps
/// alive with heartbeats. A worker that dies stops heartbeating, its lease runs out and
/// another worker claims the job again. Failures are retried with growing delays up to
/// ``maxAttempts``; then the job is `failed` with its last error.
public struct Job: Sendable, Hashable, Codable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Make a version's review outputs for one proxy profile.
        case transcode
        /// Deliver one webhook event.
        case webhook
        /// Grab the frame a comment was made on (its frame receipt).
        case receipt
        /// Gather one recipient's due notices of one session into one mail.
        case notify
        /// Deliver one mail of the outbox.
        case mail
        /// Draw a session's PDF report.
        case report
    }

    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, running, succeeded, failed, cancelled

        /// Whether the job may still run.
        public var isActive: Bool { self == .queued || self == .running }
    }

    public let id: UUID
    public let kind: Kind
    /// The job's parameters, as JSON (see ``TranscodeJob`` and ``WebhookJob``).
    public let payload: String
    public var state: State
    /// Runs started so far.
    public var attempts: Int
    public let maxAttempts: Int
    /// The worker holding the lease, while running.
    public var leaseOwner: String?
    public var leaseExpiresAt: Timestamp?
    public var heartbeatAt: Timestamp?
    /// Work done and total, in the job's own units (frames, for a transcode).
    public var progressDone: Int
    public var progressTotal: Int
    public var lastError: String?
    /// Not to be claimed before this (a retry's backoff).
    public var runAfter: Timestamp
    /// Staff asked to cancel the running job; its worker stops at its next heartbeat.
    public var cancelRequested: Bool
    /// Jobs with the same key are one job while active: enqueuing again returns it.
    public let idempotencyKey: String?
    /// The batch (a reprocess) the job belongs to.
    public let batchID: UUID?
    public let createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var updatedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, kind, payload, state, attempts, maxAttempts = "max_attempts", leaseOwner = "lease_owner"
        case leaseExpiresAt = "lease_expires_at", heartbeatAt = "heartbeat_at", progressDone = "progress_done"
        case progressTotal = "progress_total", lastError = "last_error", runAfter = "run_after"
        case cancelRequested = "cancel_requested", idempotencyKey = "idempotency_key", batchID = "batch_id"
        case createdAt = "created_at", startedAt = "started_at", finishedAt = "finished_at", updatedAt = "updated_at"
    }

    /// The payload decoded as `type`.
    public func decodePayload<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(payload.utf8))
    }
}

/// A transcode job's parameters.
public struct TranscodeJob: Sendable, Hashable, Codable {
    public let versionID: UUID
    public let profile: String

    public init(versionID: UUID, profile: String) {
        self.versionID = versionID
        self.profile = profile
    }

    /// One active transcode per version and profile.
    public var idempotencyKey: String { "transcode:\(versionID.uuidString):\(profile)" }

    enum CodingKeys: String, CodingKey { case versionID = "version_id", profile }
}

/// A webhook delivery's parameters.
public struct WebhookJob: Sendable, Hashable, Codable {
    public let webhookID: UUID
    public let event: String
    /// The JSON body to POST.
    public let body: String

    public init(webhookID: UUID, event: String, body: String) {
        self.webhookID = webhookID
        self.event = event
        self.body = body
    }

    enum CodingKeys: String, CodingKey { case webhookID = "webhook_id", event, body }
}

/// A frame receipt's parameters: the comment whose frame to grab.
public struct ReceiptJob: Sendable, Hashable, Codable {
    public let commentID: UUID

    public init(commentID: UUID) {
        self.commentID = commentID
    }

    /// One active grab per comment.
    public var idempotencyKey: String { "receipt:\(commentID.uuidString)" }

    enum CodingKeys: String, CodingKey { case commentID = "comment_id" }
}

/// A notify job's parameters: whose due notices of which session to gather into a mail.
public struct NotifyJob: Sendable, Hashable, Codable {
    public let recipient: NoticeRecipient
    public let sessionID: UUID

    public init(recipient: NoticeRecipient, sessionID: UUID) {
        self.recipient = recipient
        self.sessionID = sessionID
    }

    /// One active gathering per recipient and session: notices that come while one waits
    /// join its mail.
    public var idempotencyKey: String { "notify:\(recipient.kind.rawValue):\(recipient.id.uuidString):\(sessionID.uuidString)" }

    enum CodingKeys: String, CodingKey { case recipient, sessionID = "session_id" }
}

/// A mail job's parameters: the outbox row to deliver.
public struct MailJob: Sendable, Hashable, Codable {
    public let mailID: UUID

    public init(mailID: UUID) {
        self.mailID = mailID
    }

    /// One active delivery per mail.
    public var idempotencyKey: String { "mail:\(mailID.uuidString)" }

    enum CodingKeys: String, CodingKey { case mailID = "mail_id" }
}
