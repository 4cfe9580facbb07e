import Catalog
import Foundation
import FrameTime

/// The schemas of what the API answers, by the names the document gives them under
/// `components/schemas`. A field that may be missing is optional (the API leaves out a
/// field with no value, except where a schema says `nullable`). Tests check every example
/// the document shows against these, and the fuzzer checks live answers, so a field added to
/// a type and not here fails a test.
enum ResponseSchemas {
    static let named: [String: Schema] = {
        var schemas: [String: Schema] = [
            "Error": Schema.object([
                Schema.object([
                    Schema.string.described("What went wrong, for programs: not_found, invalid_field, conflict…").required("code"),
                    Schema.string.described("What went wrong, for people").required("message"),
                    Schema.string.described("The field at fault (`defaults.share_days`), when one is").optional("field"),
                ]).required("error"),
            ]),
            "Health": Schema.object([Schema.oneOf(["ok"]).required("status")]),
            "OpenAPIDocument": Schema.map(.any).described("An OpenAPI 3.0 document: this one"),
            "StaffUser": staffUser,
            "StaffSignIn": Schema.object([
                Schema.ref("StaffUser").required("user"),
                Schema.string.described("Send it as the X-CSRF-Token header with every POST, PUT, PATCH and DELETE "
                                        + "(also in the dailies_csrf cookie)").required("csrf_token"),
                Schema.dateTime.described("When the sign-in ends unless it is used before: each use pushes it on, up to "
                                          + "\(StaffWebSession.absoluteLifetime / 86_400) days after signing in")
                    .required("expires_at"),
            ]),
            "APIKey": Schema.object([
                uuid("id"), uuid("user_id"), Schema.string.described("What the key is for").optional("label"),
                Schema.string.described("The key's first characters (dk_ and four more); none for keys made before hints")
                    .optional("hint"),
                time("created_at"), Schema.uuid.optional("created_by"),
                Schema.dateTime.described("Set once revoked: the key lets no one in").optional("revoked_at"),
            ]),
            "CreatedAPIKey": Schema.object([
                Schema.ref("APIKey").required("key"), Schema.string.described("The API key, shown this once").required("api_key"),
                Schema.uuid.described("The key this one replaced, now revoked (a reissue)").optional("replaces"),
            ]),
            "CreatedStaffUser": Schema.object([Schema.ref("StaffUser").required("user"),
                                         Schema.string.described("The API key, shown this once").required("api_key")]),
            "Organization": Schema.object([
                Schema.string.required("name"), Schema.string.optional("reply_to"), Schema.boolean.required("share_links_enabled"),
                Schema.array(.string).required("webhook_allowed_networks"),
                Schema.oneOf(WorkflowStatus.Scope.self).described("Where a transfer of feedback puts its statuses")
                    .required("transfer_status_to"),
                Schema.string.described("The studio's time zone, an IANA name: times in mails are in it").required("time_zone"),
                Schema.integer(FieldRules.notificationWindow)
                    .described("How long a batched recipient's mail gathers notices after the first, in seconds")
                    .required("notification_window_seconds"),
                Schema.integer(0...23).described("The hour daily digests go out, in the studio's time zone").required("digest_hour"),
                Schema.string.orNull("no logo").described("The studio's logo, a PNG anyone may fetch").required("logo_url"),
            ]),
            "Project": Schema.object([
                uuid("id"), Schema.string.required("name"), Schema.string.optional("code"),
                projectDefaults.required("defaults"), time("created_at"), Schema.uuid.optional("created_by"),
            ]),
            "Version": Schema.object([
                uuid("id"), uuid("project_id"), Schema.string.required("name"), Schema.integer().optional("version_number"),
                Schema.string.optional("shot"),
                Schema.uuid.described("The asset it is a version of").optional("asset_id"),
                Schema.string.described("The asset's name: the one given, else the name without its version suffix")
                    .optional("asset"),
                Schema.uuid.optional("task_id"),
                Schema.string.described("A name on the project's version status list").required("status"),
                Schema.array(.uuid).described("Staff assigned to the version itself").required("assignee_ids"),
                Schema.string.optional("client_name"), Schema.string.optional("default_reason"),
                Schema.oneOf(Version.MediaState.self).required("media_state"), Schema.string.optional("media_error"),
                displayTransform.described("The version's own display transform; absent when its media decides")
                    .optional("display_transform"),
                time("created_at"), Schema.uuid.optional("created_by"), time("updated_at"),
            ]),
            "Component": Schema.object([
                uuid("id"), uuid("version_id"), Schema.oneOf(Component.Kind.self).required("kind"),
                Schema.string.orNull("the original, which belongs to no profile").required("profile"),
                Schema.string.required("path"), Schema.string.required("file_name"), Schema.integer(0...Int.max).required("size"),
                Schema.sha256.required("sha256"),
                Schema.map(.any).orNull("nothing recorded").described("What probing found (originals) or the layout (filmstrips)")
                    .required("media_info"),
                Schema.sha256.orNull("an original").described("The original this file was made from").required("source_sha256"),
                time("created_at"),
            ]),
            "ReviewSession": Schema.object([
                uuid("id"), uuid("project_id"), Schema.string.required("title"), Schema.string.required("description"),
                time("starts_at"), time("ends_at"), Schema.dateTime.optional("closed_at"),
                settings(Schema.boolean).described("The settings in force").required("settings"),
                Schema.object(SessionSetting.allCases.map { Schema.boolean.optional($0.rawValue) })
                    .described("The settings this session sets itself (the rest come from its project)").required("overrides"),
                Schema.boolean.required("has_passphrase"), time("created_at"), Schema.uuid.optional("created_by"),
                time("updated_at"),
            ]),
            "ClonedSession": Schema.object([Schema.ref("ReviewSession").required("session"),
                                      Schema.array(Schema.ref("CollaboratorInvite")).required("invites")]),
            "ShareLink": Schema.object([Schema.string.required("url")]),
            "SequenceUpload": Schema.object([
                uuid("id"), uuid("version_id"), Schema.string.described("Such as sh010.####.exr").required("pattern"),
                Schema.integer().required("first_number"), Schema.integer().required("last_number"),
                Schema.array(Schema.array(.integer(), count: 2...2)).described("File numbers with no file, as [first, last] ranges")
                    .required("gaps"),
                gapFill.orNull("the project's default").required("gap_fill"), Schema.boolean.required("allow_gaps"),
                Schema.oneOf(SequenceUpload.State.self).required("state"),
                Schema.boolean.described("Stored, and its transcode queued").required("complete"),
                Schema.array(Schema.ref("UploadState")).described("The frames still arriving, by name").required("uploads"),
                Schema.uuid.orNull("not stored yet").described("The transcode").required("job_id"),
                Schema.string.orNull("no failure").described("Why storing the sequence failed").required("error"),
            ]),
            "StaffInvite": Schema.object([
                Schema.string.described("The set-password link, shown this once").required("url"), time("expires_at"),
                Schema.boolean.described("Whether the invitation was written into the outbox, which a worker delivers from")
                    .required("emailed"),
            ]),
            "SessionItem": Schema.object([
                uuid("id"), uuid("session_id"), uuid("version_id"), Schema.integer(0...Int.max).required("position"),
                Schema.string.required("version_name"), Schema.string.optional("version_label"),
                Schema.string.optional("client_name"), Schema.string.optional("reason"), time("created_at"),
                Schema.uuid.optional("created_by"),
            ]),
            "Collaborator": Schema.object([
                uuid("id"), uuid("session_id"), Schema.string.required("name"), Schema.string.optional("email"),
                Schema.oneOf(Collaborator.Role.self).required("role"), Schema.uuid.optional("staff_user_id"),
                Schema.boolean.required("joined_by_share_link"), Schema.dateTime.optional("invited_at"),
                Schema.dateTime.optional("revoked_at"), time("created_at"), Schema.uuid.optional("created_by"),
            ]),
            "CollaboratorInvite": Schema.object([
                Schema.ref("Collaborator").required("collaborator"),
                Schema.string.described("Their personal link, shown when it is issued").required("invite_url"),
                Schema.boolean.described("Whether the invitation was written into the outbox, which a worker delivers from (sent invites)").optional("emailed"),
            ]),
            "ReviewSessionView": Schema.object([
                uuid("id"), Schema.string.required("title"), Schema.string.required("description"), time("starts_at"),
                time("ends_at"), Schema.string.required("studio"),
                Schema.string.orNull("no logo").described("The studio's logo (a PNG on this server)").required("logo_url"),
                Schema.boolean.required("download_original"),
                Schema.boolean.required("download_proxy"), Schema.boolean.required("allow_comments"),
                Schema.boolean.required("comments_visible_to_others"),
                Schema.ref("Collaborator").orNull("staff previewing").described("You, the collaborator").required("you"),
                Schema.boolean.described("Staff previewing: what a collaborator sees, as nobody in particular").required("preview"),
            ]),
            "ReviewItem": Schema.object([
                uuid("id"), Schema.integer(0...Int.max).required("position"), Schema.string.required("name"),
                Schema.string.optional("version_label"), Schema.string.optional("reason"),
                playerMedia.described("What the player needs; missing until the proxy is made").optional("media"),
                Schema.object([Schema.boolean.required("original"), Schema.boolean.required("proxy")]).required("downloads"),
            ]),
            "UploadCompleted": Schema.object([Schema.ref("Component").required("original"), Schema.ref("Job").required("job")]),
            "UploadState": Schema.object([
                uuid("id"), uuid("version_id"), Schema.string.required("file_name"), Schema.integer(1...Int.max).required("size"),
                Schema.integer(0...Int.max).required("offset"), Schema.boolean.required("complete"),
                Schema.ref("Component").optional("original"), Schema.ref("Job").optional("job"),
            ]),
            "Job": Schema.object([
                uuid("id"), Schema.oneOf(Job.Kind.self).required("kind"),
                Schema.string.described("The job's own JSON, as text").required("payload"),
                Schema.oneOf(Job.State.self).required("state"), Schema.integer(0...Int.max).required("attempts"),
                Schema.integer(1...Int.max).required("max_attempts"), Schema.string.optional("lease_owner"),
                Schema.dateTime.optional("lease_expires_at"), Schema.dateTime.optional("heartbeat_at"),
                Schema.integer(0...Int.max).required("progress_done"), Schema.integer(0...Int.max).required("progress_total"),
                Schema.string.optional("last_error"), time("run_after"), Schema.boolean.required("cancel_requested"),
                Schema.string.optional("idempotency_key"), Schema.uuid.optional("batch_id"), time("created_at"),
                Schema.dateTime.optional("started_at"), Schema.dateTime.optional("finished_at"), time("updated_at"),
            ]),
            "Worker": Schema.object([
                Schema.string.required("id"), Schema.string.required("host"), Schema.integer().required("pid"),
                Schema.integer(1...Int.max).required("concurrency"), time("started_at"), time("heartbeat_at"),
            ]),
            "ReprocessStarted": Schema.object([
                Schema.uuid.optional("batch_id"), Schema.string.required("profile"), Schema.integer(0...Int.max).required("enqueued"),
                Schema.integer(0...Int.max).required("up_to_date"), Schema.integer(0...Int.max).required("without_media"),
                Schema.array(Schema.ref("Job")).required("jobs"),
            ]),
            "BatchSummary": Schema.object([
                uuid("batch_id"), uuid("project_id"), Schema.string.required("profile"),
                Schema.integer(0...Int.max).required("total"), Schema.integer(0...Int.max).required("succeeded"),
                Schema.integer(0...Int.max).required("failed"), Schema.integer(0...Int.max).required("cancelled"),
                Schema.integer(0...Int.max).described("Queued or running").required("active"),
            ]),
            "Webhook": Schema.object([
                uuid("id"), Schema.string.required("url"),
                Schema.string.described("Signs each delivery (HMAC-SHA256); shown only when the webhook is created").required("secret"),
                Schema.array(Schema.oneOf(Webhook.Event.self)).required("events"),
                Schema.oneOf(Webhook.Audience.self)
                    .described("staff: every event; clients: only feedback any collaborator may see, no staff-only events")
                    .required("audience"),
                Schema.boolean.required("enabled"),
                time("created_at"),
            ]),
            "Comment": comment,
            "ItemStatus": Schema.object([
                uuid("item_id"), author.required("collaborator"), Schema.oneOf(Collaborator.Role.self).required("role"),
                Schema.oneOf(ReviewStatus.self).required("status"),
                Schema.boolean.described("Whether their status counts in the item's summary").required("decides"),
                time("updated_at"),
                Schema.array(Schema.object([Schema.oneOf(ReviewStatus.self).required("from"),
                                            Schema.oneOf(ReviewStatus.self).required("to"), time("at"),
                                            author.described("The staff member who set it on the collaborator's behalf "
                                                             + "(through an ftrack script)").optional("set_by")]))
                    .described("Every change, oldest first").required("history"),
            ]),
            "StatusSummary": Schema.object([
                uuid("item_id"), count("deciders"), count("pending"), count("approved"), count("requires_changes"),
                Schema.boolean.described("Every decider approved (and there is at least one)").required("all_approved"),
                Schema.boolean.described("A decider asks for changes: this wins over everything else").required("any_requires_changes"),
            ]),
            "FrameDrawing": Schema.object([
                uuid("comment_id"), FeedbackSchemas.frame.described("The frame it is drawn on").required("frame"),
                labeledAnchor.required("anchor"), FeedbackSchemas.drawing.required("drawing"),
            ]),
            "WorkflowStatus": workflowStatus,
            "StatusLists": Schema.object([Schema.array(workflowStatus).required("version"),
                                          Schema.array(workflowStatus).required("task")]),
            "Task": Schema.object([
                uuid("id"), uuid("project_id"), Schema.string.required("name"),
                Schema.string.described("A name on the project's task status list").required("status"),
                Schema.array(.uuid).described("Staff user ids, in order").required("assignee_ids"), time("created_at"),
                Schema.uuid.optional("created_by"), time("updated_at"),
            ]),
            "Note": note,
            "NotificationSettings": Schema.object([
                Schema.oneOf(NotificationFrequency.self).required("frequency"),
                Schema.boolean.described("Whether mail is sent at all").required("email"),
            ]),
            "Notification": Schema.object([
                uuid("id"), uuid("session_id"), Schema.oneOf(Notice.Kind.self).required("kind"), uuid("item_id"),
                Schema.uuid.optional("comment_id"),
                Schema.object([
                    Schema.string.required("session_title"), Schema.string.required("version_name"), author.required("author"),
                    Schema.string.optional("text"), Schema.integer().optional("frame_number"),
                    Schema.integer().optional("last_frame_number"), Schema.string.optional("timecode"),
                    Schema.oneOf(ReviewStatus.self).optional("status"), Schema.boolean.required("internal"),
                ]).described("What happened, as it was then").required("details"),
                time("created_at"), Schema.dateTime.optional("read_at"),
            ]),
            "FrameCheck": Schema.object([
                uuid("id"), uuid("session_id"), uuid("item_id"), uuid("version_id"), author.required("viewer"),
                Schema.oneOf(FrameCheck.Moment.self).described("seek: the frame asked for was not shown; play: a presented "
                    + "frame did not start where the frame map says").required("during"),
                FeedbackSchemas.frame.described("The frame the player meant to show").required("expected"),
                FeedbackSchemas.frame.described("The frame its media time falls in").required("presented"),
                Schema.number(0...1e9).described("The presented frame's media time in seconds, as the browser gave it").required("media_time"),
                Schema.string.optional("user_agent"), Schema.integer(1...Int.max).described("How often this viewer saw it").required("times"),
                time("first_at"), time("last_at"),
            ]),
            "Report": Schema.object([
                uuid("id"), uuid("session_id"),
                Schema.oneOf(SessionReport.State.self).described("queued while its job makes it (see progress), then ready or failed")
                    .required("state"),
                author.described("Who asked: the report shows what they may see").required("requested_by"),
                reportOptions.required("options"),
                Schema.object([uuid("job_id"), Schema.oneOf(Job.State.self).required("state"),
                               count("done"), count("total")]).described("The job's progress: pictures drawn of all").optional("progress"),
                Schema.integer(1...Int.max).optional("pages"),
                Schema.array(Schema.object([
                    uuid("comment_id"), FeedbackSchemas.frame.required("frame"), Schema.integer(1...Int.max).required("page"),
                    Schema.number(0...1e6).required("x"), Schema.number(0...1e6).required("y"),
                    Schema.number(0...1e6).required("width"), Schema.number(0...1e6).required("height"),
                    Schema.oneOf(["receipt", "grab"]).required("source"),
                ])).described("Where each comment's frame is: its page, and its box in points from the page's top-left")
                    .optional("pictures"),
                Schema.integer(0...Int.max).optional("size"),
                Schema.string.optional("sha256"), Schema.string.described("Why it failed").optional("error"),
                Schema.string.described("Where to download the PDF, once ready").optional("pdf_url"),
                time("created_at"), Schema.dateTime.optional("finished_at"),
            ]),
            "MarkedRead": Schema.object([Schema.integer(0...Int.max).described("How many were unread").required("marked")]),
            "TransferPlan": transferPlan,
            "SessionEvents": Schema.object([
                Schema.array(Schema.object([
                    Schema.integer(1...Int.max).required("seq"), Schema.oneOf(SessionEvent.Kind.self).required("type"),
                    time("at"), Schema.map(.any).described("What changed: see the feedback format").required("data"),
                ])).required("events"),
                Schema.integer(0...Int.max).described("The session's last event number, which the caller may not see")
                    .required("last_seq"),
            ]),
        ]
        // A page of each list the API answers.
        for (list, element) in [("StaffUserList", "StaffUser"), ("APIKeyList", "APIKey"), ("ProjectList", "Project"), ("VersionList", "Version"),
                                ("ComponentList", "Component"), ("ReviewSessionList", "ReviewSession"),
                                ("SessionItemList", "SessionItem"), ("CollaboratorList", "Collaborator"),
                                ("CollaboratorInviteList", "CollaboratorInvite"), ("ReviewItemList", "ReviewItem"),
                                ("JobList", "Job"), ("WorkerList", "Worker"), ("WebhookList", "Webhook"),
                                ("CommentList", "Comment"), ("ItemStatusList", "ItemStatus"),
                                ("StatusSummaryList", "StatusSummary"), ("FrameDrawingList", "FrameDrawing"),
                                ("WorkflowStatusList", "WorkflowStatus"), ("TaskList", "Task"), ("NoteList", "Note"),
                                ("NotificationList", "Notification"),
                                ("FrameCheckList", "FrameCheck"), ("ReportList", "Report")] {
            schemas[list] = Schema.object([
                Schema.array(Schema.ref(element)).required("data"),
                Schema.object([Schema.integer(0...Int.max).required("total"), Schema.integer(1...Int.max).required("limit"),
                               Schema.integer(0...Int.max).required("offset")]).required("pagination"),
            ])
        }
        return schemas
    }()

    private static func uuid(_ name: String) -> Schema.Property { Schema.uuid.required(name) }
    private static func time(_ name: String) -> Schema.Property { Schema.dateTime.required(name) }

    private static func count(_ name: String) -> Schema.Property { Schema.integer(0...Int.max).required(name) }

    /// Who wrote a comment or set a status.
    private static let author = Schema.object([
        Schema.oneOf(FeedbackAuthor.Kind.self).required("kind"),
        Schema.uuid.described("A staff user's id, or the session collaborator's").required("id"), Schema.string.required("name"),
    ])

    /// An anchor with the numbers and timecodes people know its frames by.
    private static let labeledAnchor = Schema.oneOf([
        Schema.object([FeedbackSchemas.frame.required("frame"), Schema.integer().required("number"),
                       Schema.string.required("timecode")]).described("One frame"),
        Schema.object([FeedbackSchemas.frame.required("first"), FeedbackSchemas.frame.required("last"),
                       Schema.integer().required("first_number"), Schema.integer().required("last_number"),
                       Schema.string.required("first_timecode"), Schema.string.required("last_timecode")])
            .described("A range of frames, both ends included"),
        Schema.object([]).described("The whole item"),
    ])

    private static let comment = Schema.object([
        uuid("id"), uuid("session_id"), uuid("item_id"), Schema.uuid.optional("parent_id"), author.required("author"),
        Schema.string.described("Empty only on a deleted comment").required("text"),
        labeledAnchor.described("Absent on a reply").optional("anchor"), FeedbackSchemas.drawing.optional("drawing"),
        Schema.boolean.required("internal"), Schema.dateTime.optional("resolved_at"), author.optional("resolved_by"),
        Schema.object([
            Schema.oneOf(FrameReceipt.State.self).required("state"),
            Schema.string.described("The still, once ready").optional("url"),
            Schema.sha256.described("SHA-256 of the frame's full-size RGB24 pixels, once ready").optional("sha256"),
        ]).described("The frame its author saw (frame and range anchors)").optional("receipt"),
        time("created_at"), Schema.dateTime.optional("edited_at"),
        Schema.dateTime.described("Deleted by its author: a tombstone").optional("deleted_at"),
    ])

    private static let workflowStatus = Schema.object([
        uuid("id"), uuid("project_id"), Schema.oneOf(WorkflowStatus.Scope.self).required("scope"), Schema.string.required("name"),
        Schema(.string(.init(format: .colour))).required("colour"), Schema.oneOf(WorkflowStatus.Kind.self).required("kind"),
        Schema.integer(0...Int.max).required("position"),
    ])

    private static let note = Schema.object([
        uuid("id"), uuid("version_id"), Schema.uuid.described("The note this answers").optional("parent_id"),
        Schema.object([
            Schema.oneOf(FeedbackAuthor.Kind.self).required("kind"),
            Schema.uuid.described("A staff user's id, or the collaborator's in the session the note came from").required("id"),
            Schema.string.required("name"), Schema.string.optional("email"),
        ]).required("author"),
        Schema.string.required("text"), labeledAnchor.required("anchor"), FeedbackSchemas.drawing.optional("drawing"),
        Schema.object([
            FeedbackSchemas.frame.required("frame"), Schema.sha256.required("sha256"), Schema.string.required("url"),
        ]).described("The frame its comment was made on (transferred notes)").optional("receipt"),
        Schema.boolean.required("completable"), Schema.dateTime.optional("completed_at"), Schema.uuid.optional("completed_by"),
        Schema.array(.uuid).required("recipient_ids"),
        Schema.object([
            uuid("session_id"), uuid("comment_id"), Schema.uuid.optional("transferred_by"), time("transferred_at"),
        ]).described("The review session and comment it was transferred from").optional("source"),
        Schema.dateTime.described("When it was written: a transferred comment's own time").required("created_at"),
        time("updated_at"),
    ])

    private static let transferPlan = Schema.object([
        uuid("session_id"), Schema.oneOf(WorkflowStatus.Scope.self).required("status_target"),
        Schema.string.optional("approved_status"), Schema.string.optional("changes_status"),
        Schema.array(Schema.object([
            uuid("item_id"), uuid("version_id"), Schema.string.required("version_name"),
            Schema.oneOf(["approved", "requires_changes", "undecided"]).described("What the deciders said").required("verdict"),
            Schema.object([
                Schema.oneOf(WorkflowStatus.Scope.self).required("scope"), uuid("target_id"), Schema.string.required("from"),
                Schema.string.required("to"),
            ]).described("The status the rule sets").optional("status_change"),
            Schema.string.described("Why the rule changes nothing here, when the deciders decided").optional("status_note"),
            Schema.array(Schema.object([
                uuid("comment_id"), uuid("note_id"),
                Schema.boolean.described("An earlier transfer made this note: nothing new").required("already_transferred"),
            ])).required("notes"),
            Schema.uuid.described("The note written in the transfer, on this version").optional("new_note_id"),
        ])).required("items"),
        Schema.boolean.described("false: a preview").required("applied"), count("notes_created"), count("statuses_changed"),
    ])

    private static let staffUser = Schema.object([
        uuid("id"), Schema.string.required("name"), Schema.string.required("email"),
        Schema.string.described("What scripts call them by (ftrack's ftrack-user): unique, lower case").required("username"),
        Schema.boolean.required("is_admin"), time("created_at"), Schema.uuid.optional("created_by"),
        Schema.dateTime.described("Set while the member is deactivated: no key or password of theirs lets anyone in")
            .optional("deactivated_at"),
    ])

    /// The six session settings, each of `value`'s schema.
    static func settings(_ value: Schema, required: Bool = true) -> Schema {
        Schema.object(SessionSetting.allCases.map { required ? value.required($0.rawValue) : value.optional($0.rawValue) })
    }

    private static let projectDefaults = Schema.object(
        SessionSetting.allCases.map { Schema.boolean.required($0.rawValue) }
            + [Schema.integer(FieldRules.shareDays).required("share_days"), Schema.boolean.required("email_thumbnails"),
               gapFill.required("gap_fill"), alphaBackground.required("alpha_background")])

    /// How pictures are made display-referred.
    static let displayTransform = Schema.oneOf(DisplayTransform.allCases.map(\.rawValue))
        .described("How pictures are made display-referred: none, srgb (linear light), cineon (log DPX), pq or hlg "
                   + "(HDR, tone-mapped to Rec. 709)")

    /// What shows through transparent parts of pictures.
    static let alphaBackground = Schema.oneOf(ProjectDefaults.alphaBackgroundNames)
        .described("What transparent parts of pictures are composited over: grey or checkerboard")

    /// What frames of files missing from an image sequence show.
    static let gapFill = Schema.oneOf(ProjectDefaults.gapFillNames)
        .described("What frames of files missing from an image sequence show: hold (the picture before), slate or black")

    /// Frames with no file behind them.
    static let missingFrames = Schema.array(Schema.array(Schema.integer(0...Int.max), count: 2...2))
        .described("Frames (indices from 0) of files missing from an image sequence, as sorted [first, last] ranges")

    private static let playerMedia = Schema.object([
        Schema.string.required("proxy_url"), Schema.string.optional("poster_url"), Schema.string.optional("filmstrip_url"),
        Schema.map(.any).described("The filmstrip's tile layout").optional("filmstrip"),
        Schema.string.optional("frame_map_url"),
        Schema.string.described("A frame grab's URL: put the frame index (from 0) for {frame}").required("frame_url"),
        Schema.integer(0...Int.max).required("frame_count"),
        Schema(.string(.init(format: .rational))).described("Frames per second, exact: 24000/1001").required("rate"),
        Schema.integer().described("The number of frame 0 as people know it (1001 for a sequence from 1001)")
            .required("first_frame_number"),
        Schema.string.optional("start_timecode"),
        Schema(.string(.init(format: .rational))).described("Seconds, exact: 7007/2000").required("duration"),
        Schema.integer(1...Int.max).required("width"), Schema.integer(1...Int.max).required("height"),
        Schema(.string(.init(format: .rational))).described("The pixel aspect ratio: 1/1, 4/3").required("pixel_aspect"),
        Schema.boolean.required("has_audio"), Schema.boolean.required("variable_rate"),
        missingFrames.optional("missing"), gapFill.optional("gap_fill"),
        displayTransform.optional("display_transform"),
        alphaBackground.described("What transparency was composited over; absent when the media has none")
            .optional("alpha_background"),
    ])
}
