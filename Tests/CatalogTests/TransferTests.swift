import Foundation
import MediaTestSupport
import Testing

@testable import Catalog

/// Transfer of feedback onto versions and tasks, on a real SQLite catalog.
@Suite("Transfer of feedback")
struct TransferTests {
    /// A session of three versions with media: an approver (Dana, the decider), a reviewer
    /// (Sam) and staff (Mo), and feedback on each item.
    struct Review {
        let catalog: Catalog
        let project: Project
        let session: ReviewSession
        let items: [SessionItem]
        let versions: [Version]
        let staff: StaffUser
        let dana: CollaboratorAccess
        let sam: CollaboratorAccess

        func comment(_ item: Int, _ text: String, _ anchor: Anchor? = nil, by actor: FeedbackActor, parent: UUID? = nil,
                     internal: Bool = false, drawing: Drawing? = nil) async throws -> ReviewComment {
            try await catalog.addComment(sessionID: session.id, itemID: items[item].id,
                                         CommentDraft(text: text, anchor: anchor, drawing: drawing, parentID: parent,
                                                      isInternal: `internal`), by: actor)
        }

        func versionStatuses() async throws -> [String] {
            var statuses: [String] = []
            for version in versions { statuses.append(try await catalog.version(id: version.id).status) }
            return statuses
        }

        func noteCount() async throws -> Int {
            var count = 0
            for version in versions { count += try await catalog.notes(versionID: version.id).count }
            return count
        }
    }

    static func review(_ catalog: Catalog) async throws -> Review {
        let (project, versions, session) = try await makeSession(catalog, versions: 3)
        for version in versions { try await giveMedia(catalog, versionID: version.id, playback: FeedbackTests.playback) }
        let (staff, _) = try await catalog.createStaffUser(name: "Mo Producer", email: "mo-\(UUID())@studio.example", isAdmin: false)
        func access(_ name: String, _ role: Collaborator.Role) async throws -> CollaboratorAccess {
            let (collaborator, _) = try await catalog.addCollaborator(sessionID: session.id, name: name,
                                                                       email: "\(name.lowercased())@client.example", role: role)
            return try await catalog.access(collaboratorID: collaborator.id)
        }
        return Review(catalog: catalog, project: project, session: session, items: try await catalog.items(sessionID: session.id),
                      versions: versions, staff: staff, dana: try await access("Dana", .approver),
                      sam: try await access("Sam", .reviewer))
    }

    @Test("the rule's statuses land on versions; comments become notes that keep author, date, frames, drawing and receipt")
    func transferOntoVersions() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let dana = FeedbackActor.collaborator(review.dana)
            let flare = try await review.comment(0, "The flare pops", .frame(5), by: dana, drawing: FeedbackTests.drawing)
            let reply = try await review.comment(0, "Agreed, will soften", by: .staff(review.staff), parent: flare.id)
            let grade = try await review.comment(1, "Grade is too warm", .range(first: 2, last: 7), by: dana)
            let internalNote = try await review.comment(1, "Budget says no", by: .staff(review.staff), internal: true)
            let withdrawn = try await review.comment(1, "Never mind", .frame(1), by: dana)
            _ = try await catalog.deleteComment(sessionID: review.session.id, id: withdrawn.id, by: dana)
            let overall = try await review.comment(2, "Looks good to me", by: .collaborator(review.sam))
            // Dana decides: approves item 0, asks for changes on 1; Sam's approval of 2 decides nothing.
            _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.items[0].id, by: review.dana)
            _ = try await catalog.setStatus(.requiresChanges, sessionID: review.session.id, itemID: review.items[1].id, by: review.dana)
            _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.items[2].id, by: review.sam)
            // The flare comment's receipt, registered as a worker would.
            let target = try #require(try await catalog.receiptTarget(commentID: flare.id))
            #expect(try await catalog.registerReceipt(target, sha256: String(repeating: "5", count: 64), path: "receipts/x/flare.jpg"))

            // The preview says what would happen, and changes nothing.
            let preview = try await catalog.previewTransfer(sessionID: review.session.id, FeedbackTransfer(), by: review.staff)
            #expect(!preview.applied && preview.notesCreated == 5 && preview.statusesChanged == 2)
            #expect(preview.items.map(\.verdict) == ["approved", "requires_changes", "undecided"])
            #expect(preview.items.map { $0.statusChange?.to } == ["approved", "requires changes", nil])
            #expect(preview.items[1].notes.map(\.commentID) == [internalNote.id, grade.id],
                    "whole-item comments first, then by frame; tombstones left out")
            #expect(try await review.versionStatuses() == Array(repeating: "pending review", count: 3))
            #expect(try await review.noteCount() == 0)

            let done = try await catalog.transferFeedback(sessionID: review.session.id, FeedbackTransfer(), by: review.staff)
            #expect(done.applied && done.notesCreated == 5 && done.items.map(\.statusChange) == preview.items.map(\.statusChange))
            #expect(try await review.versionStatuses() == ["approved", "requires changes", "pending review"])

            let notes = try await catalog.notes(versionID: review.versions[0].id)
            #expect(notes.map(\.text) == ["The flare pops", "Agreed, will soften"])
            let flareNote = notes[0]
            #expect(flareNote.author == flare.author && flareNote.authorEmail == "dana@client.example")
            #expect(flareNote.createdAt == flare.createdAt && flareNote.anchor == .frame(5) && flareNote.labels?.number(5) == 1006)
            #expect(flareNote.drawing == FeedbackTests.drawing)
            #expect(flareNote.receipt == Note.Receipt(frame: 5, sha256: String(repeating: "5", count: 64), path: "receipts/x/flare.jpg"))
            #expect(flareNote.source?.commentID == flare.id && flareNote.source?.sessionID == review.session.id
                    && flareNote.source?.transferredBy == review.staff.id)
            #expect(notes[1].parentID == flareNote.id && notes[1].anchor == .frame(5) && notes[1].createdAt == reply.createdAt)
            let graded = try await catalog.notes(versionID: review.versions[1].id)
            #expect(graded.map(\.source?.commentID) == [internalNote.id, grade.id] && graded[1].anchor == .range(first: 2, last: 7))
            #expect(try await catalog.notes(versionID: review.versions[2].id).first?.source?.commentID == overall.id)

            // A second transfer finds everything done: nothing new, nothing changed.
            let again = try await catalog.transferFeedback(sessionID: review.session.id, FeedbackTransfer(), by: review.staff)
            #expect(again.notesCreated == 0 && again.statusesChanged == 0)
            #expect(again.items.flatMap(\.notes).allSatisfy { $0.alreadyTransferred })
            #expect(again.items[0].statusNote == "already approved")
            #expect(try await review.noteCount() == 5)

            // Staff see the transfer on the session's stream; collaborators never do.
            let staffEvents = try await catalog.events(sessionID: review.session.id, after: 0, for: .staff(review.staff.id))
            #expect(staffEvents.filter { $0.kind == .feedbackTransferred }.count == 2)
            let clientEvents = try await catalog.events(sessionID: review.session.id, after: 0, for: .collaborator(review.dana.collaborator.id))
            #expect(!clientEvents.contains { $0.kind == .feedbackTransferred })
        }
    }

    @Test("with the setting on tasks, the status goes to each version's task; asking for changes wins on a shared task")
    func transferOntoTasks() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            _ = try await catalog.updateOrganization(OrganizationUpdate(transferStatusTo: .task))
            let (ada, _) = try await catalog.createStaffUser(name: "Ada", email: "ada@studio.example", isAdmin: false)
            let comp = try await catalog.createTask(projectID: review.project.id, TaskFields(name: "comp", assigneeIDs: [ada.id]))
            for version in review.versions.prefix(2) {
                _ = try await catalog.updateVersion(id: version.id, VersionFields(taskID: .some(comp.id)))
            }
            _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.items[0].id, by: review.dana)
            _ = try await catalog.setStatus(.requiresChanges, sessionID: review.session.id, itemID: review.items[1].id, by: review.dana)
            _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.items[2].id, by: review.dana)

            let request = FeedbackTransfer(changesStatus: "Requires Changes", completable: true, note: "Thanks all, next round Friday")
            let plan = try await catalog.transferFeedback(sessionID: review.session.id, request, by: review.staff)
            #expect(plan.statusTarget == .task && plan.statusesChanged == 1)
            #expect(plan.items.prefix(2).allSatisfy { $0.statusChange == TransferPlan.StatusChange(
                scope: .task, targetID: comp.id, from: "not started", to: "requires changes") })
            #expect(plan.items[2].statusChange == nil && plan.items[2].statusNote == "the version has no task")
            #expect(try await catalog.task(id: comp.id).status == "requires changes")
            #expect(try await review.versionStatuses() == Array(repeating: "pending review", count: 3), "versions keep theirs")

            // The note staff wrote: one per version, to everyone assigned, and only once.
            let written = try await catalog.notes(versionID: review.versions[0].id)
            #expect(written.map(\.text) == ["Thanks all, next round Friday"] && written[0].recipientIDs == [ada.id])
            #expect(written[0].completable && written[0].author.id == review.staff.id)
            _ = try await catalog.transferFeedback(sessionID: review.session.id, request, by: review.staff)
            #expect(try await review.noteCount() == 3)
        }
    }

    @Test("refused: another session's comment, an unchosen item's, a status not on the list; nothing changes")
    func refusals() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let other = try await Self.review(catalog)
            let mine = try await review.comment(0, "Mine", .frame(2), by: .collaborator(review.dana))
            let theirs = try await other.comment(0, "Theirs", by: .collaborator(other.dana))
            _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.items[0].id, by: review.dana)
            let refused = [
                FeedbackTransfer(commentIDs: [mine.id, theirs.id]),
                FeedbackTransfer(itemIDs: [review.items[1].id], commentIDs: [mine.id]),
                FeedbackTransfer(itemIDs: [other.items[0].id]),
                FeedbackTransfer(approvedStatus: "signed off"),
                FeedbackTransfer(note: "   "),
            ]
            for request in refused {
                #expect(await catalogErrorCode {
                    _ = try await catalog.transferFeedback(sessionID: review.session.id, request, by: review.staff)
                } == .invalidField, "\(request)")
            }
            #expect(try await review.noteCount() == 0)
            #expect(try await review.versionStatuses()[0] == "pending review")
            // Picking comments transfers those alone.
            let picked = try await catalog.transferFeedback(sessionID: review.session.id,
                                                            FeedbackTransfer(commentIDs: [mine.id], transferStatuses: false),
                                                            by: review.staff)
            #expect(picked.notesCreated == 1 && picked.statusesChanged == 0)
            #expect(try await review.versionStatuses()[0] == "pending review")
        }
    }

    @Test("webhooks for clients never get internal comments or transfers; staff webhooks get everything")
    func webhookAudiences() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let staffHook = try await catalog.createWebhook(url: "https://pipeline.studio.example/hook",
                                                            events: [.commentCreated, .statusChanged, .feedbackTransferred])
            let clientHook = try await catalog.createWebhook(url: "https://portal.client.example/hook",
                                                             events: [.commentCreated, .statusChanged, .feedbackTransferred],
                                                             audience: .clients)
            _ = try await review.comment(0, "Shared", by: .collaborator(review.dana))
            _ = try await review.comment(0, "Internal", by: .staff(review.staff), internal: true)
            _ = try await catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.items[0].id, by: review.dana)
            _ = try await catalog.transferFeedback(sessionID: review.session.id, FeedbackTransfer(), by: review.staff)

            let jobs = try await catalog.jobs(JobFilter(kind: .webhook), page: .all).items
            func delivered(to hook: Webhook) throws -> [String] {
                try jobs.compactMap { job in
                    let payload = try JSONDecoder().decode(WebhookJob.self, from: Data(job.payload.utf8))
                    guard payload.webhookID == hook.id else { return nil }
                    let body = try JSONSerialization.jsonObject(with: Data(payload.body.utf8)) as? [String: Any]
                    let text = ((body?["data"] as? [String: Any])?["comment"] as? [String: Any])?["text"] as? String
                    return payload.event + (text.map { ":" + $0 } ?? "")
                }.sorted()
            }
            #expect(try delivered(to: staffHook) == ["comment.created:Internal", "comment.created:Shared", "feedback.transferred",
                                                     "status.changed"])
            #expect(try delivered(to: clientHook) == ["comment.created:Shared", "status.changed"])
        }
    }
}
