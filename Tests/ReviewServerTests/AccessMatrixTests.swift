import Catalog
import Foundation
import Media
import MediaTestSupport
import Pipeline
import Synchronization
import Testing

@testable import ReviewServer

/// Every route of the API, tried by every kind of caller, in every state a session can be in.
///
/// The routes come from the served OpenAPI document, so a route added without a row here
/// fails the test. The reads of a state share a world; each change gets a fresh one, so
/// routes that delete or change things cannot disturb the next. Staff come two ways, by API key and by a browser's
/// sign-in (the staff pages: cookie and CSRF token). The browser tries every read in every
/// state, and on SQLite every change within the schedule in a world of its own (both succeed,
/// and the first may use up what the route acts on); without its CSRF token a change is refused.
@Suite("Access matrix")
struct AccessMatrixTests {
    enum State: String, CaseIterable, Sendable {
        case withinSchedule, beforeStart, afterEnd, closed, passphraseMissing, passphraseWrong, revoked
    }

    enum Actor: String, CaseIterable {
        case none, otherCollaborator, linkVisitor, collaborator, staff, staffBrowser

        var isStaff: Bool { self == .staff || self == .staffBrowser }
    }

    /// What a route is, for the expectations.
    enum Kind {
        case open
        /// Staff routes; `blockedWhenClosed` changes items, which a closed session refuses.
        case staff(blockedWhenClosed: Bool)
        case collaborator
        /// A collaborator route on the collaborator's own comment: the link visitor, who did
        /// not write it, is refused.
        case collaboratorAuthor
        /// Staff, or a collaborator of the session (a comment's receipt).
        case participant
        /// Staff, or the collaborator a report was made for: the link visitor gets 404, as if
        /// it did not exist.
        case reportOwner
        /// Staff feedback: refused on a closed (409) or ended (410) session.
        case staffFeedback
        case inviteExchange
        case shareJoin
        /// A set-password link: good for the first caller, used up for the rest.
        case passwordLink
    }

    static let passphrase = "north light"
    /// The admin's password, set in the worlds the sign-in route is tried in.
    static let password = "correct horse battery"

    /// The world one route is tried in.
    struct World {
        let projectID: UUID
        let sessionID: UUID
        let versionIDs: [UUID]
        let spareVersionID: UUID
        let itemIDs: [UUID]
        let collaboratorID: UUID
        let inviteToken: String
        let shareToken: String
        let clients: [Actor: TestClient]
        let uploadID: UUID
        let jobID: UUID
        let batchID: UUID
        let webhookID: UUID
        /// The admin, a staff member whose username the user routes change.
        let staffUserID: UUID
        /// An item of another session of the same project, for ids used outside their session.
        let foreignItemID: UUID
        /// The collaborator's comment on the first item (with its frame receipt), and staff's.
        let collaboratorCommentID: UUID
        let staffCommentID: UUID
        /// A task of the project, and the note a transfer made of the collaborator's comment
        /// (with its frame receipt).
        let taskID: UUID
        let noteID: UUID
        /// The admin's notification of the collaborator's comment (the admin made the session).
        let noticeID: UUID
        /// The studio's logo, a PNG, set in the worlds the logo routes are tried in (empty elsewhere).
        let logo: Data
        /// The collaborator's report, queued.
        let reportID: UUID
        /// A set-password link of the admin's, and an image sequence upload under way.
        let passwordLinkToken: String
        let sequenceUploadID: UUID
        /// A second API key of the admin's, for the key routes to revoke or replace.
        let apiKeyID: UUID
    }

    /// How one route is tried.
    struct Row {
        var kind: Kind
        var body: Any?
        var raw: String?
        var bytes: Data?
        var query = ""
        var headers: [String: String] = [:]
        /// What success is, when not the document's first 2xx (a room answers a plain GET 426).
        var success: Int?
    }

    static func makeWorld(_ server: TestServer, state: State, route: String = "") async throws -> World {
        let catalog = server.catalog
        let project = try await catalog.createProject(name: "Show \(UUID().uuidString.prefix(8))")
        var versions: [UUID] = []
        for name in ["sh010", "sh020", "sh030"] {
            versions.append(try await catalog.createVersion(projectID: project.id, VersionFields(name: name)).id)
        }
        let needsPassphrase = state == .passphraseMissing || state == .passphraseWrong
        let admin = try #require(try await catalog.staffUser(apiKey: server.adminKey))
        let session = try await catalog.createSession(
            projectID: project.id,
            // Exports allowed: the matrix tries collaborators on the report and export routes too.
            SessionFields(settings: SessionSettingsUpdate(requirePassphrase: .some(needsPassphrase), allowExports: true),
                          passphrase: needsPassphrase ? .some(passphrase) : nil),
            versionIDs: Array(versions.prefix(2)), createdBy: admin.id)
        let (collaborator, invite) = try await catalog.addCollaborator(sessionID: session.id, name: "Client", email: "c@client.example")
        let share = try await catalog.rotateShareLink(sessionID: session.id)

        // Another session's collaborator, let in to their own session.
        let elsewhere = try await catalog.createSession(projectID: project.id, versionIDs: [versions[0]])
        let (_, otherInvite) = try await catalog.addCollaborator(sessionID: elsewhere.id, name: "Other", email: nil)
        let other = server.anonymous
        #expect(try await other.post("/api/v1/review/access", ["token": otherInvite.value]).status == 200)

        // This session's collaborator and a link visitor try to come in, as the state has it.
        let offered: String? = switch state {
        case .passphraseMissing: nil
        case .passphraseWrong: "south dark"
        default: nil
        }
        let client = server.anonymous
        let visitor = server.anonymous
        var entry: [String: Any] = ["token": invite.value]
        var join: [String: Any] = ["share_token": share.value, "name": "Visitor"]
        if let offered {
            entry["passphrase"] = offered
            join["passphrase"] = offered
        }
        let entered = try await client.post("/api/v1/review/access", entry)
        let joined = try await visitor.post("/api/v1/review/join", join)
        #expect((entered.status == 200) == !needsPassphrase && (joined.status == 200) == !needsPassphrase)

        // Media for the first version: an original and a proxy registered by a finished job.
        let fixture = Fixture.named("h264-bframes-23976-editlist.mp4")
        let playbackInfo = String(decoding: try JSONEncoder().encode(PlaybackInfo(
            frameCount: fixture.frameCount, rate: fixture.rate, firstFrameNumber: 0, startTimecode: nil, width: fixture.width,
            height: fixture.height, hasAudio: true, variableRate: false)), as: UTF8.self)
        let store = try LocalBlobStore(dataDirectory: server.dataDirectory)
        let originalPath = "originals/test/\(UUID().uuidString).mov"
        try FileManager.default.createDirectory(atPath: (store.absolutePath(originalPath) as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data("original bytes".utf8).write(to: URL(fileURLWithPath: store.absolutePath(originalPath)))
        let (_, transcode) = try await catalog.registerOriginal(versionID: versions[0], path: originalPath, fileName: "clip.mov",
                                                                size: 14, sha256: String(repeating: "0", count: 64),
                                                                profile: "review-1080")
        let proxyFolder = try store.newDerivedDirectory(versionID: versions[0], profile: "review-1080", run: UUID())
        let proxyPath = (proxyFolder as NSString).appendingPathComponent("proxy.mp4")
        try FileManager.default.copyItem(atPath: Fixture.path("h264-bframes-23976-editlist.mp4"), toPath: store.absolutePath(proxyPath))
        try await claim(transcode.id, catalog)
        try await catalog.registerOutputs(
            versionID: versions[0], profile: "review-1080", sourceSHA256: String(repeating: "0", count: 64),
            [Catalog.Output(kind: .proxy, path: proxyPath, fileName: "proxy.mp4", size: 286_159,
                            sha256: String(repeating: "1", count: 64), mediaInfo: playbackInfo)],
            completingJob: transcode.id, owner: "matrix")
        // Feedback on the first item: the collaborator's comment on a frame, with its receipt
        // made as a worker makes it, and staff's.
        let access = try await catalog.access(collaboratorID: collaborator.id)
        // A report the collaborator asked for, not made yet (no worker runs here).
        let report = try await catalog.requestReport(sessionID: session.id, options: ReportOptions(), by: .collaborator(access)).report
        let staffUser = try #require(try await catalog.staffUser(apiKey: server.adminKey))
        let firstItem = try #require(try await catalog.items(sessionID: session.id).first)
        let collaboratorComment = try await catalog.addComment(sessionID: session.id, itemID: firstItem.id,
                                                               CommentDraft(text: "The flare pops", anchor: .frame(5)),
                                                               by: .collaborator(access))
        let staffComment = try await catalog.addComment(sessionID: session.id, itemID: firstItem.id,
                                                        CommentDraft(text: "Noted", anchor: .item), by: .staff(staffUser))
        let target = try #require(try await catalog.receiptTarget(commentID: collaboratorComment.id))
        let receiptPath = "receipts/\(UUID().uuidString).jpg"
        try FileManager.default.createDirectory(atPath: store.absolutePath("receipts"), withIntermediateDirectories: true)
        try receiptStill(path: store.absolutePath(target.proxyPath), frame: target.frame)
            .write(to: URL(fileURLWithPath: store.absolutePath(receiptPath)))
        #expect(try await catalog.registerReceipt(target, sha256: String(repeating: "2", count: 64), path: receiptPath))

        // Then the session moves into the state.
        let hour: TimeInterval = 3600
        switch state {
        case .beforeStart:
            _ = try await catalog.updateSession(id: session.id, SessionFields(startsAt: Date().addingTimeInterval(hour),
                                                                            endsAt: Date().addingTimeInterval(2 * hour)))
        case .afterEnd:
            _ = try await catalog.updateSession(id: session.id, SessionFields(startsAt: Date().addingTimeInterval(-2 * hour),
                                                                            endsAt: Date().addingTimeInterval(-hour)))
        case .closed:
            _ = try await catalog.closeSession(id: session.id)
        case .revoked:
            _ = try await catalog.updateCollaborator(sessionID: session.id, id: collaborator.id, CollaboratorUpdate(revoked: true))
        case .withinSchedule, .passphraseMissing, .passphraseWrong:
            break
        }
        // A job for the job routes: queued, or failed for the retry route.
        var job = try await catalog.enqueue(.transcode, payload: TranscodeJob(versionID: versions[1], profile: "review-1080"),
                                            idempotencyKey: "matrix:\(UUID())")
        if route.hasSuffix("/retry") {
            try await claim(job.id, catalog)
            job = try #require(try await catalog.failJob(jobID: job.id, owner: "matrix", error: "broken", retryable: false))
        }
        let browser = try await signedInBrowser(server, admin: admin)
        let passwordLink = try await catalog.issuePasswordLink(staffID: admin.id)
        var logo = Data()
        if route.hasSuffix(" /api/v1/organization/logo") {
            logo = try StillImages.png(width: 64, height: 32)
            let set = try await server.admin.send("PUT", "/api/v1/organization/logo", bytes: logo, headers: ["Content-Type": "image/png"])
            #expect(set.status == 200)
        }
        let (batchID, _) = try await catalog.enqueueReprocess(projectID: project.id, versionIDs: [versions[2]], profile: "draft-540")
        let upload = try await catalog.createUpload(versionID: versions[1], fileName: "clip.mov", size: 10, sha256: nil,
                                                    createdBy: nil)
        #expect(FileManager.default.createFile(atPath: store.absolutePath("tmp/upload-\(upload.id.uuidString.lowercased())"), contents: nil))
        let (sequenceUpload, _) = try await catalog.createSequenceUpload(
            versionID: versions[2], pattern: "plate.%04d.dpx", numbers: 1001...1002, gaps: [], gapFill: nil, allowGaps: false,
            members: [SequenceMember(fileName: "plate.1001.dpx", size: 10), SequenceMember(fileName: "plate.1002.dpx", size: 10)],
            createdBy: nil)
        let webhook = try await catalog.createWebhook(url: "http://localhost:9/hook", events: [.transcodeFailed])
        let task = try await catalog.createTask(projectID: project.id, TaskFields(name: "comp"))
        let transfer = try await catalog.transferFeedback(sessionID: session.id, FeedbackTransfer(commentIDs: [collaboratorComment.id]),
                                                          by: staffUser)
        let noteID = try #require(transfer.items.first?.notes.first?.noteID)
        let noticeID = try #require(try await catalog.staffNotices(userID: admin.id, page: .all).items.first?.id)
        let apiKey = try await catalog.createAPIKey(for: admin.id, label: "matrix")
        return World(
            projectID: project.id, sessionID: session.id, versionIDs: versions, spareVersionID: versions[2],
            itemIDs: try await catalog.items(sessionID: session.id).map(\.id), collaboratorID: collaborator.id,
            inviteToken: invite.value, shareToken: share.value,
            clients: [.none: server.anonymous, .otherCollaborator: other, .linkVisitor: visitor, .collaborator: client,
                      .staff: server.admin, .staffBrowser: browser],
            uploadID: upload.id, jobID: job.id, batchID: batchID, webhookID: webhook.id, staffUserID: admin.id,
            foreignItemID: try #require(try await catalog.items(sessionID: elsewhere.id).first).id,
            collaboratorCommentID: collaboratorComment.id, staffCommentID: staffComment.id, taskID: task.id, noteID: noteID,
            noticeID: noticeID, logo: logo, reportID: report.id, passwordLinkToken: passwordLink.token.value,
            sequenceUploadID: sequenceUpload.id, apiKeyID: apiKey.key.id)
    }

    /// The admin signed in from a browser (the staff pages), one per server: signing in costs two
    /// passphrase hashes, and worlds are many. Routes that sign it out (signing out, a new
    /// password) leave it to be signed in again here, for the next world. The password stays
    /// `password`: the routes that set one set that one.
    static func signedInBrowser(_ server: TestServer, admin: StaffUser) async throws -> TestClient {
        if let browser = browsers.withLock({ $0[server.baseURL] }), try await browser.get("/api/v1/me").status == 200 {
            return browser
        }
        if browsers.withLock({ $0[server.baseURL] }) == nil { try await server.catalog.setPassword(password, forEmail: admin.email) }
        let browser = TestClient(baseURL: server.baseURL, sendsCSRF: true)
        #expect(try await browser.post("/api/v1/staff/sign-in", ["email": admin.email, "password": password]).status == 200)
        browsers.withLock { $0[server.baseURL] = browser }
        return browser
    }

    private static let browsers = Mutex<[String: TestClient]>([:])

    /// The receipt's JPEG, grabbed as a worker grabs it: once per process, as every world's
    /// proxy is the same fixture and its comment the same frame (worlds are many, and a grab
    /// decodes from the nearest keyframe).
    static func receiptStill(path: String, frame: Int) throws -> Data {
        if let made = stills.withLock({ $0[frame] }) { return made }
        let jpeg = Data(try FrameGrabberPool().still(path: path, frame: frame).jpeg)
        stills.withLock { $0[frame] = jpeg }
        return jpeg
    }
    private static let stills = Mutex<[Int: Data]>([:])

    /// Claims job `id` as "matrix", the way a worker would; jobs earlier worlds left queued
    /// are claimed first (the queue is oldest first) and finished out of the way.
    static func claim(_ id: UUID, _ catalog: Catalog) async throws {
        while let claimed = try await catalog.claimJob(kinds: [.transcode], owner: "matrix", lease: .seconds(60)) {
            if claimed.id == id { return }
            try await catalog.failJob(jobID: claimed.id, owner: "matrix", error: "cleared by the matrix", retryable: false)
        }
        throw TestFailure("job \(id) could not be claimed")
    }

    /// The kind of each route and how it is tried, by "METHOD path".
    static func route(_ key: String, _ world: World, state: State) -> Row? {
        let items = world.itemIDs.map(\.uuidString)
        let offered: Any = state == .passphraseMissing ? NSNull() : state == .passphraseWrong ? "south dark" : passphrase
        let staff = Kind.staff(blockedWhenClosed: false)
        let itemChange = Kind.staff(blockedWhenClosed: true)
        switch key {
        case "GET /healthz", "GET /api/v1/openapi.json": return Row(kind: .open)
        case "POST /api/v1/review/logout", "POST /api/v1/staff/sign-out": return Row(kind: .open, body: [:])
        case "POST /api/v1/staff/sign-in": return Row(kind: .open, body: ["email": "admin@studio.example", "password": password])
        case "POST /api/v1/staff/password": return Row(kind: .passwordLink, body: ["token": world.passwordLinkToken, "password": password])
        case "POST /api/v1/me/password": return Row(kind: staff, body: ["current_password": password, "new_password": password])
        // A stream of events never ends: asked without Accept: text/event-stream it answers 406 at once,
        // after the staff group let the caller in (ProjectLiveTests follow the stream itself).
        case "GET /api/v1/projects/{project_id}/live": return Row(kind: staff, success: 406)
        case "POST /api/v1/versions/{version_id}/sequence-uploads":
            return Row(kind: staff, body: ["files": [["file_name": "shot.0001.exr", "size": 5], ["file_name": "shot.0002.exr", "size": 5]]])
        case "POST /api/v1/review/access": return Row(kind: .inviteExchange, body: ["token": world.inviteToken, "passphrase": offered])
        case "POST /api/v1/review/join":
            return Row(kind: .shareJoin, body: ["share_token": world.shareToken, "name": "Another", "passphrase": offered])
        case "GET /api/v1/review/sessions/{session_id}/receipts/{comment_id}": return Row(kind: .participant)
        case "GET /api/v1/review/sessions/{session_id}/room": return Row(kind: .collaborator, success: 426)
        case "GET /api/v1/sessions/{session_id}/room": return Row(kind: staff, success: 426)
        // What collaborators see, staff see as the review page's preview.
        case "GET /api/v1/review/sessions/{session_id}", "GET /api/v1/review/sessions/{session_id}/items",
             "GET /api/v1/review/sessions/{session_id}/items/{item_id}",
             "GET /api/v1/review/sessions/{session_id}/items/{item_id}/playback",
             "GET /api/v1/review/sessions/{session_id}/items/{item_id}/frames/{frame}",
             "GET /api/v1/review/sessions/{session_id}/items/{item_id}/download/{kind}":
            return Row(kind: .participant)
        case "POST /api/v1/review/sessions/{session_id}/items/{item_id}/frame-checks":
            return Row(kind: .participant, body: ["during": "seek", "expected": 2, "presented": 1, "media_time": 0.0417])
        // Reports and exports: staff, and the session's collaborators where it allows exports (the world's does).
        case "POST /api/v1/review/sessions/{session_id}/reports": return Row(kind: .participant, body: [:])
        case "GET /api/v1/review/sessions/{session_id}/reports", "GET /api/v1/review/sessions/{session_id}/exports/comments.csv",
             "GET /api/v1/review/sessions/{session_id}/exports/timeline.otio",
             "GET /api/v1/review/sessions/{session_id}/exports/timeline.edl":
            return Row(kind: .participant)
        // The collaborator's report: not another collaborator's to see; its PDF not made yet.
        case "GET /api/v1/review/sessions/{session_id}/reports/{report_id}": return Row(kind: .reportOwner)
        case "GET /api/v1/review/sessions/{session_id}/reports/{report_id}/pdf": return Row(kind: .reportOwner, success: 409)
        case let key where key.hasPrefix("GET /api/v1/review/sessions/"): return Row(kind: .collaborator)
        case "POST /api/v1/review/sessions/{session_id}/items/{item_id}/comments":
            return Row(kind: .collaborator, body: ["text": "Looks good", "anchor": ["frame": 2]])
        case "PUT /api/v1/review/sessions/{session_id}/items/{item_id}/status": return Row(kind: .collaborator, body: ["status": "approved"])
        case "PATCH /api/v1/review/sessions/{session_id}/comments/{comment_id}": return Row(kind: .collaboratorAuthor, body: ["text": "Edited"])
        case "DELETE /api/v1/review/sessions/{session_id}/comments/{comment_id}",
             "POST /api/v1/review/sessions/{session_id}/comments/{comment_id}/resolve",
             "POST /api/v1/review/sessions/{session_id}/comments/{comment_id}/reopen":
            return Row(kind: .collaboratorAuthor)
        case "POST /api/v1/sessions/{session_id}/items/{item_id}/comments":
            return Row(kind: .staffFeedback, body: ["text": "Internal note", "internal": true])
        case "PATCH /api/v1/sessions/{session_id}/comments/{comment_id}": return Row(kind: .staffFeedback, body: ["text": "Edited"])
        case "DELETE /api/v1/sessions/{session_id}/comments/{comment_id}",
             "POST /api/v1/sessions/{session_id}/comments/{comment_id}/resolve",
             "POST /api/v1/sessions/{session_id}/comments/{comment_id}/reopen":
            return Row(kind: .staffFeedback)
        // The world's session has feedback: deleting it takes force; its project cannot go at all.
        case "DELETE /api/v1/sessions/{session_id}": return Row(kind: staff, query: "?force=true")
        case "DELETE /api/v1/projects/{project_id}": return Row(kind: staff, success: 409)
        case "POST /api/v1/sessions/{session_id}/items": return Row(kind: itemChange, body: ["version_ids": [world.spareVersionID.uuidString]])
        case "POST /api/v1/sessions/{session_id}/items/remove": return Row(kind: itemChange, body: ["item_ids": [items[1]]])
        case "PUT /api/v1/sessions/{session_id}/items/order": return Row(kind: itemChange, body: ["item_ids": Array(items.reversed())])
        case "PATCH /api/v1/sessions/{session_id}/items/{item_id}": return Row(kind: itemChange, body: ["reason": "New grade"])
        case "POST /api/v1/sessions/{session_id}/items/{item_id}/move": return Row(kind: itemChange, body: ["position": 1])
        case "PATCH /api/v1/organization": return Row(kind: staff, body: ["name": "Northlight"])
        case "PUT /api/v1/organization/logo": return Row(kind: staff, bytes: world.logo, headers: ["Content-Type": "image/png"])
        case "GET /api/v1/organization/logo": return Row(kind: .open)
        case "POST /api/v1/users":
            return Row(kind: staff, body: ["name": "New", "email": "new-\(UUID().uuidString.prefix(6))@studio.example"])
        case "PATCH /api/v1/users/{user_id}": return Row(kind: staff, body: ["username": "admin", "is_admin": true, "active": true])
        case "POST /api/v1/projects": return Row(kind: staff, body: ["name": "P \(UUID().uuidString)"])
        case "PATCH /api/v1/projects/{project_id}": return Row(kind: staff, body: ["code": "FT"])
        case "POST /api/v1/projects/{project_id}/versions": return Row(kind: staff, body: ["name": "sh040"])
        case "PATCH /api/v1/versions/{version_id}": return Row(kind: staff, body: ["status": "approved"])
        case "POST /api/v1/projects/{project_id}/sessions": return Row(kind: staff, body: ["title": "Another"])
        case "PATCH /api/v1/sessions/{session_id}": return Row(kind: staff, body: ["description": "Notes"])
        case "POST /api/v1/sessions/{session_id}/collaborators": return Row(kind: staff, body: ["name": "New"])
        case "PATCH /api/v1/sessions/{session_id}/collaborators/{collaborator_id}": return Row(kind: staff, body: ["role": "observer"])
        case "POST /api/v1/sessions/{session_id}/invites": return Row(kind: staff, body: ["message": "Hello"])
        case "PUT /api/v1/versions/{version_id}/media": return Row(kind: staff, raw: "not media, but bytes", query: "?filename=clip.mov")
        case "POST /api/v1/versions/{version_id}/uploads": return Row(kind: staff, body: ["file_name": "clip.mov", "size": 10])
        case "PATCH /api/v1/uploads/{upload_id}": return Row(kind: staff, raw: "0123456789", headers: ["Upload-Offset": "0"])
        case "POST /api/v1/projects/{project_id}/reprocess": return Row(kind: staff, body: [:])
        case "PUT /api/v1/projects/{project_id}/statuses/{scope}":
            return Row(kind: staff, body: ["statuses": [["name": "pending review", "colour": "#E8A33D", "kind": "review"],
                                                        ["name": "approved", "colour": "#3FA45B", "kind": "approved"]]])
        case "POST /api/v1/projects/{project_id}/tasks": return Row(kind: staff, body: ["name": "roto"])
        case "PATCH /api/v1/tasks/{task_id}": return Row(kind: staff, body: ["status": "approved"])
        case "POST /api/v1/versions/{version_id}/notes": return Row(kind: staff, body: ["text": "Soften the flare"])
        case "PATCH /api/v1/notes/{note_id}": return Row(kind: staff, body: ["completable": true, "completed": true])
        case "PUT /api/v1/review/sessions/{session_id}/notifications": return Row(kind: .collaborator, body: ["frequency": "daily"])
        case "PUT /api/v1/me/notification-settings": return Row(kind: staff, body: ["email": true])
        case "POST /api/v1/webhooks":
            return Row(kind: staff, body: ["url": "http://localhost:9/other", "events": ["transcode.succeeded"]])
        default:
            // Reads, deletes and actions without a body.
            guard key.hasPrefix("GET /api/v1/") || key.hasPrefix("DELETE /api/v1/") || key.hasPrefix("POST /api/v1/")
            else { return nil }
            return Row(kind: staff, body: key.hasPrefix("POST") ? [:] : nil)
        }
    }

    static func expected(_ kind: Kind, actor: Actor, state: State, success: Int) -> Int {
        switch kind {
        case .open:
            return success
        case .staff(let blockedWhenClosed):
            guard actor.isStaff else { return 401 }
            return blockedWhenClosed && state == .closed ? 409 : success
        case .inviteExchange, .shareJoin:
            // Credentials make no difference here: the token in the body decides.
            switch state {
            case .withinSchedule: return 200
            case .beforeStart: return 403
            case .afterEnd: return 410
            case .closed: return 409
            case .passphraseMissing: return 401
            case .passphraseWrong:
                // The world's own failed try and the four callers before staff make five
                // wrong passphrases for this link: the fifth caller is throttled. The browser
                // has a world of its own (the route changes something): it comes second there.
                return actor == .staff ? 429 : 403
            case .revoked: return kind.isShareJoin ? 200 : 403
            }
        case .collaboratorAuthor:
            let answer = expected(.collaborator, actor: actor, state: state, success: success)
            return actor == .linkVisitor && answer == success ? 403 : answer
        case .participant:
            return actor.isStaff ? success : expected(.collaborator, actor: actor, state: state, success: success)
        case .reportOwner:
            // A closed session refuses collaborators (409) before the report is looked up;
            // let in, the link visitor finds no report of theirs.
            guard actor == .linkVisitor, state != .closed else { return expected(.participant, actor: actor, state: state, success: success) }
            let answer = expected(.participant, actor: actor, state: state, success: success)
            return answer == success ? 404 : answer
        case .staffFeedback:
            guard actor.isStaff else { return 401 }
            return state == .closed ? 409 : state == .afterEnd ? 410 : success
        case .passwordLink:
            // The first caller uses the link up; the browser, in a world of its own, is first there too.
            return actor == .none || actor == .staffBrowser ? success : 401
        case .collaborator:
            switch actor {
            case .none, .staff, .staffBrowser: return 401
            case .otherCollaborator: return 403
            case .collaborator, .linkVisitor:
                switch state {
                case .withinSchedule: return success
                case .beforeStart: return 403
                case .afterEnd: return 410
                case .closed: return 409
                case .passphraseMissing, .passphraseWrong: return 401  // never let in: no cookie
                // Revoking ends the collaborator's logins: their cookie no longer grants anything
                // (their invite link then says why: access_revoked).
                case .revoked: return actor == .linkVisitor ? success : 401
                }
            }
        }
    }

    @Test("every route, every caller, every state", arguments: State.allCases)
    func matrix(state: State) async throws {
        try await TestServer.run { server in
            let document = try await server.anonymous.get("/api/v1/openapi.json").json
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            var tried = 0
            // A read changes nothing, so the reads share one world; each change gets a fresh one, so
            // what one change uses up cannot disturb the next. The logo's read gets its own too: its
            // world has a logo, which the studio-wide removal before it took away.
            let readWorld = try await Self.makeWorld(server, state: state)
            let admin = try #require(try await server.catalog.staffUser(apiKey: server.adminKey))
            for (path, methods) in paths.sorted(by: { $0.key < $1.key }) {
                for (method, operation) in methods.sorted(by: { $0.key < $1.key }) {
                    let key = "\(method.uppercased()) \(path)"
                    let sharesWorld = method == "get" && !path.hasSuffix("/organization/logo")
                    let world = sharesWorld ? readWorld : try await Self.makeWorld(server, state: state, route: key)
                    guard let row = Self.route(key, world, state: state) else {
                        Issue.record("the matrix has no row for \(key)")
                        continue
                    }
                    let success = try #require(row.success ?? (operation["responses"] as? [String: Any])?.keys
                        .compactMap(Int.init).filter { (200..<300).contains($0) }.min())
                    /// The path with `world`'s ids in it.
                    func concrete(_ world: World, _ row: Row) -> String {
                        let commentID = path.hasPrefix("/api/v1/review/") ? world.collaboratorCommentID : world.staffCommentID
                        let values: [String: String] = [
                            "{project_id}": world.projectID.uuidString, "{session_id}": world.sessionID.uuidString,
                            "{version_id}": world.versionIDs[0].uuidString, "{item_id}": world.itemIDs[0].uuidString,
                            "{collaborator_id}": world.collaboratorID.uuidString, "{upload_id}": world.uploadID.uuidString,
                            "{job_id}": world.jobID.uuidString, "{batch_id}": world.batchID.uuidString,
                            "{webhook_id}": world.webhookID.uuidString, "{task_id}": world.taskID.uuidString,
                            "{note_id}": world.noteID.uuidString, "{scope}": "version", "{notice_id}": world.noticeID.uuidString,
                            "{report_id}": world.reportID.uuidString, "{kind}": "proxy", "{frame}": "5",
                            "{comment_id}": commentID.uuidString, "{user_id}": world.staffUserID.uuidString,
                            "{sequence_upload_id}": world.sequenceUploadID.uuidString, "{key_id}": world.apiKeyID.uuidString,
                        ]
                        return values.reduce(path) { $0.replacingOccurrences(of: $1.key, with: $1.value) } + row.query
                    }
                    for actor in Actor.allCases where actor != .staffBrowser {
                        let answer = try await world.clients[actor]!.send(method.uppercased(), concrete(world, row), json: row.body,
                                                                           raw: row.raw, bytes: row.bytes, headers: row.headers)
                        let want = Self.expected(row.kind, actor: actor, state: state, success: success)
                        #expect(answer.status == want,
                                "\(state) · \(actor) · \(key): got \(answer.status) \(answer.errorCode ?? ""), want \(want)")
                        tried += 1
                    }
                    if case .collaborator = row.kind, path.contains("{item_id}"), state == .withinSchedule {
                        // The collaborator's own session in the path, an item of another session: as if it did not exist.
                        let foreign = concrete(world, row).replacingOccurrences(of: world.itemIDs[0].uuidString,
                                                                    with: world.foreignItemID.uuidString)
                        let answer = try await world.clients[.collaborator]!.send(method.uppercased(), foreign, json: row.body)
                        #expect(answer.status == 404, "\(key) with another session's item: got \(answer.status)")
                        tried += 1
                    }
                    // The staff pages: a browser signed in as the admin. A change gets a world of its
                    // own, so in one state only: who the browser is does not depend on the session's
                    // state, and the states' refusals of staff (closed, ended) are the API key's to show.
                    // Nor does it depend on the engine: the cookie and its CSRF token are checked
                    // above the catalog, so on PostgreSQL the browser tries the reads and no changes
                    // (a world for each change there costs minutes and shows nothing new).
                    let changes = method.uppercased() != "GET"
                    if changes && (state != .withinSchedule || TestCatalogs.onPostgres) { continue }
                    let own = changes ? try await Self.makeWorld(server, state: state, route: key) : world
                    let ownRow = try #require(Self.route(key, own, state: state))
                    // Signed in afresh if a change in between signed it out (a sign-out, a new password).
                    let browser = changes ? own.clients[.staffBrowser]! : try await Self.signedInBrowser(server, admin: admin)
                    if changes, case .staff = ownRow.kind {
                        // The cookie alone, without its CSRF token (another site's form): refused.
                        let forged = TestClient(baseURL: server.baseURL, cookies: browser.cookies)
                        let refused = try await forged.send(method.uppercased(), concrete(own, ownRow), json: ownRow.body,
                                                            raw: ownRow.raw, bytes: ownRow.bytes, headers: ownRow.headers)
                        #expect(refused.status == 403 && refused.errorCode == "csrf_failed",
                                "\(key) without the CSRF token: got \(refused.status) \(refused.errorCode ?? "")")
                    }
                    let answer = try await browser.send(method.uppercased(), concrete(own, ownRow), json: ownRow.body,
                                                        raw: ownRow.raw, bytes: ownRow.bytes, headers: ownRow.headers)
                    let want = Self.expected(row.kind, actor: .staffBrowser, state: state, success: success)
                    #expect(answer.status == want,
                            "\(state) · staffBrowser · \(key): got \(answer.status) \(answer.errorCode ?? ""), want \(want)")
                    tried += 1
                }
            }
            #expect(tried >= 200)
        }
    }

    @Test("each way of being refused has its own code")
    func distinctCodes() async throws {
        try await TestServer.run { server in
            var codes: [State: String] = [:]
            for state in State.allCases where state != .withinSchedule {
                let world = try await Self.makeWorld(server, state: state)
                var body: [String: Any] = ["token": world.inviteToken]
                if state == .passphraseWrong { body["passphrase"] = "south dark" }
                codes[state] = try await server.anonymous.post("/api/v1/review/access", body).errorCode
            }
            #expect(codes == [.beforeStart: "session_not_started", .afterEnd: "session_expired", .closed: "session_closed",
                              .passphraseMissing: "passphrase_required", .passphraseWrong: "passphrase_wrong",
                              .revoked: "access_revoked"])
            #expect(try await server.anonymous.post("/api/v1/review/access", ["token": "di_forged"]).errorCode == "invalid_token")
        }
    }

    @Test("repeated wrong passphrases are throttled")
    func throttle() async throws {
        try await TestServer.run { server in
            // A passphrase session whose collaborator has not tried yet (no passphrase is no guess).
            let world = try await Self.makeWorld(server, state: .passphraseMissing)
            let client = server.anonymous
            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(try await client.post("/api/v1/review/access",
                                                      ["token": world.inviteToken, "passphrase": "guess"]).status)
            }
            #expect(statuses == [403, 403, 403, 403, 403, 429], "\(statuses)")
            let refused = try await client.post("/api/v1/review/access", ["token": world.inviteToken, "passphrase": Self.passphrase])
            #expect(refused.status == 429 && Int(refused.headers["retry-after"] ?? "") ?? 0 > 0,
                    "even the right passphrase waits its turn")
        }
    }
}

extension AccessMatrixTests.Kind {
    var isShareJoin: Bool {
        if case .shareJoin = self { return true }
        return false
    }
}
