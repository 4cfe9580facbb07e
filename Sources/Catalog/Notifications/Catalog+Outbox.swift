import Foundation
import SQLKit

/// The mail outbox: every mail is a row, written whole in the transaction that decides to
/// send it, and delivered by a job of its own, retried with backoff. A mail is marked sent in
/// the transaction that completes its job, and a job finds a sent mail already done, so a
/// retry after a crash or a restart never sends it twice (short of the relay taking it and
/// the process dying before the mark: then the stable Message-ID lets the far end tell).
extension Catalog {
    /// Queues a mail (an invitation, say) and its delivery.
    @discardableResult
    public func queueMail(sender: String, recipients: [String], message: String) async throws -> OutboxMail {
        try await database.write { db in try await self.queueMail(sender: sender, recipients: recipients, message: message, db) }
    }

    func queueMail(sender: String, recipients: [String], message: String, _ db: any SQLDatabase) async throws -> OutboxMail {
        let row = OutboxRow(id: UUID(), sender: sender, recipients: recipients.joined(separator: ","), message: message,
                            state: .queued, lastError: nil, createdAt: StoredTime(now), sentAt: nil)
        try await db.insert(row)
        let job = MailJob(mailID: row.id)
        _ = try await enqueue(.mail, payload: String(decoding: try JSONEncoder().encode(job), as: UTF8.self),
                              idempotencyKey: job.idempotencyKey, maxAttempts: 12, batchID: nil, laneKey: "mail", db)
        return OutboxMail(row)
    }

    public func outboxMail(id: UUID) async throws -> OutboxMail {
        try await database.read { db in
            guard let row = try await db.row(OutboxRow.self, id: id) else { throw CatalogError.notFound("mail", id) }
            return OutboxMail(row)
        }
    }

    /// Mails of the outbox, newest first.
    public func outbox(state: OutboxMail.State? = nil, page: Page = .default) async throws -> PageResult<OutboxMail> {
        try await database.read { db in
            func narrowed(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                if let state { query.where("state", .equal, SQLBind(state.rawValue)) }
                return query
            }
            let rows = try await narrowed(db.select(OutboxRow.self)).orderBy("created_at", .descending).orderBy("id")
                .limit(page.limit).offset(page.offset).all(OutboxRow.self)
            return PageResult(items: rows.map(OutboxMail.init), total: try await db.count(OutboxRow.table, narrowed), page: page)
        }
    }

    /// Marks a mail sent and completes its job, in one transaction. The mail is marked sent
    /// even when `owner` no longer holds the job (its lease ran out mid-delivery): it was
    /// delivered, and whoever holds the job now must find it so.
    ///
    /// - Returns: ``LeaseStatus/lost`` when `owner` no longer holds the job.
    @discardableResult
    public func markMailSent(id: UUID, completingJob jobID: UUID, owner: String) async throws -> LeaseStatus {
        try await database.write { db in
            try await db.update(OutboxRow.table).set("state", to: SQLBind(OutboxMail.State.sent.rawValue))
                .set("sent_at", to: self.now.bind).set("last_error", to: SQLBind(String?.none)).where("id", .equal, id.bind).run()
            return try await self.completeOwnedJob(jobID, owner: owner, db) ? .held : .lost
        }
    }

    /// Records why a delivery failed; `permanent` (the relay refused for good) marks the mail
    /// failed. The job's own retry (or failure) is the caller's.
    public func recordMailFailure(id: UUID, error: String, permanent: Bool) async throws {
        try await database.write { db in
            var update = db.update(OutboxRow.table).set("last_error", to: SQLBind(error))
            if permanent { update = update.set("state", to: SQLBind(OutboxMail.State.failed.rawValue)) }
            try await update.where("id", .equal, id.bind).run()
        }
    }

    // MARK: Gathering notices into mails

    /// What the recipient's mail about the session would hold now: their notices not mailed
    /// yet, oldest first. `nil` when there is nothing to send (all gathered already, the
    /// session gone, or the recipient no longer reachable: then their waiting notices are
    /// taken off the mail).
    public func pendingMail(for recipient: NoticeRecipient, sessionID: UUID) async throws -> PendingMail? {
        let token = try await unsubscribeToken(for: recipient, sessionID: sessionID)
        return try await database.write { db in
            let rows = try await self.pendingNoticeRows(recipient, sessionID, db)
            guard !rows.isEmpty, let session = try await db.row(SessionRow.self, id: sessionID) else { return nil }
            let name: String
            let email: String?
            switch recipient.kind {
            case .collaborator:
                let person = try await db.row(CollaboratorRow.self, id: recipient.id)
                let reachable = person.map { $0.removedAt == nil && $0.revokedAt == nil } ?? false
                (name, email) = (person?.name ?? "", reachable ? person?.email : nil)
            case .staff:
                let person = try await db.row(StaffUserRow.self, id: recipient.id)
                let settings = try await self.notificationSettings(for: recipient, db)
                (name, email) = (person?.name ?? "", settings.email ? person?.email : nil)
            }
            guard let email else {
                try await db.update(NoticeRow.table).set("by_email", to: SQLLiteral.boolean(false))
                    .where("id", isIn: rows.map(\.id.uuidString)).run()
                return nil
            }
            let thumbnails = try await db.select().column("email_thumbnails").from(ProjectRow.table)
                .where("id", .equal, session.projectId.bind).first(decodingColumn: "email_thumbnails", as: Bool.self) ?? false
            var entries: [PendingMail.Entry] = []
            for row in rows {
                var receipt: String?
                var pending = false
                if thumbnails, let commentID = row.commentId, let comment = try await db.row(CommentRow.self, id: commentID),
                   comment.deletedAt == nil
                {
                    receipt = comment.receiptState == .ready ? comment.receiptPath : nil
                    pending = comment.receiptState == .pending
                }
                entries.append(PendingMail.Entry(notice: try Notice(row), receiptPath: receipt, receiptPending: pending))
            }
            let organization = try await self.organizationRow(db)
            return PendingMail(recipient: recipient, recipientName: name, recipientEmail: email, sessionID: sessionID,
                               sessionTitle: session.title, organization: organization.settings,
                               publicURL: organization.publicUrl, entries: entries, unsubscribeToken: token)
        }
    }

    /// Writes the mail gathering `notices` into the outbox, queues its delivery and completes
    /// the notify job, in one transaction; notices that came meanwhile get a job of their own.
    ///
    /// - Returns: ``LeaseStatus/lost`` when `owner` no longer holds the job: nothing written.
    @discardableResult
    public func recordMail(gathering notices: [UUID], for recipient: NoticeRecipient, sessionID: UUID, sender: String,
                           recipients: [String], message: String, completingJob jobID: UUID, owner: String) async throws
        -> LeaseStatus
    {
        try await database.write { db in
            guard try await self.completeOwnedJob(jobID, owner: owner, db) else { return .lost }
            let mail = try await self.queueMail(sender: sender, recipients: recipients, message: message, db)
            if !notices.isEmpty {
                try await db.update(NoticeRow.table).set("mail_id", to: mail.id.bind)
                    .where("id", isIn: notices.map(\.uuidString)).where("mail_id", .is, SQLLiteral.null).run()
            }
            try await self.requeueNotify(recipient, sessionID, db)
            return .held
        }
    }

    /// Completes a notify job that found nothing to mail.
    public func finishNotify(for recipient: NoticeRecipient, sessionID: UUID, completingJob jobID: UUID, owner: String)
        async throws
    {
        try await database.write { db in
            guard try await self.completeOwnedJob(jobID, owner: owner, db) else { return }
            try await self.requeueNotify(recipient, sessionID, db)
        }
    }

    private func requeueNotify(_ recipient: NoticeRecipient, _ sessionID: UUID, _ db: any SQLDatabase) async throws {
        let waiting = try await pendingNoticeRows(recipient, sessionID, db)
        guard let due = waiting.map(\.dueAt.date).min() else { return }
        let job = NotifyJob(recipient: recipient, sessionID: sessionID)
        _ = try await enqueue(.notify, payload: String(decoding: try JSONEncoder().encode(job), as: UTF8.self),
                              idempotencyKey: job.idempotencyKey, maxAttempts: 5, batchID: nil, runAfter: due, db)
    }

    private func pendingNoticeRows(_ recipient: NoticeRecipient, _ sessionID: UUID, _ db: any SQLDatabase) async throws
        -> [NoticeRow]
    {
        try await db.select(NoticeRow.self).where("recipient_kind", .equal, SQLBind(recipient.kind.rawValue))
            .where("recipient_id", .equal, recipient.id.bind).where("session_id", .equal, sessionID.bind)
            .where("by_email", .equal, SQLLiteral.boolean(true)).where("mail_id", .is, SQLLiteral.null)
            .orderBy("created_at").orderBy("id").all(NoticeRow.self)
    }
}
