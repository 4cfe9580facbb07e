import Foundation

/// Someone told of feedback: a collaborator of a session, or a staff user.
public struct NoticeRecipient: Sendable, Hashable, Codable {
    public let kind: FeedbackAuthor.Kind
    /// The collaborator's id, or the staff user's.
    public let id: UUID

    public init(kind: FeedbackAuthor.Kind, id: UUID) {
        self.kind = kind
        self.id = id
    }
}

/// How often a recipient is mailed.
public enum NotificationFrequency: String, Sendable, Hashable, Codable, CaseIterable {
    /// A mail as soon as a worker gathers it.
    case immediately
    /// One mail per window (the organisation's, 2 minutes by default) from the first notice.
    case batched
    /// One mail a day, at the organisation's digest hour in its time zone.
    case daily
}

/// A recipient's choices: how often, and (staff) whether to be mailed at all. Collaborators
/// are mailed unless they unsubscribe from a session; staff opt in.
public struct NotificationSettings: Sendable, Hashable, Codable {
    public var frequency: NotificationFrequency
    public var email: Bool

    public init(frequency: NotificationFrequency = .batched, email: Bool) {
        self.frequency = frequency
        self.email = email
    }

    /// What a recipient has before choosing.
    public static func standard(for kind: FeedbackAuthor.Kind) -> NotificationSettings {
        NotificationSettings(frequency: .batched, email: kind == .collaborator)
    }
}

/// One thing one recipient is to hear of: a comment, a reply or a status change in a
/// session, as it was when it happened. Mails gather them; staff also see them in the app.
public struct Notice: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case comment, reply, status
    }

    /// What happened, kept as it was then (a later edit does not rewrite a sent mail).
    public struct Details: Sendable, Hashable, Codable {
        public let sessionTitle: String
        public let versionName: String
        public let author: FeedbackAuthor
        /// A comment's words; `nil` for a status.
        public let text: String?
        /// The frame (a range's first) as people number it, and its timecode.
        public let frameNumber: Int?
        public let lastFrameNumber: Int?
        public let timecode: String?
        public let status: ReviewStatus?
        public let isInternal: Bool

        public init(sessionTitle: String, versionName: String, author: FeedbackAuthor, text: String?, frameNumber: Int?,
                    lastFrameNumber: Int?, timecode: String?, status: ReviewStatus?, isInternal: Bool) {
            self.sessionTitle = sessionTitle
            self.versionName = versionName
            self.author = author
            self.text = text
            self.frameNumber = frameNumber
            self.lastFrameNumber = lastFrameNumber
            self.timecode = timecode
            self.status = status
            self.isInternal = isInternal
        }

        /// A comment's, with where it sits as people number the frames (a reply: its thread's place).
        init(_ comment: ReviewComment, sessionTitle: String, versionName: String, threadAnchor: Anchor?) {
            var first: Int?
            var last: Int?
            switch threadAnchor ?? .item {
            case .item: break
            case .frame(let frame): first = frame
            case .range(let from, let to): (first, last) = (from, to)
            }
            self.init(sessionTitle: sessionTitle, versionName: versionName, author: comment.author, text: comment.text,
                      frameNumber: first.flatMap { frame in comment.labels.map { $0.number(frame) } },
                      lastFrameNumber: last.flatMap { frame in comment.labels.map { $0.number(frame) } },
                      timecode: first.flatMap { frame in comment.labels.map { $0.timecode(frame) } }, status: nil,
                      isInternal: comment.isInternal)
        }

        enum CodingKeys: String, CodingKey {
            case sessionTitle = "session_title", versionName = "version_name", author, text, frameNumber = "frame_number"
            case lastFrameNumber = "last_frame_number", timecode, status, isInternal = "internal"
        }
    }

    public let id: UUID
    public let sessionID: UUID
    public let recipient: NoticeRecipient
    public let kind: Kind
    public let itemID: UUID
    public let commentID: UUID?
    public let details: Details
    public let createdAt: Timestamp
    /// When it was read in the app (staff).
    public var readAt: Timestamp?
}

extension Notice: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, sessionID = "session_id", kind, itemID = "item_id", commentID = "comment_id", details, createdAt = "created_at"
        case readAt = "read_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(kind, forKey: .kind)
        try container.encode(itemID, forKey: .itemID)
        try container.encodeIfPresent(commentID, forKey: .commentID)
        try container.encode(details, forKey: .details)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(readAt, forKey: .readAt)
    }
}

/// What a notify job needs to write one mail: the recipient, the session, and the notices
/// in order, each with its frame receipt when the project allows thumbnails in mail.
public struct PendingMail: Sendable {
    public struct Entry: Sendable {
        public let notice: Notice
        /// The receipt's JPEG, relative to the data folder, when ready and allowed.
        public let receiptPath: String?
        /// The receipt is allowed but not grabbed yet.
        public let receiptPending: Bool
    }

    public let recipient: NoticeRecipient
    public let recipientName: String
    public let recipientEmail: String
    public let sessionID: UUID
    public let sessionTitle: String
    public let organization: OrganizationSettings
    /// Where people reach the server, for links; `nil` before a server recorded it.
    public let publicURL: String?
    public let entries: [Entry]
    /// Signs the recipient's one-click unsubscribe from this session.
    public let unsubscribeToken: String
}

/// A mail of the outbox: written whole, delivered by a job, never sent twice.
public struct OutboxMail: Sendable, Hashable, Identifiable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, sent, failed
    }

    public let id: UUID
    /// The envelope sender and recipients.
    public let sender: String
    public let recipients: [String]
    /// The whole RFC 5322 message.
    public let message: String
    public var state: State
    public var lastError: String?
    public let createdAt: Timestamp
    public var sentAt: Timestamp?
}
