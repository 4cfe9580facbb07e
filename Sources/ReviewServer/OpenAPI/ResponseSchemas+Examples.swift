import Catalog
import Foundation

extension ResponseSchemas {
    /// An example of each schema, made from ``Examples`` and encoded as the API encodes
    /// answers; the document shows them, and a test checks each against its schema.
    static let examples: [String: JSONValue] = {
        func encoded(_ value: some Encodable) -> JSONValue {
            (try? JSONDecoder().decode(JSONValue.self, from: JSONCoding.encoder.encode(value))) ?? .null
        }
        func list(_ value: some Encodable & Sendable) -> JSONValue { encoded(ListResponse(all: [value])) }
        let invite = CollaboratorInvite(collaborator: Examples.collaborator,
                                        inviteURL: "https://review.northlight.example/review/invite/di_example", emailed: true)
        let access = CollaboratorAccess(collaborator: Examples.collaborator, session: Examples.session)
        let base = "/api/v1/review/sessions/\(Examples.session.id)/items/\(Examples.item.id)"
        let reviewItem = ReviewItemView(Examples.item, media: PlayerMedia(Examples.components, profile: "review-1080", base: base),
                                        settings: Examples.session.settings)
        return [
            "Health": ["status": "ok"],
            "OpenAPIDocument": ["openapi": "3.0.3", "info": ["title": "Dailies API", "version": "1"], "paths": [:]],
            "Error": ["error": ["code": "invalid_field", "message": "title: must not be empty", "field": "title"]],
            "Component": encoded(ComponentView(Examples.component)),
            "Worker": encoded(Examples.worker),
            "StaffUser": encoded(Examples.staffUser),
            "StaffUserList": list(Examples.staffUser),
            "StaffSignIn": encoded(StaffSignedIn(user: Examples.staffUser, csrfToken: "Zm9yIGV4YW1wbGUgb25seSwgbm90IGEgdG9rZW4",
                                                 expiresAt: Date(timeIntervalSince1970: 1_795_471_200))),
            "SequenceUpload": encoded(SequenceUploadState(
                Examples.sequenceUpload,
                uploads: [UploadState(id: Examples.job.id, versionID: Examples.version.id, fileName: "sh010_comp_v003.1096.exr",
                                      size: 24_883_200, offset: 0, complete: false)])),
            "StaffInvite": encoded(StaffInvite(url: "https://review.northlight.example/staff/set-password/dp_example",
                                               expiresAt: Date(timeIntervalSince1970: 1_795_471_200), emailed: true)),
            "APIKey": encoded(Examples.apiKey),
            "APIKeyList": list(Examples.apiKey),
            "CreatedAPIKey": encoded(CreatedAPIKey(key: Examples.apiKey, apiKey: "dk_example", replaces: Examples.job.id)),
            "CreatedStaffUser": encoded(CreatedStaffUser(user: Examples.staffUser, apiKey: "dk_example")),
            "Organization": encoded(OrganizationView(Examples.organization, logo: StudioLogo(
                path: "branding/logo-\(String(repeating: "ab", count: 32)).png", sha256: String(repeating: "ab", count: 32)))),
            "Project": encoded(Examples.project),
            "ProjectList": list(Examples.project),
            "Version": encoded(Examples.version),
            "WorkflowStatus": encoded(Examples.statusLists.version[0]),
            "WorkflowStatusList": encoded(ListResponse(all: Examples.statusLists.version)),
            "StatusLists": encoded(Examples.statusLists),
            "Task": encoded(Examples.task),
            "TaskList": list(Examples.task),
            "Note": encoded(Examples.note),
            "NoteList": list(Examples.note),
            "TransferPlan": encoded(Examples.transferPlan),
            "NotificationSettings": encoded(NotificationSettings(frequency: .batched, email: true)),
            "Notification": encoded(Examples.notice),
            "NotificationList": list(Examples.notice),
            "MarkedRead": encoded(["marked": 3]),
            "FrameCheck": encoded(Examples.frameCheck),
            "FrameCheckList": list(Examples.frameCheck),
            "Report": encoded(ReportView(Examples.report, job: nil)),
            "ReportList": list(ReportView(Examples.report, job: nil)),
            "VersionList": list(Examples.version),
            "ComponentList": list(ComponentView(Examples.component)),
            "ReviewSession": encoded(Examples.session),
            "ReviewSessionList": list(Examples.session),
            "ClonedSession": encoded(ClonedSession(session: Examples.session, invites: [invite])),
            "ShareLink": encoded(ShareLink(url: "https://review.northlight.example/review/join/ds_example")),
            "SessionItem": encoded(Examples.item),
            "SessionItemList": list(Examples.item),
            "Collaborator": encoded(Examples.collaborator),
            "CollaboratorList": list(Examples.collaborator),
            "CollaboratorInvite": encoded(invite),
            "CollaboratorInviteList": list(invite),
            "ReviewSessionView": encoded(ReviewSessionView(ReviewAudience(access), studio: "Northlight VFX", logoURL: StudioLogoRules.path)),
            "ReviewItem": encoded(reviewItem),
            "ReviewItemList": list(reviewItem),
            "UploadCompleted": encoded(UploadCompleted(original: ComponentView(Examples.component), job: Examples.job)),
            "UploadState": encoded(UploadState(
                id: Examples.job.id, versionID: Examples.version.id, fileName: "sh010_comp_v003.mov", size: 2_147_483_648,
                offset: 1_048_576, complete: true, original: ComponentView(Examples.component), job: Examples.job)),
            "Job": encoded(Examples.job),
            "JobList": list(Examples.job),
            "WorkerList": list(Examples.worker),
            "ReprocessStarted": encoded(ReprocessStarted(batchID: Examples.batch.batchID, profile: "review-1080", enqueued: 17,
                                                         upToDate: 3, withoutMedia: 0, jobs: [Examples.job])),
            "BatchSummary": encoded(Examples.batch),
            "Webhook": encoded(Examples.webhook),
            "WebhookList": list(Examples.webhook),
            "Comment": encoded(Examples.comment),
            "CommentList": list(Examples.comment),
            "ItemStatus": encoded(Examples.itemStatus),
            "ItemStatusList": list(Examples.itemStatus),
            "StatusSummary": encoded(Examples.summary),
            "StatusSummaryList": list(Examples.summary),
            "FrameDrawing": encoded(FrameDrawing(Examples.comment)),
            "FrameDrawingList": list(FrameDrawing(Examples.comment)),
            "SessionEvents": encoded(SessionEvents(events: [EventAnswer(event: Examples.event)], lastSeq: 120)),
        ]
    }()
}
