import Catalog
import Foundation
import Hummingbird
import Pipeline

/// The studio's settings and its staff.
func addOrganizationRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/me", "The staff member calling, by their API key or their browser's sign-in", tag: "staff",
                  response: "StaffUser") { input in
        try JSONCoding.response(input.caller)
    }
    api.staff.add(.get, "/api/v1/organization",
                  "The studio's name, logo, reply-to address, share-link switch and the private networks webhooks may reach",
                  tag: "staff", response: "Organization") { input in
        try JSONCoding.response(OrganizationView(try await input.catalog.organization(),
                                                 logo: try await input.catalog.organizationLogo()))
    }
    api.admin.add(.patch, "/api/v1/organization",
                  "Change the studio's settings, among them the private networks (CIDR) webhooks may reach (admins)",
                  tag: "staff", body: .json(.object([
                      Schema.string(FieldRules.name).optional("name"),
                      Schema.email.orNull("no reply-to address").optional("reply_to"),
                      Schema.boolean.optional("share_links_enabled"),
                      Schema.array(.cidr, count: FieldRules.allowedNetworks)
                          .orNull("no private network").described("Replaces the whole list").optional("webhook_allowed_networks"),
                      Schema.oneOf(WorkflowStatus.Scope.self)
                          .described("Where a transfer of feedback puts its statuses: the version, or its task")
                          .optional("transfer_status_to"),
                      Schema.string(TextRule.name(maximum: 64)).described("An IANA time zone name, such as Europe/London")
                          .optional("time_zone"),
                      Schema.integer(FieldRules.notificationWindow)
                          .described("Seconds a batched mail gathers notices after the first (120 by default)")
                          .optional("notification_window_seconds"),
                      Schema.integer(0...23).described("The hour daily digests go out (8 by default)").optional("digest_hour"),
                  ]), example: #"{"name": "Northlight VFX", "reply_to": "producers@northlight.example", "share_links_enabled": true, "webhook_allowed_networks": ["10.20.0.0/16"], "transfer_status_to": "version", "time_zone": "Europe/London"}"#),
                  response: "Organization",
                  refusals: [.rule("Each network is in CIDR form, with no bits set past its prefix, and overlaps no range "
                                   + "webhooks never reach (loopback, link-local…); the time zone is one the server knows")]) { input in
        let settings = try await input.catalog.updateOrganization(try await input.body(OrganizationUpdate.self))
        return try JSONCoding.response(OrganizationView(settings, logo: try await input.catalog.organizationLogo()))
    }
    // Every staff member may read who the others are: pages show assignees by name.
    api.staff.add(.get, "/api/v1/users", "Staff members, by name", tag: "staff", parameters: Parameter.page, response: "StaffUserList") { input in
        try JSONCoding.response(ListResponse(try await input.catalog.staffUsers(page: try input.page())))
    }
    api.admin.add(.post, "/api/v1/users", "Add a staff member; the answer carries their API key, shown this once (admins)",
                  tag: "staff", body: .json(.object([
                      Schema.string(FieldRules.name).required("name"), Schema.email.required("email"),
                      usernameSchema.described("By default the email's local part").optional("username"),
                      Schema.boolean.optional("is_admin"),
                  ]), example: #"{"name": "Ada Park", "email": "ada@northlight.example", "username": "ada", "is_admin": false}"#),
                  status: .created, response: "CreatedStaffUser",
                  refusals: [.conflict("A staff member has this email or username")]) { input in
        struct Body: Decodable {
            let name: String
            let email: String
            let username: String?
            let isAdmin: Bool?
            enum CodingKeys: String, CodingKey { case name, email, username, isAdmin = "is_admin" }
        }
        let body = try await input.body(Body.self)
        let (user, key) = try await input.catalog.createStaffUser(
            name: body.name, email: body.email, username: body.username, isAdmin: body.isAdmin ?? false, createdBy: input.caller.id)
        return try JSONCoding.response(CreatedStaffUser(user: user, apiKey: key.value), status: .created)
    }
    api.admin.add(.patch, "/api/v1/users/{user_id}",
                  "Change a staff member's username (what scripts call them by), make them an admin or not, or deactivate "
                      + "them (their keys and password stop working, their browsers are signed out; their records stay) (admins)",
                  tag: "staff", body: .json(.object([
                      usernameSchema.optional("username"), Schema.boolean.optional("is_admin"),
                      Schema.boolean.described("false deactivates, true lets them in again").optional("active"),
                  ]), example: #"{"username": "ada.park", "is_admin": true, "active": true}"#),
                  response: "StaffUser",
                  refusals: [.conflict("Another staff member has this username, or the change would leave no active admin")]) { input in
        try JSONCoding.response(try await input.catalog.updateStaffUser(id: try input.id("user_id"),
                                                                        try await input.body(StaffUserChange.self)))
    }
    addAPIKeyRoutes(api)
    api.admin.add(.post, "/api/v1/users/{user_id}/invite",
                  "Mail a staff member a link to choose their password (one use, within a week; a newer link ends older "
                      + "ones), with an optional message (admins)",
                  tag: "staff", body: .json(.object([Schema.string(FieldRules.inviteMessage).orNull("no message").optional("message")]),
                                            example: #"{"message": "Welcome aboard: the Monday reviews are set up here."}"#),
                  status: .created, response: "StaffInvite",
                  refusals: [.rule("The staff member is deactivated")]) { input in
        struct Body: Decodable { let message: String? }
        let body = try await input.body(Body.self)
        let staff = try await input.catalog.staffUser(id: try input.id("user_id"))
        guard staff.deactivatedAt == nil else {
            throw CatalogError(.invalidField, "\(staff.email) is deactivated: bring them back before inviting them", field: "user_id")
        }
        let link = try await input.catalog.issuePasswordLink(staffID: staff.id, createdBy: input.caller.id)
        let url = input.services.passwordURL(link.token)
        var emailed = false
        do {
            let mail = try StaffInvitationMail.render(
                organization: try await input.catalog.organization(), staff: staff, invitedBy: input.caller, link: url,
                expiresAt: link.expiresAt, message: body.message, publicURL: input.services.publicURL)
            try await input.catalog.queueMail(sender: mail.sender, recipients: mail.recipients, message: mail.text)
            emailed = true
        } catch let error as MailComposerError {
            // The link still works: the admin passes it on another way.
            input.context.logger.warning("staff invitation to \(staff.email) not written: \(error)")
        }
        return try JSONCoding.response(StaffInvite(url: url, expiresAt: link.expiresAt, emailed: emailed), status: .created)
    }
}

/// A staff member's API keys, as admins manage them: the secret is shown once, when made.
private func addAPIKeyRoutes(_ api: APIRoutes) {
    api.admin.add(.get, "/api/v1/users/{user_id}/api-keys",
                  "A staff member's API keys, newest first, revoked ones too: each by its label and first characters, never "
                      + "the secret (admins)", tag: "staff", response: "APIKeyList") { input in
        try JSONCoding.response(ListResponse(all: try await input.catalog.apiKeys(userID: try input.id("user_id"))))
    }
    api.admin.add(.post, "/api/v1/users/{user_id}/api-keys", "Issue a staff member another API key, shown this once (admins)",
                  tag: "staff", body: .json(.object([
                      Schema.string(FieldRules.label).orNull("no label").described("What the key is for").optional("label"),
                  ]), example: #"{"label": "render farm"}"#),
                  status: .created, response: "CreatedAPIKey") { input in
        struct Body: Decodable { let label: String? }
        let body = try await input.body(Body.self)
        let (key, secret) = try await input.catalog.createAPIKey(for: try input.id("user_id"), label: body.label,
                                                                 createdBy: input.caller.id)
        return try JSONCoding.response(CreatedAPIKey(key: key, apiKey: secret.value), status: .created)
    }
    api.admin.add(.post, "/api/v1/api-keys/{key_id}/revoke",
                  "Revoke an API key: every request with it is refused from now on (admins)", tag: "staff",
                  response: "APIKey") { input in
        try JSONCoding.response(try await input.catalog.revokeAPIKey(id: try input.id("key_id")))
    }
    api.admin.add(.post, "/api/v1/api-keys/{key_id}/reissue",
                  "Replace an API key: revoke it and issue its owner a new one with the same label, shown this once (admins)",
                  tag: "staff", status: .created, response: "CreatedAPIKey") { input in
        let (key, secret, replaced) = try await input.catalog.reissueAPIKey(id: try input.id("key_id"), createdBy: input.caller.id)
        return try JSONCoding.response(CreatedAPIKey(key: key, apiKey: secret.value, replaces: replaced.id), status: .created)
    }
}

/// What inviting a staff member answers: their set-password link, shown to the admin this once.
struct StaffInvite: Encodable {
    let url: String
    let expiresAt: Date
    let emailed: Bool

    enum CodingKeys: String, CodingKey { case url, expiresAt = "expires_at", emailed }
}

/// Projects and their session defaults.
func addProjectRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/projects", "Projects, by name", tag: "projects", parameters: Parameter.page,
                  response: "ProjectList") { input in
        try JSONCoding.response(ListResponse(try await input.catalog.projects(page: try input.page())))
    }
    api.staff.add(.post, "/api/v1/projects", "Create a project", tag: "projects", body: .json(.object([
                      Schema.string(FieldRules.name).required("name"),
                      Schema.string(FieldRules.projectCode).orNull("no code").optional("code"),
                      projectDefaultsChange.optional("defaults"),
                  ]), example: #"{"name": "Feature", "code": "FT", "defaults": {"share_days": 14, "download_original": false}}"#),
                  status: .created, response: "Project", refusals: [.conflict("A project has this name")]) { input in
        struct Body: Decodable {
            let name: String
            let code: String?
            let defaults: ProjectDefaultsUpdate?
        }
        let body = try await input.body(Body.self)
        let project = try await input.catalog.createProject(name: body.name, code: body.code, defaults: body.defaults,
                                                            createdBy: input.caller.id)
        return try JSONCoding.response(project, status: .created)
    }
    api.staff.add(.get, "/api/v1/projects/{project_id}", "A project", tag: "projects", response: "Project") { input in
        try JSONCoding.response(try await input.catalog.project(id: try input.id("project_id")))
    }
    api.staff.add(.patch, "/api/v1/projects/{project_id}", "Change a project's name, code or session defaults", tag: "projects",
                  body: .json(.object([
                      Schema.string(FieldRules.name).optional("name"),
                      Schema.string(FieldRules.projectCode).orNull("remove the code").optional("code"),
                      projectDefaultsChange.described("Only the defaults given change").optional("defaults"),
                  ]), example: #"{"name": "Feature Film", "code": null, "defaults": {"require_passphrase": true}}"#),
                  response: "Project", refusals: [.conflict("A project has this name")]) { input in
        try JSONCoding.response(try await input.catalog.updateProject(
            id: try input.id("project_id"), try await input.body(ProjectUpdate.self)))
    }
    api.staff.add(.delete, "/api/v1/projects/{project_id}", "Delete a project with its versions and sessions", tag: "projects",
                  status: .noContent, response: .empty) { input in
        try await input.catalog.deleteProject(id: try input.id("project_id"))
        return Response(status: .noContent)
    }
}

/// Versions and their files.
func addVersionRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/projects/{project_id}/versions", "A project's versions, oldest first", tag: "versions",
                  parameters: Parameter.page, response: "VersionList") { input in
        try JSONCoding.response(ListResponse(try await input.catalog.versions(projectID: try input.id("project_id"),
                                                                              page: try input.page())))
    }
    api.staff.add(.post, "/api/v1/projects/{project_id}/versions", "Create a version (its media comes by upload)",
                  tag: "versions", body: .json(versionFields(creating: true),
                                               example: #"{"name": "sh010_comp", "version_number": 3, "shot": "sh010", "task": "comp", "status": "pending review", "client_name": "Opening shot", "default_reason": "Final comp"}"#),
                  status: .created, response: "Version",
                  refusals: [.rule("The status is on the project's version status list; task_id is a task of the project, and comes "
                                   + "without task; each assignee is a staff user"),
                             .conflict("The asset has a version of this number already")]) { input in
        let version = try await input.catalog.createVersion(projectID: try input.id("project_id"),
                                                            try await input.body(VersionFields.self),
                                                            createdBy: input.caller.id)
        return try JSONCoding.response(version, status: .created)
    }
    api.staff.add(.get, "/api/v1/versions/{version_id}", "A version", tag: "versions", response: "Version") { input in
        try JSONCoding.response(try await input.catalog.version(id: try input.id("version_id")))
    }
    api.staff.add(.patch, "/api/v1/versions/{version_id}", "Change a version's fields", tag: "versions",
                  body: .json(versionFields(creating: false), example: #"{"status": "approved", "shot": null}"#),
                  response: "Version",
                  refusals: [.rule("The status is on the project's version status list; task_id is a task of the project, and comes "
                                   + "without task; each assignee is a staff user"),
                             .conflict("The asset has a version of this number already")]) { input in
        try JSONCoding.response(try await input.catalog.updateVersion(id: try input.id("version_id"),
                                                                      try await input.body(VersionFields.self)))
    }
    api.staff.add(.delete, "/api/v1/versions/{version_id}", "Delete a version, its files and its places in sessions",
                  tag: "versions", status: .noContent, response: .empty) { input in
        try await input.catalog.deleteVersion(id: try input.id("version_id"))
        return Response(status: .noContent)
    }
    api.staff.add(.get, "/api/v1/versions/{version_id}/components", "A version's files: original, proxy, poster, filmstrip, frame map",
                  tag: "versions", response: "ComponentList") { input in
        try JSONCoding.response(ListResponse(all: try await input.catalog.components(versionID: try input.id("version_id"))
            .map(ComponentView.init)))
    }
}

/// A change to a project's defaults: each session setting, the share days, the thumbnail
/// switch, what fills a sequence's gaps, what shows through transparency.
private let projectDefaultsChange = Schema.object(
    SessionSetting.allCases.map { Schema.boolean.optional($0.rawValue) }
        + [Schema.integer(FieldRules.shareDays).optional("share_days"), Schema.boolean.optional("email_thumbnails"),
           ResponseSchemas.gapFill.optional("gap_fill"), ResponseSchemas.alphaBackground.optional("alpha_background")])

/// A version's fields, as created (`name` required) or changed (`null` clears an optional field).
private func versionFields(creating: Bool) -> Schema {
    func label(_ name: String) -> Schema.Property {
        Schema.string(FieldRules.label).orNull("none").optional(name)
    }
    return .object([
        creating ? Schema.string(FieldRules.name).required("name") : Schema.string(FieldRules.name).optional("name"),
        Schema.integer(FieldRules.versionNumber).orNull("none").optional("version_number"),
        label("shot"), label("asset"),
        Schema.uuid.orNull("no task").described("A task of the version's project").optional("task_id"),
        Schema.string(FieldRules.label).orNull("no task")
            .described("The project's task of this name (letter case aside), made when there is none; instead of task_id")
            .optional("task"),
        Schema.string(FieldRules.statusName)
            .described("A name on the project's version status list; a new version starts at \"pending review\" "
                       + "(or the list's first review status)").optional("status"),
        Schema.array(.uuid, count: FieldRules.assignees).described("Staff user ids; replaces the list").optional("assignee_ids"),
        label("client_name"),
        Schema.string(FieldRules.reason).orNull("none").optional("default_reason"),
        ResponseSchemas.displayTransform.orNull("the media decides")
            .described("How its pictures are made display-referred, whatever its media says of itself; null lets the "
                       + "media decide. Takes effect at the next transcode: reprocess the project to apply it")
            .optional("display_transform"),
    ])
}

/// A username as the catalog takes it (upper case is lowered).
private let usernameSchema = Schema.string(TextRule(minimum: 1, maximum: 64))
    .described("1 to 64 of letters, digits and . _ - + @")
