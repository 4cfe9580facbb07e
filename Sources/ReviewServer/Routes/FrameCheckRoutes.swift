import Catalog
import Foundation
import Hummingbird
import Logging

/// The review page's self-check: a player that presents a frame the frame map disagrees
/// with reports it; the server logs it and counts it, and staff read the reports, so a wrong
/// frame in the field is seen, not guessed.
func addFrameCheckRoutes(_ api: APIRoutes) {
    api.participant.add(.post, "/api/v1/review/sessions/{session_id}/items/{item_id}/frame-checks",
                        "Report a frame the player presented that disagrees with the frame map (the page's self-check)",
                        tag: "review", body: .json(.object([
                            Schema.oneOf(FrameCheck.Moment.self).required("during"),
                            FeedbackSchemas.frame.described("The frame the player meant to show").required("expected"),
                            FeedbackSchemas.frame.described("The frame its media time falls in").required("presented"),
                            Schema.number(0...1e9).described("The presented frame's media time in seconds").required("media_time"),
                        ]), example: #"{"during": "seek", "expected": 41, "presented": 40, "media_time": 1.668333}"#),
                        status: .created, response: "FrameCheck",
                        refusals: [.rule("expected and presented are frames of the item")]) { input in
        struct Body: Decodable {
            let during: FrameCheck.Moment
            let expected: Int
            let presented: Int
            let mediaTime: Double
            enum CodingKeys: String, CodingKey { case during, expected, presented, mediaTime = "media_time" }
        }
        let body = try await input.body(Body.self)
        let check = try await input.catalog.recordFrameCheck(
            sessionID: try input.id("session_id"), itemID: try input.id("item_id"), by: input.caller.author,
            during: body.during, expected: body.expected, presented: body.presented, mediaTime: body.mediaTime,
            userAgent: input.request.headers[.userAgent])
        input.context.logger.warning("a player presented the wrong frame", metadata: [
            "version": "\(check.versionID)", "session": "\(check.sessionID)", "during": "\(check.during.rawValue)",
            "expected": "\(check.expected)", "presented": "\(check.presented)", "media_time": "\(check.mediaTime)",
            "times": "\(check.times)", "user_agent": "\(check.userAgent ?? "")",
        ])
        return try JSONCoding.response(check, status: .created)
    }
    api.staff.add(.get, "/api/v1/frame-checks",
                  "Frames players presented that disagreed with the frame map, latest first (?version_id=, ?session_id=)",
                  tag: "media", parameters: [.query("version_id", .uuid, "Only this version's"),
                                             .query("session_id", .uuid, "Only this session's")] + Parameter.page,
                  response: "FrameCheckList") { input in
        let checks = try await input.catalog.frameChecks(versionID: input.query("version_id").flatMap(UUID.init(uuidString:)),
                                                         sessionID: input.query("session_id").flatMap(UUID.init(uuidString:)),
                                                         page: try input.page())
        return try JSONCoding.response(ListResponse(checks))
    }
}
