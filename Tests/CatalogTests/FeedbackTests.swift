import FrameTime
import MediaTestSupport
import Foundation
import SQLKit
import Testing

@testable import Catalog

/// Comments, statuses and housekeeping on a real SQLite catalog.
@Suite("Feedback")
struct FeedbackTests {
    /// A session of one version with 48 frames numbered from 1001, an approver, a reviewer
    /// and an observer let in.
    struct Review {
        let catalog: Catalog
        let session: ReviewSession
        let item: SessionItem
        let staff: StaffUser
        let dana: CollaboratorAccess
        let sam: CollaboratorAccess
        let olly: CollaboratorAccess

        var danaActor: FeedbackActor { .collaborator(dana) }
        var samActor: FeedbackActor { .collaborator(sam) }
        var staffActor: FeedbackActor { .staff(staff) }

        func comment(_ text: String = "note", _ anchor: Anchor? = nil, by actor: FeedbackActor, parent: UUID? = nil,
                     internal: Bool = false, drawing: Drawing? = nil) async throws -> ReviewComment {
            try await catalog.addComment(sessionID: session.id, itemID: item.id,
                                         CommentDraft(text: text, anchor: parent == nil ? anchor : nil, drawing: drawing,
                                                      parentID: parent, isInternal: `internal`), by: actor)
        }

        func list(_ viewer: Viewer, _ filter: CommentFilter = CommentFilter()) async throws -> [ReviewComment] {
            try await catalog.comments(sessionID: session.id, for: viewer, filter: filter, page: .all).items
        }
    }

    static func review(_ catalog: Catalog, fields: SessionFields = SessionFields(),
                       playback: PlaybackInfo = Self.playback) async throws -> Review {
        let (_, versions, session) = try await makeSession(catalog, versions: 1, fields: fields)
        try await giveMedia(catalog, versionID: versions[0].id, playback: playback)
        let (staff, _) = try await catalog.createStaffUser(name: "Mo Producer", email: "mo-\(UUID())@studio.example", isAdmin: false)
        func access(_ name: String, _ role: Collaborator.Role) async throws -> CollaboratorAccess {
            let (collaborator, _) = try await catalog.addCollaborator(sessionID: session.id, name: name, email: nil, role: role)
            return try await catalog.access(collaboratorID: collaborator.id)
        }
        return Review(catalog: catalog, session: try await catalog.session(id: session.id),
                      item: try await catalog.items(sessionID: session.id)[0], staff: staff,
                      dana: try await access("Dana", .approver), sam: try await access("Sam", .reviewer),
                      olly: try await access("Olly", .observer))
    }

    static let playback = PlaybackInfo(frameCount: 48, rate: .fps24, firstFrameNumber: 1001, startTimecode: "01:00:00:00",
                                       width: 1920, height: 1080, hasAudio: false, variableRate: false)

    static let drawing = Drawing(display: .init(width: 1920, height: 1080, pixelAspect: .one), shapes: [
        Shape(color: "#FF3B30FF", .arrow(from: .init(0.1, 0.2), to: .init(0.4, 0.5), width: 0.004)),
    ])

    @Test("anchors come back with the numbers and timecodes people know; frames beyond the item and backward ranges are refused")
    func anchors() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let frame = try await review.comment("frame", .frame(41), by: review.danaActor)
            #expect(frame.labels?.number(41) == 1042 && frame.labels?.timecode(41) == "01:00:01:17")
            let encoded = String(decoding: try CatalogJSON.encoder.encode(frame), as: UTF8.self)
            #expect(encoded.contains(#""anchor":{"frame":41,"number":1042,"timecode":"01:00:01:17"}"#))
            #expect(frame.receipt?.state == .pending && frame.receipt?.frame == 41)
            let range = try await review.comment("range", .range(first: 10, last: 33), by: review.danaActor)
            #expect(range.receipt?.frame == 10)
            #expect(try await review.comment("all", .item, by: review.danaActor).receipt == nil)

            for (anchor, field) in [(Anchor.frame(48), "anchor.frame"), (.range(first: 47, last: 48), "anchor.last"),
                                    (.range(first: 20, last: 10), "anchor.last"), (.frame(-1), "anchor.frame")] {
                do {
                    _ = try await review.comment("bad", anchor, by: review.danaActor)
                    Issue.record("\(anchor) was taken")
                } catch let error as CatalogError {
                    #expect(error.field == field, "\(anchor): \(error)")
                }
            }
            do {
                _ = try await review.comment("drawn", .item, by: review.danaActor, drawing: Self.drawing)
                Issue.record("a drawing on the whole item was taken")
            } catch let error as CatalogError {
                #expect(error.field == "drawing")
            }
            // Nothing refused was stored, and receipts were queued for the frame and the range only.
            #expect(try await review.list(.staff(review.staff.id)).count == 3)
            #expect(try await catalog.jobs(JobFilter(kind: .receipt)).total == 2)
        }
    }

    @Test("a player's frame check is kept once per viewer and disagreement, counted; frames outside the item are refused")
    func frameChecks() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let dana = review.danaActor.author
            func report(_ expected: Int, _ presented: Int, by viewer: FeedbackAuthor = dana) async throws -> FrameCheck {
                try await catalog.recordFrameCheck(sessionID: review.session.id, itemID: review.item.id, by: viewer, during: .seek,
                                                   expected: expected, presented: presented, mediaTime: Double(presented) / 24,
                                                   userAgent: "Chromium")
            }
            let first = try await report(41, 40)
            let again = try await report(41, 40)
            #expect(first.id == again.id && again.times == 2 && again.versionID == review.item.versionID)
            _ = try await report(12, 11)
            _ = try await report(41, 40, by: review.staffActor.author)
            let all = try await catalog.frameChecks(versionID: review.item.versionID)
            #expect(all.total == 3 && all.items.map(\.times).reduce(0, +) == 4)
            #expect(try await catalog.frameChecks(sessionID: review.session.id).total == 3)
            #expect(try await catalog.frameChecks(versionID: UUID()).total == 0)
            for (expected, presented) in [(48, 40), (41, -1)] {
                #expect(await catalogErrorCode { _ = try await report(expected, presented) } == .invalidField)
            }
            let elsewhere = await catalogErrorCode {
                _ = try await catalog.recordFrameCheck(sessionID: review.session.id, itemID: UUID(), by: dana, during: .play,
                                                       expected: 1, presented: 1, mediaTime: 0.5, userAgent: nil)
            }
            #expect(elsewhere == .notFound)
        }
    }

    @Test("an oversized drawing is refused naming its field, and nothing is stored")
    func oversizedDrawing() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let stroke = Shape(color: "#FFFFFFFF", .stroke(points: (0..<5000).map { Shape.Point(Double($0) / 5000, 0.5) },
                                                             width: 0.002))
            let heavy = Drawing(display: .init(width: 1920, height: 1080, pixelAspect: .one), shapes: Array(repeating: stroke, count: 5))
            let code = await catalogErrorCode { _ = try await review.comment("heavy", .frame(2), by: review.danaActor, drawing: heavy) }
            #expect(code == .invalidField)
            #expect(try await review.list(.staff(review.staff.id)).isEmpty)
            #expect(try await catalog.lastEventSeq(sessionID: review.session.id) == 1)  // the item's own event only
        }
    }

    @Test("replies are one level deep and sit with their parent; lists go by frame, then time")
    func repliesAndOrder() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let late = try await review.comment("late frame", .frame(30), by: review.danaActor)
            let early = try await review.comment("early frame", .frame(5), by: review.samActor)
            let whole = try await review.comment("whole item", .item, by: review.danaActor)
            let reply = try await review.comment("agreed", by: review.staffActor, parent: late.id)
            let range = try await review.comment("range from 5", .range(first: 5, last: 9), by: review.danaActor)
            #expect(reply.anchor == nil && reply.parentID == late.id)
            #expect(await catalogErrorCode { _ = try await review.comment("deeper", by: review.danaActor, parent: reply.id) }
                    == .invalidField)
            #expect(await catalogErrorCode {
                _ = try await catalog.addComment(sessionID: review.session.id, itemID: review.item.id,
                                                 CommentDraft(text: "anchored reply", anchor: .frame(3), parentID: late.id),
                                                 by: review.danaActor)
            } == .invalidField)
            let order = try await review.list(.staff(review.staff.id)).map(\.id)
            #expect(order == [whole.id, early.id, range.id, late.id, reply.id])
            // Paging keeps the order.
            let page = try await catalog.comments(sessionID: review.session.id, for: .staff(review.staff.id),
                                                  page: try Page(limit: 2, offset: 2))
            #expect(page.items.map(\.id) == [range.id, late.id] && page.total == 5)
            // Moving a comment moves its replies with it.
            _ = try await catalog.editComment(sessionID: review.session.id, id: late.id, CommentEdit(anchor: .frame(1)),
                                              by: review.danaActor)
            #expect(try await review.list(.staff(review.staff.id)).map(\.id) == [whole.id, late.id, reply.id, early.id, range.id])
        }
    }

    @Test("authors edit and delete their own: a tombstone keeps its replies; others are refused")
    func editAndDelete() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let sessionID = review.session.id
            let mine = try await review.comment("first take", .frame(8), by: review.danaActor, drawing: Self.drawing)
            let reply = try await review.comment("answer", by: review.samActor, parent: mine.id)
            #expect(await catalogErrorCode {
                _ = try await catalog.editComment(sessionID: sessionID, id: mine.id, CommentEdit(text: "hijack"), by: review.samActor)
            } == .forbidden)
            #expect(await catalogErrorCode { _ = try await catalog.deleteComment(sessionID: sessionID, id: mine.id, by: review.staffActor) }
                    == .forbidden)
            let edited = try await catalog.editComment(sessionID: sessionID, id: mine.id,
                                                       CommentEdit(text: "second take", anchor: .frame(9)), by: review.danaActor)
            #expect(edited.text == "second take" && edited.editedAt != nil && edited.receipt?.frame == 9 && edited.drawing != nil)
            let undrawn = try await catalog.editComment(sessionID: sessionID, id: mine.id, CommentEdit(drawing: .some(nil)),
                                                        by: review.danaActor)
            #expect(undrawn.drawing == nil)
            let tombstone = try await catalog.deleteComment(sessionID: sessionID, id: mine.id, by: review.danaActor)
            #expect(tombstone.isDeleted && tombstone.text.isEmpty && tombstone.drawing == nil)
            #expect(await catalogErrorCode {
                _ = try await catalog.editComment(sessionID: sessionID, id: mine.id, CommentEdit(text: "back"), by: review.danaActor)
            } == .conflict)
            let listed = try await review.list(.collaborator(review.sam.collaborator.id))
            #expect(listed.map(\.id) == [mine.id, reply.id] && listed[0].isDeleted && listed[1].text == "answer")
            let events = try await catalog.events(sessionID: sessionID, after: 0, for: .staff(review.staff.id)).map(\.kind)
            #expect(events.filter { $0 == .commentEdited }.count == 2 && events.last == .commentDeleted)
        }
    }

    @Test("staff and the author resolve and reopen; another collaborator cannot")
    func resolving() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let sessionID = review.session.id
            let comment = try await review.comment("fix the flare", .frame(3), by: review.danaActor)
            #expect(await catalogErrorCode { _ = try await catalog.setResolved(true, sessionID: sessionID, id: comment.id, by: review.samActor) }
                    == .forbidden)
            let resolved = try await catalog.setResolved(true, sessionID: sessionID, id: comment.id, by: review.staffActor)
            #expect(resolved.resolvedAt != nil && resolved.resolvedBy?.id == review.staff.id)
            #expect(try await review.list(.staff(review.staff.id), CommentFilter(resolved: true)).map(\.id) == [comment.id])
            let reopened = try await catalog.setResolved(false, sessionID: sessionID, id: comment.id, by: review.danaActor)
            #expect(reopened.resolvedAt == nil && reopened.resolvedBy == nil)
            #expect(try await review.list(.staff(review.staff.id), CommentFilter(resolved: true)).isEmpty)
        }
    }

    @Test("internal comments and hidden sessions: lists, single reads and events all follow the one rule")
    func visibility() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let sessionID = review.session.id
            let dana = Viewer.collaborator(review.dana.collaborator.id), sam = Viewer.collaborator(review.sam.collaborator.id)
            let secret = try await review.comment("internal: the comp is late", .frame(4), by: review.staffActor, internal: true)
            let internalReply = try await review.comment("noted", by: review.staffActor, parent: secret.id)
            #expect(internalReply.isInternal, "a reply in an internal thread is internal")
            let danas = try await review.comment("Dana's", .frame(6), by: review.danaActor)
            let staffAnswer = try await review.comment("we'll fix it", by: review.staffActor, parent: danas.id)
            let sams = try await review.comment("Sam's", .frame(7), by: review.samActor)
            let shared = try await review.comment("staff to everyone", .item, by: review.staffActor)
            #expect(await catalogErrorCode { _ = try await review.comment("sneaky", .item, by: review.danaActor, internal: true) }
                    == .forbidden)
            #expect(await catalogErrorCode { _ = try await review.comment("reply", by: review.danaActor, parent: secret.id) }
                    == .invalidField, "a collaborator cannot reply to what they cannot see")

            func ids(_ viewer: Viewer) async throws -> Set<UUID> { Set(try await review.list(viewer).map(\.id)) }
            #expect(try await ids(.staff(review.staff.id)).count == 6)
            #expect(try await ids(dana) == [danas.id, staffAnswer.id, sams.id, shared.id])
            #expect(await catalogErrorCode { _ = try await catalog.comment(id: secret.id, sessionID: sessionID, for: dana) } == .notFound)

            _ = try await catalog.updateSession(id: sessionID, SessionFields(settings: .init(commentsVisibleToOthers: false)))
            #expect(try await ids(dana) == [danas.id, staffAnswer.id, shared.id])
            #expect(try await ids(sam) == [sams.id, shared.id])
            #expect(await catalogErrorCode { _ = try await catalog.comment(id: danas.id, sessionID: sessionID, for: sam) } == .notFound)
            // Events follow the same rule.
            func eventComments(_ viewer: Viewer) async throws -> Set<UUID> {
                Set(try await catalog.events(sessionID: sessionID, after: 0, for: viewer).compactMap { event in
                    guard event.kind == .commentCreated else { return nil }
                    let object = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: [String: Any]]
                    return (object?["comment"]?["id"] as? String).flatMap(UUID.init(uuidString:))
                })
            }
            #expect(try await eventComments(sam) == [sams.id, shared.id])
            #expect(try await eventComments(.staff(review.staff.id)).count == 6)
        }
    }

    @Test("the visibility rule in SQL (lists, events) agrees with the rule in Swift (the live room) in every case")
    func ruleAgreesWithItself() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let me = review.dana.collaborator.id, other = review.sam.collaborator.id
            let kinds: [FeedbackVisibility] = [.everyone, .init(isInternal: true), .init(owner: me), .init(owner: other),
                                               .init(isInternal: true, owner: me)]
            let start = try await catalog.lastEventSeq(sessionID: review.session.id)
            try await catalog.database.write { db in
                for visibility in kinds {
                    try await catalog.recordEvent(.commentCreated, sessionID: review.session.id, data: ["x": 1],
                                                  visibility: visibility, db)
                }
            }
            for shown in [true, false] {
                _ = try await catalog.updateSession(id: review.session.id, SessionFields(settings: .init(commentsVisibleToOthers: shown)))
                for viewer in [Viewer.collaborator(me), .collaborator(other), .staff(review.staff.id)] {
                    let seen = try await catalog.events(sessionID: review.session.id, after: start, for: viewer)
                        .filter { $0.seq <= start + kinds.count }.map(\.seq)
                    let expected = kinds.enumerated().filter { $0.element.allows(viewer, commentsVisibleToOthers: shown) }
                        .map { start + 1 + $0.offset }
                    #expect(seen == expected, "\(viewer), shown to others: \(shown)")
                }
            }
        }
    }

    @Test("comments are refused on a closed or ended session, when comments are off, and from observers")
    func refusals() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let sessionID = review.session.id
            let olly = FeedbackActor.collaborator(review.olly)
            #expect(await catalogErrorCode { _ = try await review.comment("hi", .item, by: olly) } == .forbidden)
            _ = try await catalog.updateSession(id: sessionID, SessionFields(settings: .init(allowComments: false)))
            #expect(await catalogErrorCode { _ = try await review.comment("hi", .item, by: review.danaActor) } == .forbidden)
            #expect(try await review.comment("staff may", .item, by: review.staffActor).text == "staff may")
            _ = try await catalog.closeSession(id: sessionID)
            #expect(await catalogErrorCode { _ = try await review.comment("closed", .item, by: review.staffActor) } == .sessionClosed)
            #expect(await catalogErrorCode {
                _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: review.item.id, by: review.dana)
            } == .sessionClosed)
            _ = try await catalog.reopenSession(id: sessionID)
            _ = try await catalog.updateSession(id: sessionID, SessionFields(startsAt: Date().addingTimeInterval(-7200),
                                                                             endsAt: Date().addingTimeInterval(-3600)))
            #expect(await catalogErrorCode { _ = try await review.comment("late", .item, by: review.staffActor) } == .sessionExpired)
            #expect(await catalogErrorCode {
                _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: review.item.id, by: review.dana)
            } == .sessionExpired)
            #expect(try await review.list(.staff(review.staff.id)).count == 1)
        }
    }

    @Test("statuses keep their history; deciders are the approvers, else the reviewers; changes win over approvals")
    func statuses() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let sessionID = review.session.id, itemID = review.item.id
            #expect(await catalogErrorCode { _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: itemID, by: review.olly) }
                    == .forbidden)
            _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: itemID, by: review.dana)
            _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: itemID, by: review.dana)  // no change
            let danas = try await catalog.setStatus(.requiresChanges, sessionID: sessionID, itemID: itemID, by: review.dana)
            #expect(danas.history.map(\.to) == [.approved, .requiresChanges] && danas.history.map(\.from) == [.pending, .approved])
            #expect(danas.decides)
            _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: itemID, by: review.sam)

            // Dana is the only approver: she decides, and asks for changes.
            var summary = try #require(try await catalog.statusSummaries(sessionID: sessionID).first)
            #expect(summary.deciders == 1 && summary.requiresChanges == 1 && summary.anyRequiresChanges && !summary.allApproved)
            let all = try await catalog.statuses(sessionID: sessionID)
            #expect(all.count == 2 && all.first { $0.collaborator.id == review.sam.collaborator.id }?.decides == false)
            // Without approvers the reviewers decide; a revoked collaborator never does.
            _ = try await catalog.updateCollaborator(sessionID: sessionID, id: review.dana.collaborator.id,
                                                     CollaboratorUpdate(revoked: true))
            summary = try #require(try await catalog.statusSummaries(sessionID: sessionID).first)
            #expect(summary.deciders == 1 && summary.approved == 1 && summary.allApproved && !summary.anyRequiresChanges)
            // A shareable link's visitor decides as the reviewer they are.
            let visitor = Collaborator(id: UUID(), sessionID: sessionID, name: "Visitor", email: nil, role: .reviewer,
                                       staffUserID: nil, joinedByShareLink: true, invitedAt: nil, revokedAt: nil,
                                       createdAt: Date(), createdBy: nil)
            #expect(StatusSummary.deciders([visitor]).map(\.id) == [visitor.id])
            let events = try await catalog.events(sessionID: sessionID, after: 0, for: .collaborator(review.sam.collaborator.id))
            #expect(events.filter { $0.kind == .statusChanged }.count == 3)
        }
    }

    @Test("removing an item, a collaborator or a version with feedback keeps it; a session with feedback goes only with force")
    func feedbackSurvivesHousekeeping() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let sessionID = review.session.id
            let comment = try await review.comment("keep me", .frame(2), by: review.danaActor)
            _ = try await catalog.setStatus(.approved, sessionID: sessionID, itemID: review.item.id, by: review.sam)

            try await catalog.removeItems(sessionID: sessionID, itemIDs: [review.item.id])
            #expect(try await catalog.items(sessionID: sessionID).isEmpty)
            #expect(try await review.list(.staff(review.staff.id)).map(\.id) == [comment.id], "staff still read it")
            #expect(try await review.list(.collaborator(review.dana.collaborator.id)).isEmpty, "collaborators no longer see the item")
            #expect(try await catalog.statuses(sessionID: sessionID, includingRemovedItems: true).contains { $0.status == .approved })

            try await catalog.removeCollaborator(sessionID: sessionID, id: review.dana.collaborator.id)
            try await catalog.removeCollaborator(sessionID: sessionID, id: review.olly.collaborator.id)
            #expect(try await catalog.collaborators(sessionID: sessionID).map(\.name) == ["Sam"])
            #expect(await catalogErrorCode { _ = try await catalog.access(collaboratorID: review.dana.collaborator.id) } == .accessRevoked)
            #expect(try await review.list(.staff(review.staff.id)).first?.author.name == "Dana")

            try await catalog.deleteVersion(id: review.item.versionID)
            #expect(await catalogErrorCode { _ = try await catalog.version(id: review.item.versionID) } == .notFound)
            #expect(try await review.list(.staff(review.staff.id)).first?.labels?.number(2) == 1003, "its frames still label the comment")

            // The feedback rows refer with RESTRICT: even a raw delete cannot take them.
            await #expect(throws: (any Error).self) {
                try await catalog.database.write { db in
                    try await db.delete(from: "session_items").where("id", .equal, review.item.id.bind).run()
                }
            }
            let project = try await catalog.session(id: sessionID).projectID
            #expect(await catalogErrorCode { try await catalog.deleteProject(id: project) } == .conflict)
            do {
                try await catalog.deleteSession(id: sessionID)
                Issue.record("a session with feedback was deleted without force")
            } catch let error as CatalogError {
                #expect(error.code == .conflict && error.message.contains("1 comments") && error.message.contains("1 status changes"))
            }
            #expect(try await review.list(.staff(review.staff.id)).count == 1)
            let gone = try await catalog.deleteSession(id: sessionID, force: true)
            #expect(gone == Catalog.SessionFeedbackCount(comments: 1, statuses: 1))
            #expect(await catalogErrorCode { _ = try await catalog.session(id: sessionID) } == .notFound)
            try await catalog.deleteProject(id: project)
        }
    }

    @Test("filters: author, the author's status, frame range, internal")
    func filters() async throws {
        try await withCatalog { catalog in
            let review = try await Self.review(catalog)
            let staff = Viewer.staff(review.staff.id)
            let a = try await review.comment("a", .frame(3), by: review.danaActor)
            let b = try await review.comment("b", .range(first: 10, last: 20), by: review.samActor)
            let c = try await review.comment("c", .item, by: review.staffActor, internal: true)
            _ = try await catalog.setStatus(.requiresChanges, sessionID: review.session.id, itemID: review.item.id, by: review.dana)
            #expect(try await review.list(staff, CommentFilter(authorID: review.sam.collaborator.id)).map(\.id) == [b.id])
            #expect(try await review.list(staff, CommentFilter(status: .requiresChanges)).map(\.id) == [a.id])
            #expect(try await review.list(staff, CommentFilter(frames: 15...30)).map(\.id) == [b.id])
            #expect(try await review.list(staff, CommentFilter(frames: 0...3)).map(\.id) == [a.id])
            #expect(try await review.list(staff, CommentFilter(isInternal: true)).map(\.id) == [c.id])
        }
    }
}
