import Foundation
import FrameTime
import MediaTestSupport
import Testing

@testable import Catalog

/// The feedback format's value types against `docs/feedback-format.md`: anchors and their
/// labels, drawings and their limits, and who decides on an item.
@Suite("Feedback format")
struct FeedbackFormatTests {
    static func decode<T: Decodable>(_ type: T.Type, _ value: Any) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: value))
    }

    static func info(rate: FrameRate, first: Int = 0, timecode: String? = nil, frames: Int = 100) -> PlaybackInfo {
        PlaybackInfo(frameCount: frames, rate: rate, firstFrameNumber: first, startTimecode: timecode, width: 1920, height: 1080,
                     hasAudio: false, variableRate: false)
    }

    @Test("the page's drawings and anchors read as the catalog's types, keep every limit, and write back the same")
    func pageExamples() throws {
        let comments = FeedbackFormatPage.comments()
        #expect(comments.count >= 3)
        var drawings = 0
        for comment in comments {
            if let anchor = comment["anchor"] as? [String: Any] {
                // The request form: the indexes without their labels.
                let indexes = anchor.filter { ["frame", "first", "last"].contains($0.key) }
                let decoded = try Self.decode(Anchor.self, indexes)
                #expect(try decoded.validated(frameCount: 100) == decoded)
            }
            if let json = comment["drawing"] {
                let drawing = try Self.decode(Drawing.self, json).validated()
                let again = try JSONDecoder().decode(Drawing.self, from: JSONEncoder().encode(drawing))
                #expect(again == drawing)
                drawings += 1
            }
        }
        #expect(drawings >= 1)
    }

    @Test("anchors: frames within the media, ranges in order, and only the whole item before the media is ready")
    func anchors() throws {
        #expect(try Self.decode(Anchor.self, ["frame": 5]) == .frame(5))
        #expect(try Self.decode(Anchor.self, ["first": 2, "last": 9]) == .range(first: 2, last: 9))
        #expect(try Self.decode(Anchor.self, [String: Any]()) == .item)
        #expect(Anchor.range(first: 2, last: 9).drawingFrame == 2)
        let refusals: [(Anchor, Int?, String)] = [
            (.frame(48), 48, "anchor.frame"), (.frame(-1), 48, "anchor.frame"), (.range(first: 10, last: 9), 48, "anchor.last"),
            (.range(first: 0, last: 48), 48, "anchor.last"), (.frame(0), nil, "anchor"),
        ]
        for (anchor, frames, field) in refusals {
            #expect(throws: CatalogError.self, "\(anchor)") { try anchor.validated(frameCount: frames) }
            do { _ = try anchor.validated(frameCount: frames) } catch { #expect(error.field == field, "\(anchor)") }
        }
        #expect(try Anchor.item.validated(frameCount: nil) == .item)
        #expect(try Anchor.range(first: 47, last: 47).validated(frameCount: 48) == .range(first: 47, last: 47))
    }

    @Test("labels: numbers from a sequence's first file, timecodes from the source's start, drop-frame at 29.97")
    func labels() throws {
        let film = FrameLabels(Self.info(rate: .fps23_976, timecode: "01:00:00:00"))
        #expect(film.number(41) == 41)
        #expect(film.timecode(41) == "01:00:01:17")
        let sequence = FrameLabels(Self.info(rate: .fps24, first: 1001))
        #expect(sequence.number(41) == 1042)
        #expect(sequence.timecode(0) == "00:00:00:00")
        // No start timecode at 29.97: counted from zero, drop-frame; 1800 frames is a minute's labels less two.
        let video = FrameLabels(Self.info(rate: .fps29_97))
        #expect(video.timecode(1800) == "00:01:00;02")
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(
            LabeledAnchor(.range(first: 10, last: 33), labels: sequence))) as? [String: Any]
        #expect(encoded?["first_number"] as? Int == 1011 && encoded?["last_number"] as? Int == 1034)
        #expect(encoded?["first"] as? Int == 10 && encoded?["last_timecode"] as? String == "00:00:01:09")
    }

    @Test("drawings outside the format's limits are refused, naming the field")
    func drawingLimits() throws {
        for (drawing, field, _) in FeedbackFormatPage.refusedDrawings {
            do {
                _ = try drawing.validated()
                Issue.record("accepted a drawing that breaks \(field)")
            } catch {
                #expect(error.field == field)
            }
        }
        // A NaN cannot come through JSON, but a drawing made in Swift can hold one.
        let nan = Drawing(display: .init(width: 10, height: 10, pixelAspect: .one),
                          shapes: [Shape(color: "#FFFFFFFF", .line(from: .init(0, 0), to: .init(.nan, 0.5), width: 0.1))])
        #expect(throws: CatalogError.self) { try nan.validated() }
        #expect(throws: Never.self) { try FeedbackFormatPage.largestDrawing.validated() }
        // An unknown shape does not read at all.
        #expect(throws: DecodingError.self) {
            try Self.decode(Drawing.self, ["display": ["width": 10, "height": 10, "pixel_aspect": "1/1"],
                                           "shapes": [["id": UUID().uuidString, "type": "star", "color": "#FFFFFFFF"]]])
        }
    }

    @Test("who decides: approvers when there are any, else reviewers; never the revoked; changes win")
    func deciders() {
        func person(_ role: Collaborator.Role, revoked: Bool = false, shareLink: Bool = false) -> Collaborator {
            Collaborator(id: UUID(), sessionID: UUID(), name: "\(role)", email: nil, role: role, staffUserID: nil,
                         joinedByShareLink: shareLink, invitedAt: nil, revokedAt: revoked ? Date() : nil, createdAt: Date(),
                         createdBy: nil)
        }
        let item = UUID()
        let approver = person(.approver), other = person(.approver, shareLink: true), gone = person(.approver, revoked: true)
        let reviewer = person(.reviewer), observer = person(.observer)
        let everyone = [approver, other, gone, reviewer, observer]
        #expect(Set(StatusSummary.deciders(everyone).map(\.id)) == [approver.id, other.id])
        #expect(StatusSummary.deciders([reviewer, observer, gone]).map(\.id) == [reviewer.id])
        #expect(StatusSummary.deciders([observer]).isEmpty)

        let both = StatusSummary(itemID: item, collaborators: everyone,
                                 statuses: [approver.id: .approved, other.id: .approved, reviewer.id: .requiresChanges,
                                            gone.id: .requiresChanges])
        #expect(both.allApproved && !both.anyRequiresChanges && both.deciders == 2)
        let split = StatusSummary(itemID: item, collaborators: everyone, statuses: [approver.id: .approved, other.id: .requiresChanges])
        #expect(!split.allApproved && split.anyRequiresChanges && split.approved == 1 && split.requiresChanges == 1)
        let waiting = StatusSummary(itemID: item, collaborators: everyone, statuses: [approver.id: .approved])
        #expect(!waiting.allApproved && waiting.pending == 1)
        let nobody = StatusSummary(itemID: item, collaborators: [observer], statuses: [:])
        #expect(!nobody.allApproved && nobody.deciders == 0)
    }
}
