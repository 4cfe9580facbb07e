/// The types the ftrack faces serve, mapped onto the catalog's tables: the protocol page's
/// table (`ftrack-protocol.md` §1.8), with the names and keys of ftrack's 2024 schema, plus
/// Dailies' own (★ there): a session's `status`, `ReviewSessionObjectComment`, `Collaborator`.
///
/// Ids are the catalog's (upper-case strings in SQL, lower case on the wire); times are its
/// milliseconds. Attributes ftrack has and Dailies does not keep read as constants (a
/// project's `root` is `""`) or NULL, so scripts that read them get what ftrack would give
/// an unset field.
enum FtrackSchema {
    /// Every type, in the order `query_schemas` lists them.
    static let types: [EntityType] = [
        location, user, collaborator, project, task, asset, assetVersion, reviewSession, reviewSessionObject,
        reviewSessionInvitee, reviewSessionObjectStatus, note, reviewSessionObjectComment,
    ]

    private static let byName = Dictionary(uniqueKeysWithValues: types.map { ($0.name, $0) })

    static func type(_ name: String) -> EntityType? { byName[name] }

    // MARK: Building blocks

    private static func id(_ sql: String = "$.id") -> Attribute {
        Attribute(name: "id", kind: .scalar(.id, sql: sql), defaultValue: .string("{uid}"), isImmutable: true)
    }

    private static func scalar(_ name: String, _ type: ScalarType, _ sql: String, default value: Attribute.DefaultValue? = nil)
        -> Attribute
    {
        Attribute(name: name, kind: .scalar(type, sql: sql), defaultValue: value)
    }

    private static func computed(_ name: String, _ type: ScalarType, _ sql: String) -> Attribute {
        Attribute(name: name, kind: .scalar(type, sql: sql), isComputed: true, isImmutable: true)
    }

    private static func reference(_ name: String, _ type: String, _ sql: String) -> Attribute {
        Attribute(name: name, kind: .reference([ReferenceTarget(type: type, sql: sql)]))
    }

    private static func collection(_ name: String, _ type: String, key: String, where condition: String? = nil) -> Attribute {
        Attribute(name: name, kind: .collection(type: type, key: key, condition: condition))
    }

    /// Not kept by Dailies: always NULL.
    private static func unset(_ name: String, _ type: ScalarType) -> Attribute {
        Attribute(name: name, kind: .scalar(type, sql: "NULL"), isComputed: true)
    }

    // MARK: Types

    /// The client makes its four built-in locations itself; it needs the type, not rows.
    static let location = EntityType(
        name: "Location", source: "(SELECT NULL AS id, NULL AS name, NULL AS created_at WHERE 1 = 0)", listed: nil,
        attributes: [id(), scalar("name", .string, "$.name"), computed("label", .string, "$.name"),
                     computed("description", .string, "$.name")],
        defaultProjections: ["id"], access: .staff)

    static let user = EntityType(
        name: "User", source: "staff_users", listed: nil,
        attributes: [
            id(), scalar("username", .string, "$.username"),
            // Dailies keeps one name: it reads as the first name, and the last name is blank.
            computed("first_name", .string, "$.name"), computed("last_name", .string, "''"),
            scalar("email", .string, "$.email"), computed("is_active", .boolean, "($.deactivated_at IS NULL)"),
            computed("resource_type", .string, "'user'"), computed("created_at", .datetime, "$.created_at"),
        ],
        defaultProjections: ["id"], access: .adminOrSelf)

    /// Someone who wrote a comment as a collaborator (ftrack 2024's author type for guests).
    static let collaborator = EntityType(
        name: "Collaborator", source: "collaborators", listed: nil,
        attributes: [id(), computed("name", .string, "$.name"), computed("email", .string, "$.email"),
                     computed("created_at", .datetime, "$.created_at")],
        defaultProjections: ["id"], access: .staff)

    static let project = EntityType(
        name: "Project", source: "projects", listed: nil,
        attributes: [
            id(), scalar("name", .string, "$.name"), computed("full_name", .string, "$.name"),
            computed("context_type", .string, "'show'"), computed("status", .string, "'active'"),
            computed("is_global", .boolean, "FALSE"), computed("is_private", .boolean, "FALSE"),
            computed("root", .string, "''"), unset("start_date", .datetime), unset("end_date", .datetime),
            computed("created_at", .datetime, "$.created_at"), computed("created_by_id", .id, "$.created_by"),
            unset("project_schema_id", .id),
            reference("created_by", "User", "$.created_by"),
            collection("review_sessions", "ReviewSession", key: "project_id"),
            collection("assets", "Asset", key: "project_id"),
        ],
        defaultProjections: ["context_type", "id", "name"], access: .staff)

    static let task = EntityType(
        name: "Task", source: "tasks", listed: nil,
        attributes: [
            id(), scalar("name", .string, "$.name"), computed("context_type", .string, "'task'"),
            computed("description", .string, "''"), computed("parent_id", .id, "$.project_id"),
            computed("project_id", .id, "$.project_id"), unset("type_id", .id), unset("status_id", .id),
            // ★ The status's name on the project's task list (ftrack names a Status entity).
            computed("status", .string, "$.status"),
            unset("start_date", .datetime), unset("end_date", .datetime), computed("created_at", .datetime, "$.created_at"),
            reference("project", "Project", "$.project_id"),
            collection("versions", "AssetVersion", key: "task_id"),
        ],
        defaultProjections: ["context_type", "id", "name"], access: .staff)

    static let asset = EntityType(
        name: "Asset", source: "assets", listed: nil,
        attributes: [
            id(), scalar("name", .string, "$.name"), computed("context_id", .id, "$.project_id"),
            computed("project_id", .id, "$.project_id"), unset("type_id", .id), computed("created_at", .datetime, "$.created_at"),
            reference("project", "Project", "$.project_id"),
            collection("versions", "AssetVersion", key: "asset_id"),
        ],
        defaultProjections: ["id"], access: .staff)

    static let assetVersion = EntityType(
        name: "AssetVersion", source: "versions", listed: "$.removed_at IS NULL",
        attributes: [
            id(), computed("version", .integer, "$.version_number"),
            computed("comment", .string, "COALESCE($.default_reason, '')"), computed("is_published", .boolean, "TRUE"),
            computed("asset_id", .id, "$.asset_id"), computed("task_id", .id, "$.task_id"),
            computed("user_id", .id, "$.created_by"), computed("project_id", .id, "$.project_id"), unset("status_id", .id),
            // ★ The status's name on the project's version list.
            computed("status", .string, "$.status"),
            computed("date", .datetime, "$.created_at"), computed("created_at", .datetime, "$.created_at"),
            reference("asset", "Asset", "$.asset_id"), reference("task", "Task", "$.task_id"),
            reference("user", "User", "$.created_by"), reference("project", "Project", "$.project_id"),
            collection("review_session_objects", "ReviewSessionObject", key: "version_id"),
            collection("notes", "Note", key: "parent_id", where: "$.parent_type = 'AssetVersion'"),
        ],
        defaultProjections: ["id"], access: .staff)

    /// `{now}` in a template is the query's clock, in milliseconds (a number we write, not a
    /// caller's value).
    static let reviewSession = EntityType(
        name: "ReviewSession", source: "review_sessions", listed: nil,
        attributes: [
            id(), scalar("name", .string, "$.title", default: .string("New review session")),
            scalar("description", .string, "$.description", default: .string("")),
            scalar("start_date", .datetime, "$.starts_at"), scalar("end_date", .datetime, "$.ends_at"),
            computed("created_at", .datetime, "$.created_at"), computed("created_by_id", .id, "$.created_by"),
            Attribute(name: "project_id", kind: .scalar(.id, sql: "$.project_id"), isImmutable: true),
            Attribute(name: "passphrase", kind: .scalar(.string, sql: "NULL"), isWriteOnly: true),
            computed("passphrase_enabled", .boolean, "($.passphrase_hash IS NOT NULL)"),
            scalar("shareable_url_enabled", .boolean,
                   "COALESCE($.share_link_enabled, (SELECT p.share_link_enabled FROM projects p WHERE p.id = $.project_id))"),
            computed("is_moderated", .boolean, "FALSE"),
            computed("is_open", .boolean, "($.closed_at IS NULL AND $.starts_at <= {now} AND $.ends_at > {now})"),
            // ★ Open or Closed: setting it closes or reopens the session.
            scalar("status", .string, "CASE WHEN $.closed_at IS NULL THEN 'Open' ELSE 'Closed' END"),
            reference("project", "Project", "$.project_id"), reference("created_by", "User", "$.created_by"),
            collection("review_session_objects", "ReviewSessionObject", key: "review_session_id"),
            collection("review_session_invitees", "ReviewSessionInvitee", key: "review_session_id"),
        ],
        defaultProjections: ["id"], access: .staff)

    static let reviewSessionObject = EntityType(
        name: "ReviewSessionObject", source: "session_items", listed: "$.removed_at IS NULL",
        attributes: [
            id(),
            // The client-facing name, the reason for review and the version label as items show them.
            scalar("name", .string, "COALESCE($.client_name, '')", default: .string("")),
            scalar("description", .string, "COALESCE($.reason, '')", default: .string("")),
            scalar("version", .string, "COALESCE($.version_label, '')", default: .string("")),
            Attribute(name: "version_id", kind: .scalar(.id, sql: "$.version_id"), isImmutable: true),
            Attribute(name: "review_session_id", kind: .scalar(.id, sql: "$.session_id"), isImmutable: true),
            scalar("sort_order", .integer, "$.position"), computed("created_at", .datetime, "$.created_at"),
            reference("asset_version", "AssetVersion", "$.version_id"),
            reference("review_session", "ReviewSession", "$.session_id"),
            collection("notes", "Note", key: "parent_id", where: "$.parent_type = 'ReviewSessionObject'"),
            collection("statuses", "ReviewSessionObjectStatus", key: "review_session_object_id"),
        ],
        defaultProjections: ["id"], access: .staff)

    static let reviewSessionInvitee = EntityType(
        name: "ReviewSessionInvitee", source: "collaborators", listed: "$.removed_at IS NULL",
        attributes: [
            id(), scalar("name", .string, "$.name"), scalar("email", .string, "COALESCE($.email, '')"),
            Attribute(name: "review_session_id", kind: .scalar(.id, sql: "$.session_id"), isImmutable: true),
            computed("created_at", .datetime, "$.created_at"), computed("created_by_id", .id, "$.created_by"),
            computed("last_sent_at", .datetime, "$.invited_at"),
            computed("created_from_shared_url", .boolean, "$.joined_by_share_link"), unset("resource_id", .id),
            reference("review_session", "ReviewSession", "$.session_id"), reference("created_by", "User", "$.created_by"),
            collection("statuses", "ReviewSessionObjectStatus", key: "review_session_invitee_id"),
        ],
        defaultProjections: ["id"], access: .staff)

    /// A collaborator's current verdict on an item: `approved` or `require_changes` on the
    /// wire (Dailies says `requires_changes`), and `pending` once taken back.
    static let reviewSessionObjectStatus = EntityType(
        name: "ReviewSessionObjectStatus", source: "review_statuses", listed: nil,
        attributes: [
            id(),
            scalar("status", .string, "CASE WHEN $.status = 'requires_changes' THEN 'require_changes' ELSE $.status END"),
            Attribute(name: "review_session_object_id", kind: .scalar(.id, sql: "$.item_id"), isImmutable: true),
            Attribute(name: "review_session_invitee_id", kind: .scalar(.id, sql: "$.collaborator_id"), isImmutable: true),
            unset("resource_id", .id), computed("created_at", .datetime, "$.updated_at"),
            reference("review_session_object", "ReviewSessionObject", "$.item_id"),
            reference("invitee", "ReviewSessionInvitee", "$.collaborator_id"),
        ],
        defaultProjections: ["id"], access: .staff)

    /// Comments on items and notes on versions, as one type: its parent says which.
    static let note = EntityType(
        name: "Note",
        source: """
            (SELECT c.id AS id, c.text AS content, c.item_id AS parent_id, 'ReviewSessionObject' AS parent_type, \
            CASE WHEN c.author_kind = 'staff' THEN c.author_id END AS user_id, \
            CASE WHEN c.author_kind = 'collaborator' THEN c.author_id END AS collaborator_id, \
            c.parent_id AS in_reply_to_id, c.anchor_first AS anchor_first, i.version_id AS version_id, \
            s.project_id AS project_id, c.created_at AS created_at \
            FROM comments c JOIN session_items i ON i.id = c.item_id JOIN review_sessions s ON s.id = c.session_id \
            WHERE c.deleted_at IS NULL \
            UNION ALL \
            SELECT n.id, n.text, n.version_id, 'AssetVersion', \
            CASE WHEN n.author_kind = 'staff' THEN n.author_id END, \
            CASE WHEN n.author_kind = 'collaborator' THEN n.author_id END, \
            n.parent_id, n.anchor_first, n.version_id, v.project_id, n.created_at \
            FROM notes n JOIN versions v ON v.id = n.version_id)
            """,
        listed: nil,
        attributes: [
            id(), scalar("content", .string, "$.content"),
            Attribute(name: "parent_id", kind: .scalar(.id, sql: "$.parent_id"), isImmutable: true),
            Attribute(name: "parent_type", kind: .scalar(.string, sql: "$.parent_type"), isImmutable: true),
            scalar("user_id", .id, "$.user_id"), computed("date", .datetime, "$.created_at"),
            scalar("is_todo", .boolean, "FALSE", default: .boolean(false)), unset("category_id", .id),
            Attribute(name: "in_reply_to_id", kind: .scalar(.id, sql: "$.in_reply_to_id"), isImmutable: true),
            // The display number of the first frame (see FrameNumbers): filled in after the query.
            computed("frame_number", .integer, "$.anchor_first"),
            computed("project_id", .id, "$.project_id"), computed("created_at", .datetime, "$.created_at"),
            Attribute(name: "author", kind: .reference([ReferenceTarget(type: "User", sql: "$.user_id"),
                                                        ReferenceTarget(type: "Collaborator", sql: "$.collaborator_id")])),
            reference("in_reply_to", "Note", "$.in_reply_to_id"),
            collection("replies", "Note", key: "in_reply_to_id"),
        ],
        defaultProjections: ["id"], access: .staff)

    /// ★ Every comment on an item, whoever made it and through whichever face.
    static let reviewSessionObjectComment = EntityType(
        name: "ReviewSessionObjectComment", source: "comments", listed: "$.deleted_at IS NULL",
        attributes: [
            id(), scalar("text", .string, "$.text"),
            Attribute(name: "review_session_object_id", kind: .scalar(.id, sql: "$.item_id"), isImmutable: true),
            computed("created_at", .datetime, "$.created_at"),
            computed("user_id", .id, "CASE WHEN $.author_kind = 'staff' THEN $.author_id END"),
            reference("review_session_object", "ReviewSessionObject", "$.item_id"),
            Attribute(name: "author", kind: .reference([
                ReferenceTarget(type: "User", sql: "CASE WHEN $.author_kind = 'staff' THEN $.author_id END"),
                ReferenceTarget(type: "Collaborator", sql: "CASE WHEN $.author_kind = 'collaborator' THEN $.author_id END"),
            ])),
        ],
        defaultProjections: ["id"], access: .staff)
}
