import Catalog
import Foundation
import FrameTime
import Media
import MediaTestSupport
import Report
import Synchronization
import Testing

/// The PDF report over a real SQLite catalog and a real proxy: what it gathers for each
/// reader, frame-exact grabs where no receipt is ready, and text that flows and stays text.
@Suite("PDF report")
struct PDFReportTests {
    init() { Libav.setLogLevel(.quiet) }

    /// A session of one version whose proxy is the fixture's real transcode, with two
    /// reviewers who do not see each other's comments.
    struct Review {
        let catalog: Catalog
        let session: ReviewSession
        let item: SessionItem
        let staff: StaffUser
        let dana: CollaboratorAccess
        let sam: CollaboratorAccess
        let stills: StoredFrameStills

        func comment(_ text: String, _ anchor: Anchor = .item, by actor: FeedbackActor, internal: Bool = false,
                     parent: UUID? = nil, drawing: Drawing? = nil) async throws -> ReviewComment {
            try await catalog.addComment(sessionID: session.id, itemID: item.id,
                                         CommentDraft(text: text, anchor: parent == nil ? anchor : nil, drawing: drawing,
                                                      parentID: parent, isInternal: `internal`), by: actor)
        }

        func feedback(for viewer: Viewer, _ options: ReportOptions = ReportOptions()) async throws -> SessionFeedback {
            try await SessionFeedback.gather(sessionID: session.id, for: viewer, options: options, catalog: catalog)
        }
    }

    static let fixture = Fixture.named("h264-bframes-23976-editlist.mp4")

    static func withReview(_ body: (Review) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        let catalog = try await Catalog.open(dataDirectory: directory.path("data"))
        do {
            let transcoded = try TranscodedFixtures.output(fixture)
            let proxy = try #require(transcoded.manifest.proxy)
            let project = try await catalog.createProject(name: "Show")
            let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_comp", versionNumber: 3))
            let session = try await catalog.createSession(
                projectID: project.id, SessionFields(title: "Dailies", settings: SessionSettingsUpdate(commentsVisibleToOthers: false)),
                versionIDs: [version.id])
            // The transcode's outputs, registered as a worker would, under a folder the stills resolve.
            let (_, job) = try await catalog.registerOriginal(versionID: version.id, path: "originals/clip.mp4", fileName: "clip.mp4",
                                                              size: 1, sha256: String(repeating: "0", count: 64), profile: "review-1080")
            _ = try #require(try await catalog.claimJob(kinds: [.transcode], owner: "test", lease: .seconds(60)))
            let playback = PlaybackInfo(frameCount: proxy.frameCount, rate: proxy.rate, firstFrameNumber: 0, startTimecode: nil,
                                        width: proxy.width, height: proxy.height, hasAudio: proxy.hasAudio, variableRate: false)
            let info = String(decoding: try JSONEncoder().encode(playback), as: UTF8.self)
            _ = try await catalog.registerOutputs(
                versionID: version.id, profile: "review-1080", sourceSHA256: String(repeating: "0", count: 64), [
                    Catalog.Output(kind: .proxy, path: "fixture/proxy.mp4", fileName: "proxy.mp4", size: 1,
                                   sha256: String(repeating: "1", count: 64), mediaInfo: info),
                    Catalog.Output(kind: .poster, path: "fixture/poster.jpg", fileName: "poster.jpg", size: 1,
                                   sha256: String(repeating: "2", count: 64), mediaInfo: nil),
                ], completingJob: job.id, owner: "test")
            let (staff, _) = try await catalog.createStaffUser(name: "Mo Producer", email: "mo@studio.example", isAdmin: false)
            func access(_ name: String) async throws -> CollaboratorAccess {
                let (collaborator, _) = try await catalog.addCollaborator(sessionID: session.id, name: name, email: nil, role: .reviewer)
                return try await catalog.access(collaboratorID: collaborator.id)
            }
            let stills = StoredFrameStills(grabbers: FrameGrabberPool(capacity: 2)) { path in
                path.hasPrefix("fixture/") ? transcoded.path(String(path.dropFirst("fixture/".count))) : directory.path("data/" + path)
            }
            try await body(Review(catalog: catalog, session: try await catalog.session(id: session.id),
                                  item: try await catalog.items(sessionID: session.id)[0], staff: staff,
                                  dana: try await access("Dana"), sam: try await access("Sam"), stills: stills))
            try await catalog.close()
        } catch {
            try? await catalog.close()
            throw error
        }
    }

    @Test("a collaborator's report shows what the visibility rule lets them see, whatever the options ask")
    func visibility() async throws {
        try await Self.withReview { review in
            let dana = try await review.comment("Dana's note", .frame(3), by: .collaborator(review.dana))
            _ = try await review.comment("Sam's note", .frame(5), by: .collaborator(review.sam))
            _ = try await review.comment("Staff only", by: .staff(review.staff), internal: true)
            _ = try await review.comment("A reply to Dana", by: .staff(review.staff), parent: dana.id)
            _ = try await review.catalog.setStatus(.approved, sessionID: review.session.id, itemID: review.item.id, by: review.sam)

            let staffView = try await review.feedback(for: .staff(review.staff.id), ReportOptions(includeInternal: true))
            #expect(staffView.items[0].threads.map(\.comment.text) == ["Staff only", "Dana's note", "Sam's note"])
            #expect(try await review.feedback(for: .staff(review.staff.id)).items[0].threads.count == 2, "internal only when asked")

            // Dana: her own threads, with staff's reply, and her own status only.
            let danaView = try await review.feedback(for: .collaborator(review.dana.collaborator.id))
            #expect(danaView.items[0].threads.map(\.comment.text) == ["Dana's note"])
            #expect(danaView.items[0].threads[0].replies.map(\.text) == ["A reply to Dana"])
            #expect(danaView.items[0].statuses.map(\.collaborator.name) == ["Dana"])
            // Asking for internal comments, or for Sam's feedback, gives her nothing more.
            await #expect(throws: CatalogError.self) {
                _ = try await review.feedback(for: .collaborator(review.dana.collaborator.id), ReportOptions(includeInternal: true))
            }
            let samOnly = try await review.feedback(for: .collaborator(review.dana.collaborator.id),
                                                    ReportOptions(collaboratorID: review.sam.collaborator.id))
            #expect(samOnly.items[0].threads.isEmpty && samOnly.items[0].statuses.isEmpty)
            // Staff choosing one collaborator's feedback.
            let samView = try await review.feedback(for: .staff(review.staff.id), ReportOptions(collaboratorID: review.sam.collaborator.id))
            #expect(samView.items[0].threads.map(\.comment.text) == ["Sam's note"])
            #expect(samView.items[0].statuses.map(\.status) == [.approved])
            // Items not in the session are refused, not ignored.
            await #expect(throws: CatalogError.self) {
                _ = try await review.feedback(for: .staff(review.staff.id), ReportOptions(itemIDs: [UUID()]))
            }
        }
    }

    @Test("no receipt ready: the picture is a frame-exact grab; long text flows onto further pages and stays text")
    func grabsAndFlow() async throws {
        try await Self.withReview { review in
            let drawing = Drawing(display: .init(width: 1280, height: 720, pixelAspect: .one), shapes: [
                Shape(color: "#00FF00FF", .rectangle(from: .init(0.3, 0.55), to: .init(0.7, 0.9), width: 0.012)),
                Shape(color: "#FFFFFFFF", .text(at: .init(0.05, 0.5), text: "Ünïcode ✓", size: 0.05)),
            ])
            var frames: [UUID: Int] = [:]
            for frame in [7, 41, 80] {
                frames[try await review.comment("On frame \(frame)", .frame(frame), by: .collaborator(review.dana), drawing: drawing).id] = frame
            }
            let long = (1...900).map { "word\($0)" }.joined(separator: " ")
            _ = try await review.comment(long + " THE-END", by: .collaborator(review.sam))
            let feedback = try await review.feedback(for: .staff(review.staff.id))
            let directory = try TemporaryDirectory()
            let path = directory.path("report.pdf")
            let progress = ProgressLog()
            let result = try PDFReport(feedback: feedback, stills: review.stills) { progress.record($0, $1) }.write(to: path)

            #expect(progress.last.map { $0 == 4 && $1 == 4 } == true, "a poster and three frames: \(String(describing: progress.last))")
            #expect(result.pictures.map(\.source) == ["grab", "grab", "grab"], "no receipt job ran")
            let text = try PDFPages.text(path)
            #expect(text.contains("word1 ") && text.contains("THE-END") && text.contains("Frame 41 · 00:00:01:17"))
            #expect(text.contains("Ünïcode ✓"), "a drawing's text is text too")
            let pages = try PDFPages.render(path, into: directory.path("page"))
            #expect(pages.count == result.pages && result.pages >= 3, "the long comment takes more than a page")
            for placed in result.pictures {
                let page = try PDFPages.picture(ofPage: pages[placed.page - 1])
                let picture = PDFPages.picture(on: page, x: placed.x, y: placed.y, width: placed.width, height: placed.height)
                #expect(FrameBarcode.read(picture)?.index == frames[placed.commentID], "the grab is the commented frame")
            }
        }
    }

    @Test("the CSV lists every comment, a whole-item one on an item with no media yet too; the OTIO has no frames for that item")
    func itemsWithoutMedia() async throws {
        try await Self.withReview { review in
            let bare = try await review.catalog.createVersion(projectID: review.session.projectID, VersionFields(name: "sh020_comp"))
            let added = try await review.catalog.addItems(sessionID: review.session.id, versionIDs: [bare.id])
            let bareItem = try #require(added.first { $0.versionID == bare.id })
            _ = try await review.catalog.addComment(sessionID: review.session.id, itemID: bareItem.id,
                                                    CommentDraft(text: "Waiting for this one"), by: .collaborator(review.dana))
            _ = try await review.comment("The whole shot", by: .collaborator(review.dana))
            _ = try await review.comment("This frame", .frame(41), by: .collaborator(review.dana))
            let feedback = try await review.feedback(for: .staff(review.staff.id))

            let csv = try SessionExport(feedback, format: .csv, baseURL: nil)
            let rows = try await InterchangeReader.csvRows(String(decoding: csv.bytes, as: UTF8.self))
            let byText = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[11], $0) })
            #expect(byText["Waiting for this one"]?[0] == "sh020_comp" && byText["Waiting for this one"]?[5] == "whole item")
            #expect(byText["The whole shot"]?[5] == "whole item (0-83)" && byText["The whole shot"]?[4] == "")
            #expect(byText["This frame"]?[4] == "41" && byText["This frame"]?[6] == "00:00:01:17")

            let otio = try SessionExport(feedback, format: .otio, baseURL: nil)
            let read = try JSONSerialization.jsonObject(with: try await InterchangeReader.read(Data(otio.bytes), as: "s.otio"))
            let clips = ((read as? [String: Any])?["tracks"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]]
            #expect(clips?.map { $0["name"] as? String } == ["sh010_comp"], "only the item with frames")
        }
    }

    @Test("a frame that cannot be had is said on its page, and the report keeps every word")
    func missingMedia() async throws {
        try await Self.withReview { review in
            _ = try await review.comment("Still here without its picture", .frame(12), by: .collaborator(review.dana))
            let feedback = try await review.feedback(for: .staff(review.staff.id))
            // The proxy and the poster gone from the disk, as after a botched restore.
            let gone = StoredFrameStills(grabbers: FrameGrabberPool(capacity: 1)) { "/nonexistent/dailies/\($0)" }
            let directory = try TemporaryDirectory()
            let result = try PDFReport(feedback: feedback, stills: gone).write(to: directory.path("report.pdf"))
            #expect(result.pictures.isEmpty)
            let text = try PDFPages.text(directory.path("report.pdf"))
            #expect(text.contains("Still here without its picture") && text.contains("frame 12 could not be grabbed"))
            #expect(text.contains("the poster could not be read"))
        }
    }
}

/// The progress a report reported, last call kept.
final class ProgressLog: Sendable {
    private let state = Mutex<(Int, Int)?>(nil)
    func record(_ done: Int, _ total: Int) { state.withLock { $0 = (done, total) } }
    var last: (Int, Int)? { state.withLock { $0 } }
}
