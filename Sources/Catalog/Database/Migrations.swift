import SQLKit

/// The catalog's schema, as numbered steps applied once each, in order, at start.
///
/// The SQL is portable between SQLite and PostgreSQL: ids are UUID strings (TEXT), times are
/// milliseconds since 1970 (BIGINT), flags are BOOLEAN. A released step never changes; a new
/// need is a new step.
enum Migrations {
    struct Step: Sendable {
        let version: Int
        let name: String
        let statements: [SQLQueryString]
        /// Moves existing data, after `statements` and before `finally`, in the same transaction.
        var moveData: (@Sendable (any SQLDatabase) async throws -> Void)? = nil
        /// What runs once the data is moved (dropping the columns it moved out of).
        var finally: [SQLQueryString] = []
    }

    static let steps: [Step] = [
        Step(version: 1, name: "review sessions", statements: [
            """
            CREATE TABLE organization (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, reply_to TEXT, share_links_enabled BOOLEAN NOT NULL,
                cookie_secret TEXT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE staff_users (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, is_admin BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL, created_by TEXT)
            """,
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
                key_digest TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            """
            CREATE TABLE projects (
                id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, code TEXT,
                require_passphrase BOOLEAN NOT NULL, share_days BIGINT NOT NULL, allow_comments BOOLEAN NOT NULL,
                comments_visible BOOLEAN NOT NULL, download_original BOOLEAN NOT NULL, download_proxy BOOLEAN NOT NULL,
                email_thumbnails BOOLEAN NOT NULL, share_link_enabled BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL, created_by TEXT)
            """,
            """
            CREATE TABLE versions (
                id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                name TEXT NOT NULL, version_number BIGINT, shot TEXT, asset TEXT, task TEXT, status TEXT NOT NULL,
                client_name TEXT, default_reason TEXT, media_state TEXT NOT NULL, media_error TEXT,
                created_at BIGINT NOT NULL, created_by TEXT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX versions_by_project ON versions (project_id, created_at)",
            """
            CREATE TABLE components (
                id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                kind TEXT NOT NULL, profile TEXT NOT NULL, path TEXT NOT NULL, file_name TEXT NOT NULL,
                size BIGINT NOT NULL, sha256 TEXT NOT NULL, media_info TEXT, created_at BIGINT NOT NULL,
                UNIQUE (version_id, kind, profile))
            """,
            """
            CREATE TABLE review_sessions (
                id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                title TEXT NOT NULL, description TEXT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,
                closed_at BIGINT, download_original BOOLEAN, download_proxy BOOLEAN, require_passphrase BOOLEAN,
                share_link_enabled BOOLEAN, allow_comments BOOLEAN, comments_visible BOOLEAN,
                passphrase_hash TEXT, share_token_digest TEXT UNIQUE,
                created_at BIGINT NOT NULL, created_by TEXT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sessions_by_project ON review_sessions (project_id, created_at)",
            """
            CREATE TABLE session_items (
                id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE,
                version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE, position BIGINT NOT NULL,
                version_name TEXT NOT NULL, version_label TEXT, client_name TEXT, reason TEXT,
                created_at BIGINT NOT NULL, created_by TEXT)
            """,
            "CREATE INDEX items_by_session ON session_items (session_id, position)",
            """
            CREATE TABLE collaborators (
                id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE,
                name TEXT NOT NULL, email TEXT, role TEXT NOT NULL,
                staff_user_id TEXT REFERENCES staff_users(id) ON DELETE SET NULL,
                joined_by_share_link BOOLEAN NOT NULL, token_digest TEXT UNIQUE, invited_at BIGINT, revoked_at BIGINT,
                created_at BIGINT NOT NULL, created_by TEXT)
            """,
            "CREATE INDEX collaborators_by_session ON collaborators (session_id, created_at)",
        ]),
        Step(version: 2, name: "ingest pipeline", statements: [
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,
                attempts BIGINT NOT NULL, max_attempts BIGINT NOT NULL, lease_owner TEXT, lease_expires_at BIGINT,
                heartbeat_at BIGINT, progress_done BIGINT NOT NULL, progress_total BIGINT NOT NULL, last_error TEXT,
                run_after BIGINT NOT NULL, cancel_requested BOOLEAN NOT NULL, idempotency_key TEXT, batch_id TEXT,
                created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX jobs_claimable ON jobs (state, run_after, created_at)",
            "CREATE INDEX jobs_by_key ON jobs (idempotency_key, state)",
            "CREATE INDEX jobs_by_batch ON jobs (batch_id)",
            """
            CREATE TABLE uploads (
                id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                file_name TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT, created_at BIGINT NOT NULL, created_by TEXT)
            """,
            """
            CREATE TABLE webhooks (
                id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL,
                enabled BOOLEAN NOT NULL, created_at BIGINT NOT NULL, created_by TEXT)
            """,
            """
            CREATE TABLE workers (
                id TEXT PRIMARY KEY, host TEXT NOT NULL, pid BIGINT NOT NULL, concurrency BIGINT NOT NULL,
                started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE batches (
                id TEXT PRIMARY KEY, project_id TEXT NOT NULL, profile TEXT NOT NULL, total BIGINT NOT NULL,
                created_at BIGINT NOT NULL, finished_at BIGINT)
            """,
            "ALTER TABLE components ADD COLUMN source_sha256 TEXT",
        ]),
        Step(version: 3, name: "serving many at once", statements: [
            // Attempt counts by key (a link, a client address), shared by every process.
            """
            CREATE TABLE throttles (
                key TEXT PRIMARY KEY, attempts BIGINT NOT NULL, wait_until BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            // A browser's stored logins as a collaborator: the access cookie names them, and
            // logging out (or revoking the collaborator) deletes them.
            """
            CREATE TABLE collaborator_logins (
                id TEXT PRIMARY KEY, collaborator_id TEXT NOT NULL REFERENCES collaborators(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX logins_by_collaborator ON collaborator_logins (collaborator_id)",
            // Jobs of one lane run one at a time (a webhook's deliveries: one receiver), so a
            // dead receiver holds one delivery slot, not all of them. NULL: no lane.
            "ALTER TABLE jobs ADD COLUMN lane_key TEXT",
            "CREATE INDEX jobs_by_lane ON jobs (lane_key, state)",
            // Private networks webhooks may reach, comma-separated CIDR blocks; empty: none.
            "ALTER TABLE organization ADD COLUMN webhook_allowed_networks TEXT NOT NULL DEFAULT ''",
        ]),
        Step(version: 4, name: "session events", statements: [
            // The last number each session's events have used: bumped in the transaction that
            // records an event, so numbers are taken one at a time, with no gaps.
            """
            CREATE TABLE session_event_counters (
                session_id TEXT PRIMARY KEY REFERENCES review_sessions(id) ON DELETE CASCADE, last_seq BIGINT NOT NULL)
            """,
            // Every change in a session, in order: what the live room replays. `is_internal` and
            // `owner_id` are what the visibility rule asks of feedback (see FeedbackVisibility).
            """
            CREATE TABLE session_events (
                session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE, seq BIGINT NOT NULL,
                kind TEXT NOT NULL, at BIGINT NOT NULL, data TEXT NOT NULL, is_internal BOOLEAN NOT NULL, owner_id TEXT,
                PRIMARY KEY (session_id, seq))
            """,
        ]),
        Step(version: 5, name: "feedback", statements: [
            // Removing what has feedback only marks it removed: its comments and statuses stay.
            "ALTER TABLE session_items ADD COLUMN removed_at BIGINT",
            "ALTER TABLE collaborators ADD COLUMN removed_at BIGINT",
            "ALTER TABLE versions ADD COLUMN removed_at BIGINT",
            // Feedback rows refer to what they are about with RESTRICT: no housekeeping
            // cascade ever deletes a comment or a status. `thread_*` are the top-level
            // comment's anchor and time, copied onto its replies, so one ordered index
            // lists a thread together and by frame. `is_internal` and `owner_id` are what the
            // visibility rule asks (see FeedbackVisibility).
            """
            CREATE TABLE comments (
                id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE RESTRICT,
                item_id TEXT NOT NULL REFERENCES session_items(id) ON DELETE RESTRICT,
                parent_id TEXT REFERENCES comments(id) ON DELETE RESTRICT,
                author_kind TEXT NOT NULL, author_id TEXT NOT NULL, author_name TEXT NOT NULL,
                text TEXT NOT NULL, anchor_first BIGINT, anchor_last BIGINT, is_range BOOLEAN NOT NULL, drawing TEXT,
                is_internal BOOLEAN NOT NULL, owner_id TEXT,
                resolved_at BIGINT, resolved_by_kind TEXT, resolved_by_id TEXT, resolved_by_name TEXT,
                receipt_state TEXT, receipt_frame BIGINT, receipt_sha256 TEXT, receipt_path TEXT, receipt_error TEXT,
                thread_first BIGINT NOT NULL, thread_last BIGINT NOT NULL, thread_created_at BIGINT NOT NULL,
                thread_id TEXT NOT NULL, created_at BIGINT NOT NULL, edited_at BIGINT, deleted_at BIGINT)
            """,
            "CREATE INDEX comments_in_order ON comments (session_id, item_id, thread_first, thread_created_at, thread_id, created_at)",
            "CREATE INDEX comments_by_parent ON comments (parent_id)",
            // Each collaborator's current verdict on an item, and every change of it.
            """
            CREATE TABLE review_statuses (
                item_id TEXT NOT NULL REFERENCES session_items(id) ON DELETE RESTRICT,
                collaborator_id TEXT NOT NULL REFERENCES collaborators(id) ON DELETE RESTRICT,
                session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE RESTRICT,
                status TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (item_id, collaborator_id))
            """,
            "CREATE INDEX statuses_by_session ON review_statuses (session_id)",
            """
            CREATE TABLE status_changes (
                id TEXT PRIMARY KEY, item_id TEXT NOT NULL REFERENCES session_items(id) ON DELETE RESTRICT,
                collaborator_id TEXT NOT NULL REFERENCES collaborators(id) ON DELETE RESTRICT,
                session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE RESTRICT,
                from_status TEXT NOT NULL, to_status TEXT NOT NULL, at BIGINT NOT NULL)
            """,
            "CREATE INDEX status_changes_in_order ON status_changes (session_id, item_id, collaborator_id, at)",
            // Who is in a session's room now: one row per connection, kept alive by its
            // server, so every server sees everyone. Not feedback: it goes with its session.
            """
            CREATE TABLE room_presence (
                connection_id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE,
                participant_kind TEXT NOT NULL, participant_id TEXT NOT NULL, participant_name TEXT NOT NULL,
                expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX presence_by_session ON room_presence (session_id, expires_at)",
            // The presenter of a session's room and where they are: one upserted row.
            """
            CREATE TABLE room_presenters (
                session_id TEXT PRIMARY KEY REFERENCES review_sessions(id) ON DELETE CASCADE,
                presenter_kind TEXT NOT NULL, presenter_id TEXT NOT NULL, presenter_name TEXT NOT NULL,
                item_id TEXT, frame BIGINT, playing BOOLEAN NOT NULL, rate TEXT NOT NULL, updated_at BIGINT NOT NULL)
            """,
        ]),
        Step(version: 6, name: "statuses, tasks and notes", statements: [
            // Each project's two status lists, version and task, in order. A version's or a
            // task's `status` is a name on its project's list (the catalog checks it, and
            // renames it with the list).
            """
            CREATE TABLE workflow_statuses (
                id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                scope TEXT NOT NULL, name TEXT NOT NULL, colour TEXT NOT NULL, kind TEXT NOT NULL, position BIGINT NOT NULL,
                created_at BIGINT NOT NULL, UNIQUE (project_id, scope, name))
            """,
            """
            CREATE TABLE tasks (
                id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                name TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX tasks_by_project ON tasks (project_id, name)",
            """
            CREATE TABLE task_assignees (
                task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE, position BIGINT NOT NULL,
                PRIMARY KEY (task_id, user_id))
            """,
            """
            CREATE TABLE version_assignees (
                version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE, position BIGINT NOT NULL,
                PRIMARY KEY (version_id, user_id))
            """,
            "ALTER TABLE versions ADD COLUMN task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL",
            // Notes refer to their version with RESTRICT, like feedback. Where a transferred
            // note came from (`source_*`) is plain ids, not foreign keys: the mark and the
            // key that keeps a second transfer from duplicating it outlive the session.
            """
            CREATE TABLE notes (
                id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE RESTRICT,
                parent_id TEXT REFERENCES notes(id) ON DELETE CASCADE,
                author_kind TEXT NOT NULL, author_id TEXT NOT NULL, author_name TEXT NOT NULL, author_email TEXT,
                text TEXT NOT NULL, anchor_first BIGINT, anchor_last BIGINT, is_range BOOLEAN NOT NULL, drawing TEXT,
                receipt_frame BIGINT, receipt_sha256 TEXT, receipt_path TEXT,
                completable BOOLEAN NOT NULL, completed_at BIGINT, completed_by TEXT,
                source_session_id TEXT, source_comment_id TEXT UNIQUE, transferred_by TEXT, transferred_at BIGINT,
                created_at BIGINT NOT NULL, created_by TEXT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX notes_by_version ON notes (version_id, created_at)",
            "CREATE INDEX notes_by_parent ON notes (parent_id)",
            """
            CREATE TABLE note_recipients (
                note_id TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE, position BIGINT NOT NULL,
                PRIMARY KEY (note_id, user_id))
            """,
            "ALTER TABLE organization ADD COLUMN transfer_status_to TEXT NOT NULL DEFAULT 'version'",
            "ALTER TABLE organization ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC'",
            // Who a webhook speaks for: `staff` (everything) or `clients` (what collaborators see).
            "ALTER TABLE webhooks ADD COLUMN audience TEXT NOT NULL DEFAULT 'staff'",
        ], moveData: StatusListUpgrade.run, finally: [
            "ALTER TABLE versions DROP COLUMN task",
        ]),
        Step(version: 7, name: "notifications and the mail outbox", statements: [
            // One thing one recipient is to hear of, as it was then. Mailed ones are gathered
            // into a mail (`mail_id`, set in the transaction that writes it); staff's are also
            // their list in the app (`in_app`, `read_at`).
            """
            CREATE TABLE notices (
                id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE,
                recipient_kind TEXT NOT NULL, recipient_id TEXT NOT NULL, kind TEXT NOT NULL, item_id TEXT NOT NULL,
                comment_id TEXT, details TEXT NOT NULL, in_app BOOLEAN NOT NULL, by_email BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL, due_at BIGINT NOT NULL, mail_id TEXT, read_at BIGINT)
            """,
            "CREATE INDEX notices_waiting ON notices (recipient_kind, recipient_id, session_id, mail_id)",
            "CREATE INDEX notices_in_app ON notices (recipient_id, in_app, created_at)",
            """
            CREATE TABLE notification_settings (
                recipient_kind TEXT NOT NULL, recipient_id TEXT NOT NULL, frequency TEXT NOT NULL, email BOOLEAN NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (recipient_kind, recipient_id))
            """,
            """
            CREATE TABLE notification_unsubscribes (
                recipient_kind TEXT NOT NULL, recipient_id TEXT NOT NULL,
                session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE, at BIGINT NOT NULL,
                PRIMARY KEY (recipient_kind, recipient_id, session_id))
            """,
            // Every mail, whole, before it is delivered by a job.
            """
            CREATE TABLE mail_outbox (
                id TEXT PRIMARY KEY, sender TEXT NOT NULL, recipients TEXT NOT NULL, message TEXT NOT NULL, state TEXT NOT NULL,
                last_error TEXT, created_at BIGINT NOT NULL, sent_at BIGINT)
            """,
            "CREATE INDEX mail_by_time ON mail_outbox (created_at)",
            "ALTER TABLE organization ADD COLUMN notification_window_seconds BIGINT NOT NULL DEFAULT 120",
            "ALTER TABLE organization ADD COLUMN digest_hour BIGINT NOT NULL DEFAULT 8",
            // Where people reach the server, as the last server to start said: the workers
            // write links in mails with it.
            "ALTER TABLE organization ADD COLUMN public_url TEXT",
        ]),
        Step(version: 8, name: "staff sign-in", statements: [
            // A scrypt hash (PassphraseHash's form, cost included); NULL until one is set with
            // `dailies user set-password`, and then no password signs in.
            "ALTER TABLE staff_users ADD COLUMN password_hash TEXT",
            // A deactivated member keeps what they wrote and what they are assigned, but no key
            // or password of theirs lets anyone in.
            "ALTER TABLE staff_users ADD COLUMN deactivated_at BIGINT",
            // Browsers signed in as staff: the cookie holds the token, this only its digest.
            // A sign-in ends at `expires_at` (pushed on as it is used, up to a fixed lifetime)
            // or when `ended_at` is set (signing out, a new password, deactivation).
            """
            CREATE TABLE staff_web_sessions (
                id TEXT PRIMARY KEY, staff_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
                token_digest TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL, ended_at BIGINT)
            """,
            "CREATE INDEX web_sessions_by_staff ON staff_web_sessions (staff_id)",
        ]),
        Step(version: 9, name: "organization logo", statements: [
            // The studio's logo, as the server remade it (a PNG in the store), and its SHA-256;
            // both NULL when there is none.
            "ALTER TABLE organization ADD COLUMN logo_path TEXT",
            "ALTER TABLE organization ADD COLUMN logo_sha256 TEXT",
        ]),
        Step(version: 10, name: "frame checks", statements: [
            // The review page's self-check: frames a browser presented that disagreed with the
            // frame map, one row per viewer and disagreement, counted.
            """
            CREATE TABLE frame_checks (
                id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE,
                item_id TEXT NOT NULL, version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                viewer_kind TEXT NOT NULL, viewer_id TEXT NOT NULL, viewer_name TEXT NOT NULL, during TEXT NOT NULL,
                expected_frame BIGINT NOT NULL, presented_frame BIGINT NOT NULL, media_time DOUBLE PRECISION NOT NULL,
                user_agent TEXT, times BIGINT NOT NULL, first_at BIGINT NOT NULL, last_at BIGINT NOT NULL,
                UNIQUE (version_id, viewer_kind, viewer_id, during, expected_frame, presented_frame))
            """,
            "CREATE INDEX frame_checks_by_session ON frame_checks (session_id, last_at)",
        ]),
        Step(version: 11, name: "gap fill", statements: [
            // What frames of missing files in a project's image sequences show: hold, slate or black.
            "ALTER TABLE projects ADD COLUMN gap_fill TEXT NOT NULL DEFAULT 'hold'",
        ]),
        Step(version: 12, name: "reports", statements: [
            // Whether collaborators may make reports and exports: a project default, and a
            // session's override (NULL inherits).
            "ALTER TABLE projects ADD COLUMN allow_exports BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE review_sessions ADD COLUMN allow_exports BOOLEAN",
            // PDF reports: who asked (whose view they show), with what options, made by which
            // job, and the file once made, with where each comment's frame is on its pages.
            """
            CREATE TABLE reports (
                id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES review_sessions(id) ON DELETE CASCADE,
                requested_by_kind TEXT NOT NULL, requested_by_id TEXT NOT NULL, requested_by_name TEXT NOT NULL,
                options TEXT NOT NULL, job_id TEXT NOT NULL, state TEXT NOT NULL, path TEXT, size BIGINT, sha256 TEXT,
                pages BIGINT, pictures TEXT, error TEXT, created_at BIGINT NOT NULL, finished_at BIGINT)
            """,
            "CREATE INDEX reports_by_session ON reports (session_id, created_at)",
        ]),
        Step(version: 13, name: "servers", statements: [
            // API servers say they are alive, as workers do: staff see who serves, and moving
            // a catalog waits until none is.
            """
            CREATE TABLE servers (
                id TEXT PRIMARY KEY, host TEXT NOT NULL, pid BIGINT NOT NULL, url TEXT NOT NULL,
                started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL)
            """,
        ]),
        Step(version: 14, name: "assets, usernames and the ftrack faces", statements: [
            // The thing being versioned (`sh010_comp`), named once per project; a version is
            // (asset, version number), unique among a project's versions (the catalog checks
            // it: old catalogs may hold duplicates, which stay readable).
            """
            CREATE TABLE assets (
                id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                name TEXT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT, UNIQUE (project_id, name))
            """,
            "ALTER TABLE versions ADD COLUMN asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL",
            "CREATE INDEX versions_by_asset ON versions (asset_id, version_number)",
            // What scripts (the ftrack faces) call staff by: unique, set from the email's local
            // part unless chosen.
            "ALTER TABLE staff_users ADD COLUMN username TEXT",
            // A verdict's own id, so the ftrack faces can name it (the key stays item + collaborator).
            "ALTER TABLE review_statuses ADD COLUMN id TEXT",
            // A verdict a staff member set on a collaborator's behalf, through a script: who.
            "ALTER TABLE status_changes ADD COLUMN set_by_staff_id TEXT",
            "ALTER TABLE status_changes ADD COLUMN set_by_name TEXT",
            // An invite link is derived from this and the server's secret, so sending it again
            // sends the same link (NULL: a link from before, random, which only a new one replaces).
            "ALTER TABLE collaborators ADD COLUMN invite_nonce TEXT",
            "CREATE INDEX items_by_version ON session_items (version_id)",
            "CREATE INDEX comments_by_item ON comments (item_id, created_at)",
        ], moveData: AssetUpgrade.run, finally: [
            "ALTER TABLE versions DROP COLUMN asset",
            "CREATE UNIQUE INDEX staff_by_username ON staff_users (username)",
            "CREATE UNIQUE INDEX statuses_by_id ON review_statuses (id)",
        ]),
        Step(version: 15, name: "staff pages", statements: [
            // Links that let a staff member choose their password (the first admin's, printed at
            // first start; invited staff's, mailed): one use within a week, kept as the token's
            // digest only.
            """
            CREATE TABLE staff_password_links (
                id TEXT PRIMARY KEY, staff_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
                token_digest TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, created_by TEXT, expires_at BIGINT NOT NULL,
                used_at BIGINT)
            """,
            "CREATE INDEX password_links_by_staff ON staff_password_links (staff_id)",
            // An image sequence a browser uploads as a folder: its members arrive as ordinary
            // resumable uploads, linked here, and once the last is whole the sequence is stored
            // and its transcode queued (`job_id`). `gaps` is JSON, `[[first, last], ...]`.
            """
            CREATE TABLE sequence_uploads (
                id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                pattern TEXT NOT NULL, first_number BIGINT NOT NULL, last_number BIGINT NOT NULL, gaps TEXT NOT NULL,
                gap_fill TEXT, allow_gaps BOOLEAN NOT NULL, state TEXT NOT NULL, job_id TEXT, error TEXT,
                created_at BIGINT NOT NULL, created_by TEXT)
            """,
            "ALTER TABLE uploads ADD COLUMN sequence_upload_id TEXT REFERENCES sequence_uploads(id) ON DELETE CASCADE",
            "CREATE INDEX uploads_by_sequence ON uploads (sequence_upload_id)",
        ]),
        Step(version: 16, name: "staff administration", statements: [
            // An admin tells a member's keys apart by what they are for (`label`) and by their
            // first characters (`hint`: the prefix and four more, too few to guess the rest
            // from); keys from before this step have neither.
            "ALTER TABLE api_keys ADD COLUMN label TEXT",
            "ALTER TABLE api_keys ADD COLUMN hint TEXT",
            "ALTER TABLE api_keys ADD COLUMN created_by TEXT",
            "CREATE INDEX api_keys_by_user ON api_keys (user_id)",
            // The project and version a job works for, so staff can filter the job list by
            // them; set as each job is queued (jobs queued before this step have neither).
            "ALTER TABLE jobs ADD COLUMN project_id TEXT",
            "ALTER TABLE jobs ADD COLUMN version_id TEXT",
            "CREATE INDEX jobs_by_project ON jobs (project_id, created_at)",
            "CREATE INDEX jobs_by_version ON jobs (version_id, created_at)",
        ]),
        Step(version: 17, name: "display transforms", statements: [
            // A version's display transform when its media's own description is not to be
            // trusted (NULL: the media decides), and what a project's transparent pictures
            // are composited over.
            "ALTER TABLE versions ADD COLUMN display_transform TEXT",
            "ALTER TABLE projects ADD COLUMN alpha_background TEXT NOT NULL DEFAULT 'grey'",
            // What made a derived file (see ProcessingKey); NULL for files made before this step,
            // which a reprocess therefore remakes.
            "ALTER TABLE components ADD COLUMN processing_key TEXT",
        ]),
    ]

    /// Applies every step not applied yet (up to `last`: tests build old catalogs), each in
    /// its own transaction.
    static func run(on database: CatalogDatabase, through last: Int = .max) async throws {
        try await database.write { db in try await createLedger(on: db) }
        for step in steps where step.version <= last {
            try await database.write { db in try await apply(step, on: db) }
        }
    }

    /// Makes the table that records which steps were applied, unless it exists.
    static func createLedger(on db: any SQLDatabase) async throws {
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
            """).run()
    }

    /// Applies `step` in the caller's transaction, unless the ledger says it was: apart from
    /// ``run(on:through:)``, `dailies catalog copy` migrates its target in the transaction that
    /// copies, so a failed copy leaves no half-made schema behind either.
    static func apply(_ step: Step, on db: any SQLDatabase) async throws {
        let applied = try await db.select().column("version").from("schema_migrations")
            .where("version", .equal, step.version).first()
        guard applied == nil else { return }
        for statement in step.statements {
            try await db.raw(statement).run()
        }
        try await step.moveData?(db)
        for statement in step.finally {
            try await db.raw(statement).run()
        }
        try await db.insert(into: "schema_migrations").columns("version", "name", "applied_at")
            .values(SQLBind(step.version), SQLBind(step.name), SQLBind(Timestamp().storedMilliseconds)).run()
    }
}
