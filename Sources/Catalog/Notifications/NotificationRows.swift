import Foundation

/// A row of `notices`. `mail_id` is set in the transaction that writes the mail gathering it.
struct NoticeRow: TableRow {
    static let table = "notices"
    var id: UUID, sessionId: UUID, recipientKind: FeedbackAuthor.Kind, recipientId: UUID, kind: Notice.Kind, itemId: UUID
    var commentId: UUID?, details: String, inApp: Bool, byEmail: Bool, createdAt: StoredTime, dueAt: StoredTime
    var mailId: UUID?, readAt: StoredTime?
}

extension Notice {
    init(_ row: NoticeRow) throws {
        let details = try NoticeRow.reading({ try JSONDecoder().decode(Details.self, from: Data(row.details.utf8)) }, id: row.id)
        self.init(id: row.id, sessionID: row.sessionId, recipient: NoticeRecipient(kind: row.recipientKind, id: row.recipientId),
                  kind: row.kind, itemID: row.itemId, commentID: row.commentId, details: details, createdAt: row.createdAt.date,
                  readAt: row.readAt?.date)
    }
}

/// A row of `notification_settings`: one recipient's choices.
struct NotificationSettingsRow: TableRow {
    static let table = "notification_settings"
    static let idColumn = "recipient_id"
    var recipientKind: FeedbackAuthor.Kind, recipientId: UUID, frequency: NotificationFrequency, email: Bool, updatedAt: StoredTime
}

/// A row of `mail_outbox`. Recipients are comma-separated.
struct OutboxRow: TableRow {
    static let table = "mail_outbox"
    var id: UUID, sender: String, recipients: String, message: String, state: OutboxMail.State, lastError: String?
    var createdAt: StoredTime, sentAt: StoredTime?
}

extension OutboxMail {
    init(_ row: OutboxRow) {
        self.init(id: row.id, sender: row.sender, recipients: row.recipients.split(separator: ",").map(String.init),
                  message: row.message, state: row.state, lastError: row.lastError, createdAt: row.createdAt.date,
                  sentAt: row.sentAt?.date)
    }
}
