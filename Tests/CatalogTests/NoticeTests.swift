import Foundation
import MediaTestSupport
import Testing

@testable import Catalog

/// Who hears of what, by the one visibility rule, and when their mail is due.
@Suite("Notices")
struct NoticeTests {
    /// What waits for mail to `collaborator` about the session: the texts, oldest first.
    static func waiting(_ catalog: Catalog, _ collaborator: UUID, _ session: UUID) async throws -> [String] {
        try await catalog.pendingMail(for: NoticeRecipient(kind: .collaborator, id: collaborator), sessionID: session)?
            .entries.map { $0.notice.details.text ?? "status" } ?? []
    }

    @Test("collaborators hear of what they may see, never their own; staff in the app, by mail only when opted in")
    func recipients() async throws {
        try await withCatalog { catalog in
            let (staff, _) = try await catalog.createStaffUser(name: "Mo", email: "mo@studio.example", isAdmin: false)
            let (ada, _) = try await catalog.createStaffUser(name: "Ada", email: "ada@studio.example", isAdmin: false)
            let project = try await catalog.createProject(name: "Show")
            let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010", assigneeIDs: [ada.id]))
            let session = try await catalog.createSession(
                projectID: project.id, SessionFields(settings: .init(commentsVisibleToOthers: .some(false))),
                versionIDs: [version.id], createdBy: staff.id)
            let item = try await catalog.items(sessionID: session.id)[0]
            let (dana, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana", email: "dana@client.example",
                                                              role: .approver)
            let (sam, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Sam", email: "sam@client.example")
            let (walkIn, _) = try await catalog.addCollaborator(sessionID: session.id, name: "No mail", email: nil)
            let danaAccess = try await catalog.access(collaboratorID: dana.id)

            func comment(_ text: String, by actor: FeedbackActor, internal: Bool = false) async throws {
                _ = try await catalog.addComment(sessionID: session.id, itemID: item.id,
                                                 CommentDraft(text: text, isInternal: `internal`), by: actor)
            }
            try await comment("Dana's own", by: .collaborator(danaAccess))
            try await comment("For everyone", by: .staff(staff))
            try await comment("Staff only", by: .staff(staff), internal: true)
            _ = try await catalog.setStatus(.approved, sessionID: session.id, itemID: item.id, by: danaAccess)

            #expect(try await Self.waiting(catalog, dana.id, session.id) == ["For everyone"],
                    "not her own comment or status, not the internal one")
            // The session hides collaborators' comments from each other: Sam hears not of Dana's.
            #expect(try await Self.waiting(catalog, sam.id, session.id) == ["For everyone", "status"])
            #expect(try await Self.waiting(catalog, walkIn.id, session.id).isEmpty, "no email, no mail")

            // Staff: the session's creator sees what others did, in the app; Ada, assigned, too.
            let mine = try await catalog.staffNotices(userID: staff.id, page: .all).items
            #expect(mine.map(\.kind) == [.status, .comment], "Dana's comment and status; not Mo's own")
            #expect(try await catalog.staffNotices(userID: ada.id, page: .all).items.count == 4)
            #expect(try await catalog.pendingMail(for: NoticeRecipient(kind: .staff, id: ada.id), sessionID: session.id) == nil,
                    "not mailed before opting in")
            try await catalog.setNotificationSettings(NotificationSettings(frequency: .immediately, email: true),
                                                      for: NoticeRecipient(kind: .staff, id: ada.id))
            try await comment("After opting in", by: .staff(staff))
            let mailed = try await catalog.pendingMail(for: NoticeRecipient(kind: .staff, id: ada.id), sessionID: session.id)
            #expect(mailed?.entries.map(\.notice.details.text) == ["After opting in"] && mailed?.recipientEmail == "ada@studio.example")

            // A revoked collaborator's waiting notices are mailed no more.
            _ = try await catalog.updateCollaborator(sessionID: session.id, id: sam.id, CollaboratorUpdate(revoked: true))
            #expect(try await Self.waiting(catalog, sam.id, session.id).isEmpty)
            try await comment("After revoking", by: .staff(staff))
            #expect(try await Self.waiting(catalog, sam.id, session.id).isEmpty)
        }
    }

    @Test("due times: immediately now, batched after the window, daily at the digest hour in the studio's zone")
    func dueTimes() throws {
        var organization = OrganizationSettings(name: "Studio", replyTo: nil, shareLinksEnabled: true, timeZone: "America/Los_Angeles",
                                                notificationWindowSeconds: 120, digestHour: 8)
        // 2026-11-30 17:30 UTC is 09:30 in Los Angeles (PST): the next 08:00 there is tomorrow, 16:00 UTC.
        let now = try Date("2026-11-30T17:30:00Z", strategy: .iso8601)
        #expect(Catalog.due(now, .immediately, organization) == now)
        #expect(Catalog.due(now, .batched, organization) == now.addingTimeInterval(120))
        #expect(Catalog.due(now, .daily, organization) == (try Date("2026-12-01T16:00:00Z", strategy: .iso8601)))
        organization.timeZone = "Asia/Tokyo"
        // 02:30 on 1 December in Tokyo: 08:00 the same day, 23:00 UTC.
        #expect(Catalog.due(now, .daily, organization) == (try Date("2026-11-30T23:00:00Z", strategy: .iso8601)))
    }
}
