import Catalog
import Foundation
import Hummingbird

/// Feedback: comments, drawings, statuses and the session's events, for collaborators under
/// `/api/v1/review/sessions/{session_id}` and for staff under `/api/v1/sessions/{session_id}`.
/// Both sides are the same routes over the same catalog calls; the catalog checks who may do
/// what, and its one visibility rule decides what each caller sees.
func addFeedbackRoutes(_ api: APIRoutes) {
    FeedbackRoutes(group: api.collaborator, base: "/api/v1/review/sessions/{session_id}", tag: "review", staff: false) {
        .collaborator($0.caller)
    }.add()
    FeedbackRoutes(group: api.staff, base: "/api/v1/sessions/{session_id}", tag: "feedback", staff: true) {
        .staff($0.caller)
    }.add()

    api.collaborator.add(.put, "/api/v1/review/sessions/{session_id}/items/{item_id}/status",
                         "Set your status on an item: pending, approved or requires_changes (reviewers and approvers)",
                         tag: "review", body: .json(.object([Schema.oneOf(ReviewStatus.self).required("status")]),
                                                    example: #"{"status": "requires_changes"}"#),
                         response: "ItemStatus", refusals: [Refusal(.forbidden, "Observers do not set statuses")]) { input in
        struct Body: Decodable { let status: ReviewStatus }
        let status = try await input.catalog.setStatus(try await input.body(Body.self).status,
                                                       sessionID: input.caller.session.id, itemID: try input.id("item_id"),
                                                       by: input.caller)
        return try JSONCoding.response(status)
    }

    api.participant.add(.get, "/api/v1/review/sessions/{session_id}/receipts/{comment_id}",
                        "A comment's frame receipt: the exact frame its author saw, as a JPEG (staff, or collaborators who see the comment)",
                        tag: "review", response: .file(["image/jpeg"]),
                        refusals: [Refusal(.notModified, "The receipt has not changed since the ETag given in If-None-Match")]) { input in
        let sessionID = try input.id("session_id")
        let receipt = try await input.catalog.readyReceipt(commentID: try input.id("comment_id"), sessionID: sessionID,
                                                           for: input.caller.viewer)
        return try await FileResponse.serve(
            path: input.services.store.absolutePath(receipt.path ?? ""), sha256: receipt.sha256 ?? "",
            downloadName: "receipt-\(receipt.frame).jpg", contentType: "image/jpeg", request: input.request, context: input.context)
    }
}

/// The feedback routes of one side (collaborators or staff).
private struct FeedbackRoutes<Caller: Sendable> {
    let group: RouteGroup<Caller>
    let base: String
    let tag: String
    /// Staff may write internal comments and filter on them.
    let staff: Bool
    let actor: @Sendable (RouteInput<Caller>) -> FeedbackActor

    init(group: RouteGroup<Caller>, base: String, tag: String, staff: Bool,
         actor: @escaping @Sendable (RouteInput<Caller>) -> FeedbackActor) {
        self.group = group
        self.base = base
        self.tag = tag
        self.staff = staff
        self.actor = actor
    }

    func add() {
        let actor = actor
        let staff = staff
        let who = staff ? "staff" : "collaborators"
        // Collaborators hear of an ended schedule from their group's gate; staff from the write itself.
        let ended = staff ? [Refusal(.gone, "The session's schedule has ended: it takes no more feedback")] : []
        group.add(.get, base + "/comments",
                  "The session's comments \(who) may see, by frame then time, replies after their parent",
                  tag: tag, parameters: commentFilters + Parameter.page, response: "CommentList",
                  refusals: [.rule("first_frame and last_frame come together, the first not after the last")]) { input in
            let filter = try Self.filter(input, staff: staff)
            let comments = try await input.catalog.comments(sessionID: try input.id("session_id"), for: actor(input).viewer,
                                                            filter: filter, page: try input.page())
            return try JSONCoding.response(ListResponse(comments))
        }
        group.add(.post, base + "/items/{item_id}/comments",
                  staff ? "Comment on an item as staff (internal: no collaborator ever sees it), or reply to a comment"
                        : "Comment on an item (a frame, a range or the whole item, with a drawing), or reply to a comment",
                  tag: tag, body: .json(FeedbackSchemas.newComment(staff: staff), example: FeedbackSchemas.newCommentExample),
                  status: .created, response: "Comment",
                  refusals: commentRules + ended
                      + [Refusal(.forbidden, staff ? "Only staff" : "Comments are off in this session, or you observe")]
        ) { input in
            let draft = try await input.body(NewComment.self)
            let comment = try await input.catalog.addComment(
                sessionID: try input.id("session_id"), itemID: try input.id("item_id"),
                CommentDraft(text: draft.text, anchor: draft.anchor, drawing: draft.drawing, parentID: draft.parentID,
                             isInternal: draft.internal ?? false),
                by: actor(input))
            return try JSONCoding.response(comment, status: .created)
        }
        group.add(.get, base + "/comments/{comment_id}", "One comment", tag: tag, response: "Comment") { input in
            try JSONCoding.response(try await input.catalog.comment(id: try input.id("comment_id"),
                                                                    sessionID: try input.id("session_id"), for: actor(input).viewer))
        }
        group.add(.patch, base + "/comments/{comment_id}",
                  "Edit your comment: its text, and a top-level comment's anchor and drawing (null removes the drawing)",
                  tag: tag, body: .json(FeedbackSchemas.commentEdit, example: #"{"text": "The glint pops on this frame, not the next.", "anchor": {"frame": 42}}"#),
                  response: "Comment",
                  refusals: commentRules + ended + [Refusal(.forbidden, "Only its author edits a comment"),
                                                         .conflict("The comment was deleted")]) { input in
            let edit = try await input.body(EditedComment.self)
            let comment = try await input.catalog.editComment(
                sessionID: try input.id("session_id"), id: try input.id("comment_id"),
                CommentEdit(text: edit.text, anchor: edit.anchor, drawing: edit.drawing), by: actor(input))
            return try JSONCoding.response(comment)
        }
        group.add(.delete, base + "/comments/{comment_id}",
                  "Delete your comment: it becomes a tombstone that keeps its place, its replies and its history",
                  tag: tag, response: "Comment", refusals: ended + [Refusal(.forbidden, "Only its author deletes a comment")]) { input in
            try JSONCoding.response(try await input.catalog.deleteComment(sessionID: try input.id("session_id"),
                                                                          id: try input.id("comment_id"), by: actor(input)))
        }
        for (action, resolved) in [("resolve", true), ("reopen", false)] {
            group.add(.post, base + "/comments/{comment_id}/" + action,
                      resolved ? "Mark a comment resolved (staff, or its author)" : "Open a resolved comment again (staff, or its author)",
                      tag: tag, response: "Comment", refusals: ended + [Refusal(.forbidden, "Only staff and its author")]) { input in
                try JSONCoding.response(try await input.catalog.setResolved(
                    resolved, sessionID: try input.id("session_id"), id: try input.id("comment_id"), by: actor(input)))
            }
        }
        group.add(.get, base + "/items/{item_id}/drawings",
                  "An item's drawings \(who) may see; with ?frame=, those shown on that frame (a held drawing across its range)",
                  tag: tag, parameters: [.query("frame", FeedbackSchemas.frame, "Only the drawings shown on this frame")],
                  response: "FrameDrawingList") { input in
            let frame = input.integerQuery("frame")
            let comments = try await input.catalog.comments(
                sessionID: try input.id("session_id"), for: actor(input).viewer,
                filter: CommentFilter(itemID: try input.id("item_id"), frames: frame.map { $0...$0 }), page: .all)
            let drawings = comments.items.compactMap(FrameDrawing.init).filter { drawing in frame.map(drawing.isShown) ?? true }
            return try JSONCoding.response(ListResponse(all: drawings))
        }
        group.add(.get, base + "/statuses",
                  "Every collaborator's status on each item, with its history", tag: tag,
                  parameters: [.query("item_id", .uuid, "Only this item's")], response: "ItemStatusList") { input in
            let statuses = try await input.catalog.statuses(sessionID: try input.id("session_id"),
                                                            itemID: input.query("item_id").flatMap(UUID.init(uuidString:)),
                                                            includingRemovedItems: staff)
            return try JSONCoding.response(ListResponse(all: statuses))
        }
        group.add(.get, base + "/summaries",
                  "Each item's status summary over the session's deciders", tag: tag, response: "StatusSummaryList") { input in
            try JSONCoding.response(ListResponse(all: try await input.catalog.statusSummaries(sessionID: try input.id("session_id"))))
        }
        group.add(.get, base + "/events",
                  "The session's events after ?after=N that \(who) may see, in order (the room's history, for a client without a WebSocket)",
                  tag: tag, parameters: [
                      .query("after", .integer(0...Int(Int32.max)), "The last event number the client has (0 for all)"),
                      .query("limit", .integer(1...500), "How many at most (500 by default)"),
                  ], response: "SessionEvents") { input in
            let sessionID = try input.id("session_id")
            let last = try await input.catalog.lastEventSeq(sessionID: sessionID)
            let events = try await input.catalog.events(sessionID: sessionID, after: input.integerQuery("after") ?? 0,
                                                        for: actor(input).viewer, limit: input.integerQuery("limit") ?? 500)
            return try JSONCoding.response(SessionEvents(events: events.map(EventAnswer.init), lastSeq: last))
        }
    }

    // MARK: Requests

    private struct NewComment: Decodable {
        let text: String
        let anchor: Anchor?
        let drawing: Drawing?
        let parentID: UUID?
        let `internal`: Bool?
        enum CodingKeys: String, CodingKey { case text, anchor, drawing, parentID = "parent_id", `internal` }
    }

    private struct EditedComment: Decodable {
        let text: String?
        let anchor: Anchor?
        let drawing: Drawing??
        enum CodingKeys: String, CodingKey { case text, anchor, drawing }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            text = try container.decodeIfPresent(String.self, forKey: .text)
            anchor = try container.decodeIfPresent(Anchor.self, forKey: .anchor)
            drawing = try container.decodePatch(Drawing.self, forKey: .drawing)
        }
    }

    private var commentFilters: [Parameter] {
        [
            .query("item_id", .uuid, "Only this item's"),
            .query("author_id", .uuid, "Only this author's (a staff user's or a collaborator's id)"),
            .query("status", .oneOf(ReviewStatus.self), "Only those whose author's current status on the item is this"),
            .query("resolved", .boolean, "Only resolved (true) or open (false) comments"),
            .query("first_frame", FeedbackSchemas.frame, "Only those on frames from this one (with last_frame)"),
            .query("last_frame", FeedbackSchemas.frame, "Only those on frames up to this one (with first_frame)"),
        ] + (staff ? [.query("internal", .boolean, "Only internal (true) or shared (false) comments")] : [])
    }

    private static func filter(_ input: RouteInput<Caller>, staff: Bool) throws -> CommentFilter {
        var filter = CommentFilter(itemID: input.query("item_id").flatMap(UUID.init(uuidString:)),
                                   authorID: input.query("author_id").flatMap(UUID.init(uuidString:)),
                                   status: input.query("status").flatMap(ReviewStatus.init(rawValue:)),
                                   resolved: input.query("resolved").map { $0 == "true" })
        if staff { filter.isInternal = input.query("internal").map { $0 == "true" } }
        switch (input.integerQuery("first_frame"), input.integerQuery("last_frame")) {
        case (nil, nil): break
        case (let first?, let last?):
            guard first <= last else {
                throw CatalogError(.invalidField, "last_frame: the range ends (\(last)) before it starts (\(first))", field: "last_frame")
            }
            filter.frames = first...last
        default:
            throw CatalogError(.invalidField, "first_frame and last_frame go together", field: "first_frame")
        }
        return filter
    }
}

/// A drawing as the drawing lists answer it: with its comment, and the frame it is drawn on.
struct FrameDrawing: Encodable, Sendable {
    let commentID: UUID
    let frame: Int
    let anchor: LabeledAnchor
    let drawing: Drawing

    init?(_ comment: ReviewComment) {
        guard let drawing = comment.drawing, !comment.isDeleted, let anchor = comment.anchor, let frame = anchor.drawingFrame
        else { return nil }
        commentID = comment.id
        self.frame = frame
        self.anchor = LabeledAnchor(anchor, labels: comment.labels)
        self.drawing = drawing
    }

    /// Whether it shows on `frame`: its own frame, or anywhere in its range when held.
    func isShown(on frame: Int) -> Bool {
        if frame == self.frame { return true }
        guard drawing.hold, case .range(let first, let last) = anchor.anchor else { return false }
        return (first...last).contains(frame)
    }

    enum CodingKeys: String, CodingKey { case commentID = "comment_id", frame, anchor, drawing }
}

/// An event as the API and the room send it: `{"seq", "type", "at", "data"}`.
struct EventAnswer: Encodable, Sendable {
    let event: SessionEvent

    enum CodingKeys: String, CodingKey { case seq, type, at, data }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.seq, forKey: .seq)
        try container.encode(event.kind, forKey: .type)
        try container.encode(event.at, forKey: .at)
        // Stored as the JSON it is sent as.
        try container.encode(JSONValue(json: event.data) ?? .object([:]), forKey: .data)
    }
}

/// A run of a session's events, and the number of its last event (which the caller may
/// not see: numbers are in order, not contiguous).
struct SessionEvents: Encodable, Sendable {
    let events: [EventAnswer]
    let lastSeq: Int

    enum CodingKeys: String, CodingKey { case events, lastSeq = "last_seq" }
}

/// What the catalog checks of a comment beyond the schema.
private let commentRules: [Refusal] = [
    .rule("A frame lies within the item's frames, and a range's first frame is not after its last"),
    .rule("A drawing sits on a frame or range anchor, holds at most \(Drawing.Limits.points) points and \(Drawing.Limits.bytes) bytes of JSON"),
    .rule("A reply answers a top-level comment of the same item, and has no anchor or drawing"),
]
