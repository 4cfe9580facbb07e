import Foundation

/// A filled-in example of each record, for API documentation: the OpenAPI document derives
/// its schemas from these, encoded as the API encodes them, so documentation and JSON agree.
public enum Examples {
    static let when = Date(timeIntervalSince1970: 1_795_428_000)  // 2026-11-23T09:20:00Z
    static let staffID = UUID(uuidString: "4E1B3A20-9C7D-4F11-8A52-1D3E5F7A9B0C")!
    static let projectID = UUID(uuidString: "9A7F2C10-3B5D-4E6F-8A1B-2C3D4E5F6A7B")!
    static let versionID = UUID(uuidString: "6F0F3A5E-3C4B-4A8E-9A55-0D5C1B6D2E11")!
    static let taskID = UUID(uuidString: "3D5E7F91-2A4C-4B6D-8E0F-1A3C5E7B9D24")!
    static let assetID = UUID(uuidString: "5B2E8C41-7D3F-4A9B-8C6E-2F4A6B8D0E13")!
    static let sessionID = UUID(uuidString: "1C2D3E4F-5A6B-4C7D-8E9F-0A1B2C3D4E5F")!

    public static let staffUser = StaffUser(id: staffID, name: "Ada Park", email: "ada@northlight.example", username: "ada", isAdmin: true,
                                            createdAt: when, createdBy: staffID)
    public static let apiKey = APIKey(id: UUID(uuidString: "2A4C6E80-1B3D-4F5A-9C7E-0D2F4A6C8E1B")!, userID: staffID,
                                      label: "render farm", hint: "dk_Qx7p", createdAt: when, createdBy: staffID, revokedAt: nil)
    public static let organization = OrganizationSettings(name: "Northlight VFX", replyTo: "producers@northlight.example",
                                                          shareLinksEnabled: true, webhookAllowedNetworks: ["10.20.0.0/16"])
    public static let project = Project(id: projectID, name: "Feature", code: "FT", defaults: .standard, createdAt: when,
                                        createdBy: staffID)
    public static let version = Version(
        id: versionID, projectID: projectID, name: "sh010_comp", versionNumber: 3, shot: "sh010", assetID: assetID, asset: "sh010_comp",
        taskID: taskID, status: "pending review", assigneeIDs: [staffID], clientName: "Opening shot", defaultReason: "Final comp", mediaState: .ready,
        mediaError: "", createdAt: when, createdBy: staffID, updatedAt: when)
    public static let component = Component(
        id: UUID(uuidString: "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E")!, versionID: versionID, kind: .proxy,
        profile: "review-1080", path: "derived/6f0f3a5e/review-1080/proxy.mp4", fileName: "sh010_comp_v003.mp4",
        size: 48_213_004, sha256: String(repeating: "ab", count: 32),
        mediaInfo: #"{"frame_count":240,"first_frame_number":1001,"has_audio":true,"height":1080,"pixel_aspect":"1/1","rate":"24000/1001","start_timecode":"01:00:00:00","variable_rate":false,"width":1920,"display_transform":"none"}"#,
        sourceSHA256: String(repeating: "cd", count: 32), processingKey: nil, createdAt: when)
    /// A ready version's review outputs: the proxy, its poster, filmstrip and frame map.
    public static let components: [Component] = [
        component,
        derived(.poster, "poster.jpg", id: "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D01", info: #"{"frame":120,"height":1080,"name":"poster.jpg","width":1920}"#),
        derived(.filmstrip, "filmstrip.jpg", id: "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D02", info: #"{"columns":10,"frame_count":240,"image":"filmstrip.jpg","rows":1,"tile_height":90,"tile_width":160,"tiles":[{"frame":0,"x":0,"y":0},{"frame":24,"x":160,"y":0}]}"#),
        derived(.framemap, "framemap.json", id: "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D03", info: nil),
    ]

    private static func derived(_ kind: Component.Kind, _ name: String, id: String, info: String?) -> Component {
        Component(id: UUID(uuidString: id)!, versionID: versionID, kind: kind, profile: "review-1080",
                  path: "derived/6f0f3a5e/review-1080/\(name)", fileName: name, size: 120_000,
                  sha256: String(repeating: "ef", count: 32), mediaInfo: info, sourceSHA256: String(repeating: "cd", count: 32),
                  processingKey: nil, createdAt: when)
    }
    public static let session = ReviewSession(
        id: sessionID, projectID: projectID, title: "Client review 23 Nov", description: "Comp finals",
        startsAt: when, endsAt: when.addingTimeInterval(7 * 86_400), closedAt: when,
        overrides: SessionSettingOverrides(downloadOriginal: false, downloadProxy: true, requirePassphrase: true,
                                           shareLinkEnabled: false, allowComments: true, commentsVisibleToOthers: true,
                                           allowExports: nil),
        settings: SessionSettings(downloadOriginal: false, downloadProxy: true, requirePassphrase: true,
                                  shareLinkEnabled: false, allowComments: true, commentsVisibleToOthers: true,
                                  allowExports: false),
        hasPassphrase: true, createdAt: when, createdBy: staffID, updatedAt: when)
    public static let item = SessionItem(
        id: UUID(uuidString: "0A4C6F12-8B1D-4E0B-9C44-2F6E5D3A1B90")!, sessionID: sessionID, versionID: versionID,
        position: 0, versionName: "sh010_comp", versionLabel: "v003", clientName: "Opening shot", reason: "Final comp",
        createdAt: when, createdBy: staffID)
    public static let collaborator = Collaborator(
        id: UUID(uuidString: "2B7D9E10-5C3A-4F6B-8E21-7A9C0D4B3E55")!, sessionID: sessionID, name: "Dana Client",
        email: "dana@client.example", role: .approver, staffUserID: staffID, joinedByShareLink: false, invitedAt: when,
        revokedAt: when, createdAt: when, createdBy: staffID)
    public static let sequenceUpload = SequenceUpload(
        id: UUID(uuidString: "7C1D2E3F-4A5B-4C6D-9E7F-8091A2B3C4D5")!, versionID: version.id, pattern: "sh010_comp_v003.####.exr",
        firstNumber: 1001, lastNumber: 1096, gaps: [1042...1042], gapFill: .hold, allowGaps: false, state: .receiving,
        membersWaiting: 1, jobID: nil, error: nil, createdAt: when)

    public static let job = Job(
        id: UUID(uuidString: "5D6E7F80-9A1B-4C2D-8E3F-4A5B6C7D8E9F")!, kind: .transcode,
        payload: #"{"profile":"review-1080","version_id":"6F0F3A5E-3C4B-4A8E-9A55-0D5C1B6D2E11"}"#, state: .running,
        attempts: 1, maxAttempts: 3, leaseOwner: "worker-1a2b3c4d", leaseExpiresAt: when, heartbeatAt: when,
        progressDone: 120, progressTotal: 240, lastError: "the worker crashed (signal 6, SIGABRT) while running it",
        runAfter: when, cancelRequested: false, idempotencyKey: "transcode:6F0F3A5E-3C4B-4A8E-9A55-0D5C1B6D2E11:review-1080",
        batchID: UUID(uuidString: "3A4B5C6D-7E8F-4091-A2B3-C4D5E6F70819")!, createdAt: when, startedAt: when, finishedAt: when,
        updatedAt: when)
    public static let webhook = Webhook(
        id: UUID(uuidString: "8E9F0A1B-2C3D-4E5F-9061-728394A5B6C7")!, url: "https://pipeline.northlight.example/dailies",
        secret: "whsec_example", events: [.transcodeSucceeded, .transcodeFailed], audience: .staff, enabled: true,
        createdAt: when)
    public static let worker = WorkerRecord(id: "worker-1a2b3c4d", host: "render-07", pid: 4242, concurrency: 2,
                                            startedAt: when, heartbeatAt: when)
    public static let batch = Catalog.BatchSummary(
        batchID: UUID(uuidString: "3A4B5C6D-7E8F-4091-A2B3-C4D5E6F70819")!, projectID: projectID, profile: "review-1080",
        total: 20, succeeded: 17, failed: 1, cancelled: 0, active: 2)
    public static let comment = ReviewComment(
        id: UUID(uuidString: "6B1F0C2E-3D4A-4B5C-9D6E-7F8091A2B3C4")!, sessionID: sessionID, itemID: item.id, parentID: nil,
        author: FeedbackAuthor(kind: .collaborator, id: collaborator.id, name: collaborator.name),
        text: "The glint on the visor pops for a frame here.", anchor: .frame(41),
        drawing: Drawing(display: Drawing.Display(width: 1920, height: 1080, pixelAspect: .one), shapes: [
            Shape(id: UUID(uuidString: "9A8B7C6D-5E4F-4031-8293-A4B5C6D7E8F9")!, color: "#FF3B30FF",
                  .ellipse(from: Shape.Point(0.61, 0.22), to: Shape.Point(0.70, 0.31), width: 0.004)),
        ]),
        isInternal: false, resolvedAt: when, resolvedBy: FeedbackAuthor(kind: .staff, id: staffID, name: staffUser.name),
        receipt: FrameReceipt(state: .ready, frame: 41, sha256: String(repeating: "3a", count: 32),
                              path: "receipts/1c2d3e4f/6b1f0c2e-41.jpg", error: nil),
        createdAt: when, editedAt: when, deletedAt: nil, labels: component.playbackInfo.map(FrameLabels.init),
        visibility: FeedbackVisibility(owner: collaborator.id))
    public static let itemStatus = ItemStatus(
        itemID: item.id, collaborator: FeedbackAuthor(kind: .collaborator, id: collaborator.id, name: collaborator.name),
        role: .approver, status: .requiresChanges, decides: true, updatedAt: when,
        history: [ItemStatus.Change(from: .pending, to: .approved, at: when),
                  ItemStatus.Change(from: .approved, to: .requiresChanges, at: when)])
    public static let summary: StatusSummary = {
        var deciding = collaborator
        deciding.revokedAt = nil
        return StatusSummary(itemID: item.id, collaborators: [deciding], statuses: [collaborator.id: .requiresChanges])
    }()
    public static let event = SessionEvent(sessionID: sessionID, seq: 118, kind: .itemsReordered, at: when,
                                           data: #"{"item_ids":["\#(item.id)"]}"#, visibility: .everyone)
    public static let statusLists = StatusLists(
        version: WorkflowStatus.defaultList(.version).enumerated().map { position, entry in
            WorkflowStatus(id: UUID(uuidString: "5E6F7A8B-9C0D-4E1F-8A2B-3C4D5E6F70\(10 + position)")!, projectID: projectID,
                           scope: .version, name: entry.name, colour: entry.colour, kind: entry.kind, position: position)
        },
        task: WorkflowStatus.defaultList(.task).enumerated().map { position, entry in
            WorkflowStatus(id: UUID(uuidString: "5E6F7A8B-9C0D-4E1F-8A2B-3C4D5E6F70\(20 + position)")!, projectID: projectID,
                           scope: .task, name: entry.name, colour: entry.colour, kind: entry.kind, position: position)
        })
    public static let task = ProjectTask(id: taskID, projectID: projectID, name: "comp", status: "in progress",
                                         assigneeIDs: [staffID], createdAt: when, createdBy: staffID, updatedAt: when)
    public static let note = Note(
        id: UUID(uuidString: "7C8D9E0F-1A2B-4C3D-8E4F-5A6B7C8D9E0F")!, versionID: versionID, parentID: nil,
        author: comment.author, authorEmail: collaborator.email, text: comment.text, anchor: .frame(41), drawing: comment.drawing,
        receipt: Note.Receipt(frame: 41, sha256: String(repeating: "3a", count: 32), path: "receipts/1c2d3e4f/6b1f0c2e-41.jpg"),
        completable: true, completedAt: when, completedBy: staffID, recipientIDs: [staffID],
        source: Note.Source(sessionID: sessionID, commentID: comment.id, transferredBy: staffID, transferredAt: when),
        createdAt: when, updatedAt: when, labels: comment.labels)
    public static let transferPlan = TransferPlan(
        sessionID: sessionID, statusTarget: .version, approvedStatus: "approved", changesStatus: "requires changes",
        items: [TransferPlan.Item(
            itemID: item.id, versionID: versionID, versionName: version.name, verdict: "requires_changes",
            statusChange: TransferPlan.StatusChange(scope: .version, targetID: versionID, from: "pending review",
                                                    to: "requires changes"),
            statusNote: nil, notes: [TransferPlan.PlannedNote(commentID: comment.id, noteID: note.id, alreadyTransferred: false)],
            newNoteID: nil)],
        applied: true)
    public static let notice = Notice(
        id: UUID(uuidString: "8D9E0F1A-2B3C-4D5E-8F60-718293A4B5C6")!, sessionID: sessionID,
        recipient: NoticeRecipient(kind: .staff, id: staffID), kind: .comment, itemID: item.id, commentID: comment.id,
        details: Notice.Details(comment, sessionTitle: session.title, versionName: item.versionName, threadAnchor: comment.anchor),
        createdAt: when, readAt: nil)

    public static let frameCheck = FrameCheck(
        id: UUID(uuidString: "2C4E6A8B-1D3F-4A5B-9C7D-8E0F1A2B3C4D")!, sessionID: sessionID, itemID: item.id,
        versionID: versionID, viewer: FeedbackAuthor(kind: .collaborator, id: collaborator.id, name: collaborator.name),
        during: .seek, expected: 41, presented: 40, mediaTime: 1.668333, userAgent: "Mozilla/5.0 (Macintosh) Chrome/131.0",
        times: 1, firstAt: when, lastAt: when)

    public static let report = SessionReport(
        id: UUID(uuidString: "5E7A9C1B-3D5F-4B6A-8C9E-0F1A2B3C4D5E")!, sessionID: sessionID,
        requestedBy: FeedbackAuthor(kind: .staff, id: staffID, name: staffUser.name),
        options: ReportOptions(includeInternal: true), jobID: UUID(uuidString: "6F8B0D2C-4E6A-4C7B-9D0F-1A2B3C4D5E6F")!,
        state: .ready, path: "reports/\(sessionID.uuidString.lowercased())/report.pdf", size: 2_483_112,
        sha256: String(repeating: "ab", count: 32), pages: 14,
        pictures: [ReportPicture(commentID: UUID(uuidString: "7A9C1E3B-5D7F-4A8B-9C0D-1E2F3A4B5C6D")!, frame: 41, page: 2, x: 40,
                                 y: 312.5, width: 300, height: 168.75, source: "receipt")], error: nil, createdAt: when, finishedAt: when.addingTimeInterval(9))
}
