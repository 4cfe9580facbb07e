import Catalog
import Foundation
import FrameTime
import Media
import MediaTestSupport
import Pipeline
import Testing

/// Notification mail end to end: real comments in a real catalog, real frame receipts grabbed
/// by a worker from a real proxy, gathered by the worker's notify job and delivered over
/// STARTTLS to a real SMTP peer (aiosmtpd), whose MIME parser reads them back.
@Suite("Notification mail", .serialized)
struct NotificationMailTests {
    init() { Libav.setLogLevel(.quiet) }

    /// A catalog with a version whose proxy is a real movie, its frames numbered from 1001,
    /// in a session that staff member Mo made, with two external collaborators, and staff
    /// member Ada assigned to the version and opted in to mail.
    struct World {
        let directory: TemporaryDirectory
        let catalog: Catalog
        let session: ReviewSession
        let item: SessionItem
        let mo: StaffUser
        let ada: StaffUser
        let dana: Collaborator
        let sam: Collaborator
        let frameCount: Int
    }

    static func world() async throws -> World {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        let catalog = try await Catalog.open(dataDirectory: data)
        _ = try await catalog.updateOrganization(OrganizationUpdate(
            name: "Nørdlight <VFX>", replyTo: "producers@northlight.example", timeZone: "Europe/London",
            notificationWindowSeconds: 5))
        try await catalog.recordPublicURL("https://review.northlight.example")
        let (mo, _) = try await catalog.createStaffUser(name: "Mo Producer", email: "mo@northlight.example", isAdmin: false)
        let (ada, _) = try await catalog.createStaffUser(name: "Ada Lead", email: "ada@northlight.example", isAdmin: false)
        try await catalog.setNotificationSettings(NotificationSettings(frequency: .batched, email: true),
                                                  for: NoticeRecipient(kind: .staff, id: ada.id))
        let project = try await catalog.createProject(name: "Feature")
        let version = try await catalog.createVersion(projectID: project.id, VersionFields(name: "sh010_comp", assigneeIDs: [ada.id]))

        // The proxy: a real movie, registered as a finished transcode would register it.
        let fixture = Fixture.named("h264-bframes-23976-editlist.mp4")
        let store = try LocalBlobStore(dataDirectory: data)
        let (_, transcode) = try await catalog.registerOriginal(versionID: version.id, path: "originals/x.mov", fileName: "x.mov",
                                                                size: 1, sha256: String(repeating: "0", count: 64),
                                                                profile: "review-1080")
        let claimed = try #require(try await catalog.claimJob(kinds: [.transcode], owner: "test", lease: .seconds(60)))
        #expect(claimed.id == transcode.id)
        let folder = try store.newDerivedDirectory(versionID: version.id, profile: "review-1080", run: UUID())
        let proxyPath = (folder as NSString).appendingPathComponent("proxy.mp4")
        try FileManager.default.copyItem(atPath: fixture.path, toPath: store.absolutePath(proxyPath))
        let playback = PlaybackInfo(frameCount: fixture.frameCount, rate: fixture.rate, firstFrameNumber: 1001,
                                    startTimecode: "01:00:00:00", width: fixture.width, height: fixture.height, hasAudio: false,
                                    variableRate: false)
        try await catalog.registerOutputs(
            versionID: version.id, profile: "review-1080", sourceSHA256: String(repeating: "0", count: 64),
            [Catalog.Output(kind: .proxy, path: proxyPath, fileName: "proxy.mp4", size: 1, sha256: String(repeating: "1", count: 64),
                            mediaInfo: String(decoding: try JSONEncoder().encode(playback), as: UTF8.self))],
            completingJob: transcode.id, owner: "test")

        let session = try await catalog.createSession(projectID: project.id, versionIDs: [version.id], createdBy: mo.id)
        let (dana, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana <b>Client</b>",
                                                          email: "dana@client.example", role: .approver)
        let (sam, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Sam", email: "sam@client.example")
        return World(directory: directory, catalog: catalog, session: session,
                     item: try await catalog.items(sessionID: session.id)[0], mo: mo, ada: ada, dana: dana, sam: sam,
                     frameCount: fixture.frameCount)
    }

    /// Runs a worker for receipts, notify and mail jobs, delivering to `peer`, while `body` runs.
    static func withWorker(_ world: World, peer: SMTPPeer, _ body: () async throws -> Void) async throws {
        var configuration = PipelineWorker.Configuration(idlePoll: .milliseconds(50))
        configuration.kinds = [.receipt, .notify, .mail]
        configuration.mail = try SMTPDelivery(settings: SMTPSettings(host: "127.0.0.1", port: peer.port, security: .startTLS,
                                                                     caFile: peer.caFile))
        let worker = PipelineWorker(catalog: world.catalog, store: try LocalBlobStore(dataDirectory: world.directory.path("data")),
                                    configuration: configuration)
        let running = Task { try await worker.run() }
        do {
            try await body()
        } catch {
            worker.stop()
            _ = try? await running.value
            throw error
        }
        worker.stop()
        try await running.value
    }

    /// A collaborator's mail leaves out the internal comments; markup in names and comments
    /// shows as text; each inline receipt's barcode reads its comment's frame.
    @Test("30 comments in a window: one mail per recipient, listing them with their frame numbers and receipts")
    func batching() async throws {
        let world = try await Self.world()
        let peer = try await SMTPPeer()
        // Frames spread over the movie; every tenth comment is internal.
        let frames = (0..<30).map { $0 * (world.frameCount - 1) / 29 }
        try await Self.withWorker(world, peer: peer) {
            for (index, frame) in frames.enumerated() {
                let text = index == 4 ? "<script>alert(\"x\")</script> & more" : "Note \(index + 1)"
                _ = try await world.catalog.addComment(
                    sessionID: world.session.id, itemID: world.item.id,
                    CommentDraft(text: text, anchor: .frame(frame), isInternal: index % 10 == 9), by: .staff(world.mo))
            }
            var mails: [String: SMTPPeer.Message] = [:]
            for _ in 0..<3 {
                let message = try await peer.nextMessage(timeout: .seconds(120))
                for recipient in message.rcptTos {
                    #expect(mails[recipient] == nil, "one mail per recipient: \(recipient) got two")
                    mails[recipient] = message
                }
            }
            #expect(Set(mails.keys) == ["dana@client.example", "sam@client.example", "ada@northlight.example"],
                    "collaborators and the opted-in assignee; not Mo, who wrote them")

            let shared = frames.enumerated().filter { $0.offset % 10 != 9 }
            for (recipient, expected) in [("dana@client.example", shared), ("ada@northlight.example", Array(frames.enumerated()))] {
                let mail = try #require(mails[recipient])
                #expect(mail.tls)
                let text = try #require(mail.parts.first { $0.contentType == "text/plain" }?.text)
                let html = try #require(mail.parts.first { $0.contentType == "text/html" }?.text)
                #expect(mail.header("Subject")?.contains("\(expected.count) new comments") == true, "\(mail.header("Subject") ?? "")")
                #expect(text.components(separatedBy: "\n• ").count - 1 == expected.count, "\(recipient): \(text.prefix(400))")
                let start = try Timecode("01:00:00:00", rate: Fixture.named("h264-bframes-23976-editlist.mp4").rate)
                for (index, frame) in expected {
                    #expect(text.contains("frame \(1001 + frame) (\(start.adding(frame)))"), "\(recipient): frame \(frame)")
                    #expect(index % 10 != 9 || recipient.hasSuffix("@northlight.example"), "internal comments reach staff only")
                }
                #expect(text.contains("Mo Producer") && text.contains("GMT"), "the author; times in London")
                #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more") && !html.contains("<script>"))
                #expect(text.contains("<script>alert(\"x\")</script> & more"), "the plain part shows it as written")
                if recipient == "dana@client.example" {
                    #expect(!text.contains("(internal)") && html.contains("Hello Dana &lt;b&gt;Client&lt;/b&gt;,"))
                    #expect(mail.addresses["To"] == [SMTPPeer.Mailbox(displayName: "Dana <b>Client</b>", address: recipient)])
                }
                #expect(mail.addresses["From"]?.first?.displayName == "Nørdlight <VFX>")
                let unsubscribe = try #require(mail.header("List-Unsubscribe"))
                #expect(unsubscribe.hasPrefix("<https://review.northlight.example/unsubscribe/") && unsubscribe.hasSuffix(">"))
                #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")

                // Each comment's receipt inline, in order: its barcode reads the comment's frame.
                let images = mail.parts.filter { $0.contentId != nil && $0.contentType == "image/jpeg" }
                #expect(images.count == expected.count)
                for (image, (_, frame)) in zip(images, expected) {
                    let path = try #require(image.path)
                    let picture = try #require(try VideoFrameReader(path).next(.gray8)).picture
                    #expect(FrameBarcode.read(picture)?.index == frame, "\(recipient): the thumbnail of frame \(frame)")
                }
            }
        }
        #expect(try await world.catalog.outbox(page: .all).items.map(\.state) == [.sent, .sent, .sent])
        try await world.catalog.close()
    }
}
