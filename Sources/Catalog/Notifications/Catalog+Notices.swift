import Crypto
import Foundation
import SQLKit

/// Notices: who hears of each comment, reply and status change, by the one visibility rule.
///
/// In the transaction of the change, each recipient gets a notice: the session's external
/// collaborators (not the author; only what they may see; not those who unsubscribed) by
/// mail, and the session's staff (its creator, staff let into it, and everyone assigned to
/// its versions or their tasks) in the app, and by mail when they opted in. A mailed notice
/// queues the recipient's notify job for the session, due when their frequency says; the
/// job is one per recipient and session while it waits, so a burst of comments is one mail.
extension Catalog {
    /// A change recipients hear of.
    struct NoticeEvent {
        let kind: Notice.Kind
        let sessionID: UUID
        let itemID: UUID
        let commentID: UUID?
        let author: FeedbackAuthor
        let visibility: FeedbackVisibility
        let details: Notice.Details
    }

    /// Runs in the transaction of every comment and status change, on the one writer: it
    /// reads only what the recipients it finds need (a session without mail recipients costs
    /// no settings, unsubscribes or organisation reads).
    func queueNotices(_ event: NoticeEvent, session: ReviewSession, _ db: any SQLDatabase) async throws {
        let now = self.now
        // Who: collaborators who may see it (not its author), in mail; the session's staff, in the app.
        let collaborators = try await self.collaborators(sessionID: event.sessionID, db)
        let authorStaffID: UUID? = switch event.author.kind {
        case .staff: event.author.id
        case .collaborator: collaborators.first { $0.id == event.author.id }?.staffUserID
        }
        var recipients: [(NoticeRecipient, inApp: Bool)] = []
        for person in collaborators where person.staffUserID == nil && !person.isRevoked && person.email != nil
            && !(event.author.kind == .collaborator && person.id == event.author.id)
            && event.visibility.allows(.collaborator(person.id), commentsVisibleToOthers: session.settings.commentsVisibleToOthers)
        {
            recipients.append((NoticeRecipient(kind: .collaborator, id: person.id), false))
        }
        for staff in try await sessionStaff(session, collaborators: collaborators, db) where staff != authorStaffID {
            recipients.append((NoticeRecipient(kind: .staff, id: staff), true))
        }
        guard !recipients.isEmpty else { return }

        // Their choices, in one query; then, for those who want mail, who unsubscribed and when it is due.
        let chosen = try await db.select(NotificationSettingsRow.self)
            .where("recipient_id", isIn: recipients.map(\.0.id.uuidString)).all(NotificationSettingsRow.self)
        let choices = Dictionary(chosen.map { ("\($0.recipientKind.rawValue):\($0.recipientId)", $0) }) { first, _ in first }
        func settings(_ key: String, _ kind: FeedbackAuthor.Kind) -> NotificationSettings {
            choices[key].map { NotificationSettings(frequency: $0.frequency, email: $0.email) } ?? .standard(for: kind)
        }
        let keys = recipients.map { "\($0.0.kind.rawValue):\($0.0.id)" }
        var unsubscribed: Set<String> = []
        var organization: OrganizationSettings?
        if zip(keys, recipients).contains(where: { settings($0, $1.0.kind).email }) {
            unsubscribed = Set(try await db.select().columns("recipient_kind", "recipient_id").from("notification_unsubscribes")
                .where("session_id", .equal, event.sessionID.bind).all()
                .map { "\(try $0.decode(column: "recipient_kind", as: String.self)):\(try $0.decode(column: "recipient_id", as: UUID.self))" })
            organization = try await organizationRow(db).settings
        }
        let details = String(decoding: try JSONEncoder().encode(event.details), as: UTF8.self)
        for (key, (recipient, inApp)) in zip(keys, recipients) {
            let chosen = settings(key, recipient.kind)
            let byEmail = chosen.email && !unsubscribed.contains(key)
            guard inApp || byEmail else { continue }
            let due = organization.map { Self.due(now, chosen.frequency, $0) } ?? now
            try await db.insert(NoticeRow(
                id: UUID(), sessionId: event.sessionID, recipientKind: recipient.kind, recipientId: recipient.id, kind: event.kind,
                itemId: event.itemID, commentId: event.commentID, details: details, inApp: inApp, byEmail: byEmail,
                createdAt: StoredTime(now), dueAt: StoredTime(due), mailId: nil, readAt: nil))
            if byEmail {
                let job = NotifyJob(recipient: recipient, sessionID: event.sessionID)
                _ = try await enqueue(.notify, payload: String(decoding: try JSONEncoder().encode(job), as: UTF8.self),
                                      idempotencyKey: job.idempotencyKey, maxAttempts: 5, batchID: nil, runAfter: due, db)
            }
        }
    }

    /// The staff a session concerns, each once: its creator, staff let into it, and everyone
    /// assigned to its versions or their tasks.
    func sessionStaff(_ session: ReviewSession, collaborators: [Collaborator], _ db: any SQLDatabase) async throws -> [UUID] {
        var people: [UUID] = []
        func add(_ id: UUID?) { if let id, !people.contains(id) { people.append(id) } }
        add(session.createdBy)
        for person in collaborators where !person.isRevoked { add(person.staffUserID) }
        // Two queries whatever the session's size: the versions' assignees, then their tasks'.
        let items = SQLColumn("version_id", table: ItemRow.table)
        let versionAssignees = try await db.select().column(SQLColumn("user_id", table: "version_assignees"))
            .from("version_assignees").join(ItemRow.table, on: items, .equal, SQLColumn("version_id", table: "version_assignees"))
            .where(SQLColumn("session_id", table: ItemRow.table), .equal, session.id.bind)
            .where(SQLColumn("removed_at", table: ItemRow.table), .is, SQLLiteral.null)
            .orderBy(SQLColumn("position", table: ItemRow.table)).orderBy(SQLColumn("position", table: "version_assignees"))
            .all(decodingColumn: "user_id", as: UUID.self)
        let taskAssignees = try await db.select().column(SQLColumn("user_id", table: "task_assignees")).from("task_assignees")
            .join(VersionRow.table, on: SQLColumn("task_id", table: VersionRow.table), .equal, SQLColumn("task_id", table: "task_assignees"))
            .join(ItemRow.table, on: items, .equal, SQLColumn("id", table: VersionRow.table))
            .where(SQLColumn("session_id", table: ItemRow.table), .equal, session.id.bind)
            .where(SQLColumn("removed_at", table: ItemRow.table), .is, SQLLiteral.null)
            .orderBy(SQLColumn("position", table: ItemRow.table)).orderBy(SQLColumn("position", table: "task_assignees"))
            .all(decodingColumn: "user_id", as: UUID.self)
        for person in versionAssignees + taskAssignees { add(person) }
        // A creator who has since left gets notices no one reads, and no mail (pendingMail
        // finds no address): cheaper than asking on every comment who still exists.
        return people
    }

    /// When a notice made `now` is due for mail.
    static func due(_ now: Timestamp, _ frequency: NotificationFrequency, _ organization: OrganizationSettings) -> Timestamp {
        switch frequency {
        case .immediately:
            return now
        case .batched:
            return now.addingTimeInterval(TimeInterval(organization.notificationWindowSeconds))
        case .daily:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: organization.timeZone) ?? .gmt
            let next = calendar.nextDate(after: now, matching: DateComponents(hour: organization.digestHour, minute: 0),
                                         matchingPolicy: .nextTime)
            return next ?? now.addingTimeInterval(86_400)
        }
    }

    // MARK: Settings and unsubscribing

    /// A recipient's choices (the standard ones until they choose).
    public func notificationSettings(for recipient: NoticeRecipient) async throws -> NotificationSettings {
        try await database.read { db in try await self.notificationSettings(for: recipient, db) }
    }

    func notificationSettings(for recipient: NoticeRecipient, _ db: any SQLDatabase) async throws -> NotificationSettings {
        guard let row = try await db.select(NotificationSettingsRow.self).where("recipient_kind", .equal, SQLBind(recipient.kind.rawValue))
            .where("recipient_id", .equal, recipient.id.bind).first(NotificationSettingsRow.self)
        else { return .standard(for: recipient.kind) }
        return NotificationSettings(frequency: row.frequency, email: row.email)
    }

    /// Sets a recipient's choices.
    public func setNotificationSettings(_ settings: NotificationSettings, for recipient: NoticeRecipient) async throws {
        try await database.write { db in
            try await db.delete(from: NotificationSettingsRow.table).where("recipient_kind", .equal, SQLBind(recipient.kind.rawValue))
                .where("recipient_id", .equal, recipient.id.bind).run()
            try await db.insert(NotificationSettingsRow(recipientKind: recipient.kind, recipientId: recipient.id,
                                                        frequency: settings.frequency, email: settings.email,
                                                        updatedAt: StoredTime(self.now)))
        }
    }

    /// The token of `recipient`'s one-click unsubscribe from `sessionID`: the two, signed, so
    /// a link unsubscribes that one recipient from that one session and nothing else.
    public func unsubscribeToken(for recipient: NoticeRecipient, sessionID: UUID) async throws -> String {
        let key = try await unsubscribeKey()
        return Self.unsubscribeToken(recipient, sessionID, key: key)
    }

    static func unsubscribeToken(_ recipient: NoticeRecipient, _ sessionID: UUID, key: SymmetricKey) -> String {
        let payload = Data("\(recipient.kind.rawValue):\(recipient.id.uuidString):\(sessionID.uuidString)".utf8)
        let signature = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key))
        return payload.base64URLEncoded + "." + signature.base64URLEncoded
    }

    /// What an unsubscribe token is for, when it is one the catalog signed.
    public struct Unsubscription: Sendable, Hashable {
        public let recipient: NoticeRecipient
        public let sessionID: UUID
        public let sessionTitle: String
        /// Already unsubscribed.
        public let done: Bool
    }

    /// Reads an unsubscribe token without acting on it (what a GET shows).
    ///
    /// - Throws: ``CatalogError/Code/invalidToken`` for a token the catalog did not sign, or
    ///   one whose session is gone.
    public func unsubscription(token: String) async throws -> Unsubscription {
        let key = try await unsubscribeKey()
        return try await database.read { db in try await self.unsubscription(token, key: key, db) }
    }

    /// Unsubscribes the token's recipient from its session's mail (what a POST does). Doing
    /// it again changes nothing.
    @discardableResult
    public func unsubscribe(token: String) async throws -> Unsubscription {
        let key = try await unsubscribeKey()
        return try await database.write { db in
            let found = try await self.unsubscription(token, key: key, db)
            guard !found.done else { return found }
            try await db.insert(into: "notification_unsubscribes").columns("recipient_kind", "recipient_id", "session_id", "at")
                .values(SQLBind(found.recipient.kind.rawValue), found.recipient.id.bind, found.sessionID.bind, self.now.bind).run()
            // What waits for mail stays in the app (staff), and is mailed no more.
            try await db.update(NoticeRow.table).set("by_email", to: SQLLiteral.boolean(false))
                .where("recipient_kind", .equal, SQLBind(found.recipient.kind.rawValue))
                .where("recipient_id", .equal, found.recipient.id.bind).where("session_id", .equal, found.sessionID.bind)
                .where("mail_id", .is, SQLLiteral.null).run()
            return Unsubscription(recipient: found.recipient, sessionID: found.sessionID, sessionTitle: found.sessionTitle, done: true)
        }
    }

    private func unsubscription(_ token: String, key: SymmetricKey, _ db: any SQLDatabase) async throws -> Unsubscription {
        let invalid = CatalogError(.invalidToken, "this unsubscribe link is not one Dailies made, or its session is gone")
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Data(base64URLEncoded: String(parts[0])),
              let signature = Data(base64URLEncoded: String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key)
        else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: ":").map(String.init)
        guard fields.count == 3, let kind = FeedbackAuthor.Kind(rawValue: fields[0]), let id = UUID(uuidString: fields[1]),
              let sessionID = UUID(uuidString: fields[2]), let session = try await db.row(SessionRow.self, id: sessionID)
        else { throw invalid }
        let done = try await db.count("notification_unsubscribes") {
            $0.where("recipient_kind", .equal, SQLBind(kind.rawValue)).where("recipient_id", .equal, id.bind)
                .where("session_id", .equal, sessionID.bind)
        } > 0
        return Unsubscription(recipient: NoticeRecipient(kind: kind, id: id), sessionID: sessionID, sessionTitle: session.title,
                              done: done)
    }

    /// The key unsubscribe links are signed with: derived from the organisation's secret,
    /// apart from the cookies' own use of it.
    private func unsubscribeKey() async throws -> SymmetricKey {
        let secret = try await cookieSigningKey()
        return SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("dailies unsubscribe links".utf8), using: secret)))
    }

    // MARK: Staff's notifications in the app

    /// A staff user's notifications, newest first.
    public func staffNotices(userID: UUID, unreadOnly: Bool = false, page: Page = .default) async throws -> PageResult<Notice> {
        try await database.read { db in
            func mine(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                query.where("recipient_kind", .equal, SQLBind(FeedbackAuthor.Kind.staff.rawValue))
                    .where("recipient_id", .equal, userID.bind).where("in_app", .equal, SQLLiteral.boolean(true))
                if unreadOnly { query.where("read_at", .is, SQLLiteral.null) }
                return query
            }
            let rows = try await mine(db.select(NoticeRow.self)).orderBy("created_at", .descending).orderBy("id", .descending)
                .limit(page.limit).offset(page.offset).all(NoticeRow.self)
            return PageResult(items: try rows.map(Notice.init), total: try await db.count(NoticeRow.table, mine), page: page)
        }
    }

    /// Marks one of a staff user's notifications read.
    public func markNoticeRead(id: UUID, userID: UUID) async throws -> Notice {
        try await database.write { db in
            guard let row = try await db.row(NoticeRow.self, id: id), row.recipientKind == .staff, row.recipientId == userID,
                  row.inApp
            else { throw CatalogError.notFound("notification", id) }
            if row.readAt == nil {
                try await db.update(NoticeRow.table).set("read_at", to: self.now.bind).where("id", .equal, id.bind).run()
            }
            return try Notice(try await db.row(NoticeRow.self, id: id)!)
        }
    }

    /// Marks all of a staff user's notifications read; answers how many were unread.
    @discardableResult
    public func markAllNoticesRead(userID: UUID) async throws -> Int {
        try await database.write { db in
            func unread(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
                query.where("recipient_kind", .equal, SQLBind(FeedbackAuthor.Kind.staff.rawValue))
                    .where("recipient_id", .equal, userID.bind).where("in_app", .equal, SQLLiteral.boolean(true))
                    .where("read_at", .is, SQLLiteral.null)
            }
            let count = try await db.count(NoticeRow.table, unread)
            try await db.update(NoticeRow.table).set("read_at", to: self.now.bind)
                .where("recipient_kind", .equal, SQLBind(FeedbackAuthor.Kind.staff.rawValue))
                .where("recipient_id", .equal, userID.bind).where("in_app", .equal, SQLLiteral.boolean(true))
                .where("read_at", .is, SQLLiteral.null).run()
            return count
        }
    }
}
