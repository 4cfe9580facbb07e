import Catalog
import Foundation
import Hummingbird

/// Who hears of feedback, and how often: collaborators choose per session, staff for
/// themselves (and opt in to mail); staff's notifications in the app, read and unread.
func addNotificationRoutes(_ api: APIRoutes) {
    let settingsBody = Schema.object([
        Schema.oneOf(NotificationFrequency.self)
            .described("immediately; batched (one mail per window, 2 minutes by default); or a daily digest").optional("frequency"),
        Schema.boolean.described("Staff: whether to be mailed at all (in-app notifications come either way)").optional("email"),
    ])
    struct SettingsBody: Decodable {
        let frequency: NotificationFrequency?
        let email: Bool?
    }

    api.collaborator.add(.get, "/api/v1/review/sessions/{session_id}/notifications",
                         "How often you are mailed about this session's feedback", tag: "review",
                         response: "NotificationSettings") { input in
        let recipient = NoticeRecipient(kind: .collaborator, id: input.caller.collaborator.id)
        return try JSONCoding.response(try await input.catalog.notificationSettings(for: recipient))
    }
    api.collaborator.add(.put, "/api/v1/review/sessions/{session_id}/notifications",
                         "Choose how often you are mailed about this session's feedback", tag: "review",
                         body: .json(settingsBody, example: #"{"frequency": "daily"}"#),
                         response: "NotificationSettings") { input in
        let recipient = NoticeRecipient(kind: .collaborator, id: input.caller.collaborator.id)
        let body = try await input.body(SettingsBody.self)
        var settings = try await input.catalog.notificationSettings(for: recipient)
        if let frequency = body.frequency { settings.frequency = frequency }
        // A collaborator stops mail by unsubscribing from the session (the link in each mail).
        try await input.catalog.setNotificationSettings(settings, for: recipient)
        return try JSONCoding.response(settings)
    }

    api.staff.add(.get, "/api/v1/me/notification-settings", "How often you are mailed, and whether at all", tag: "staff",
                  response: "NotificationSettings") { input in
        try JSONCoding.response(try await input.catalog.notificationSettings(for: NoticeRecipient(kind: .staff, id: input.caller.id)))
    }
    api.staff.add(.put, "/api/v1/me/notification-settings",
                  "Opt in to mail about the sessions you take part in, and choose how often", tag: "staff",
                  body: .json(settingsBody, example: #"{"email": true, "frequency": "batched"}"#),
                  response: "NotificationSettings") { input in
        let recipient = NoticeRecipient(kind: .staff, id: input.caller.id)
        let body = try await input.body(SettingsBody.self)
        var settings = try await input.catalog.notificationSettings(for: recipient)
        if let frequency = body.frequency { settings.frequency = frequency }
        if let email = body.email { settings.email = email }
        try await input.catalog.setNotificationSettings(settings, for: recipient)
        return try JSONCoding.response(settings)
    }
    api.staff.add(.get, "/api/v1/me/notifications",
                  "Your notifications: comments, replies and status changes in sessions you take part in, newest first",
                  tag: "staff",
                  parameters: [.query("unread", .boolean, "Only unread ones (true)")] + Parameter.page,
                  response: "NotificationList") { input in
        try JSONCoding.response(ListResponse(try await input.catalog.staffNotices(
            userID: input.caller.id, unreadOnly: input.query("unread") == "true", page: try input.page())))
    }
    api.staff.add(.post, "/api/v1/me/notifications/{notice_id}/read", "Mark one of your notifications read", tag: "staff",
                  response: "Notification") { input in
        try JSONCoding.response(try await input.catalog.markNoticeRead(id: try input.id("notice_id"), userID: input.caller.id))
    }
    api.staff.add(.post, "/api/v1/me/notifications/read", "Mark all your notifications read", tag: "staff",
                  response: "MarkedRead") { input in
        try JSONCoding.response(["marked": try await input.catalog.markAllNoticesRead(userID: input.caller.id)])
    }
}

/// The one-click unsubscribe of every notification mail (RFC 8058): `List-Unsubscribe`
/// names `/unsubscribe/<token>`. A POST (the mail program's one click, or the page's button)
/// unsubscribes; a GET only shows the page with the button, so a scanner that follows links
/// unsubscribes no one. Pages for people, outside the API: anyone holding the link may use it,
/// as the signed token names one recipient and one session.
func addUnsubscribePages(_ router: Router<AppRequestContext>, catalog: Catalog) {
    router.get("/unsubscribe/:token") { _, context -> Response in
        let token = context.parameters.get("token") ?? ""
        do {
            let found = try await catalog.unsubscription(token: token)
            if found.done {
                return UnsubscribePage.response(title: "Unsubscribed",
                                                body: "<p>You get no more mail about <b>\(UnsubscribePage.escape(found.sessionTitle))</b>.</p>")
            }
            return UnsubscribePage.response(title: "Stop these mails?", body: """
                <p>Stop mail about the feedback in <b>\(UnsubscribePage.escape(found.sessionTitle))</b>?</p>
                <form method="post"><button type="submit">Unsubscribe</button></form>
                """)
        } catch let error as CatalogError {
            return UnsubscribePage.response(title: "Link not valid", body: "<p>\(UnsubscribePage.escape(error.message)).</p>",
                                            status: .notFound)
        }
    }
    router.post("/unsubscribe/:token") { _, context -> Response in
        do {
            let done = try await catalog.unsubscribe(token: context.parameters.get("token") ?? "")
            return UnsubscribePage.response(title: "Unsubscribed",
                                            body: "<p>You get no more mail about <b>\(UnsubscribePage.escape(done.sessionTitle))</b>.</p>")
        } catch let error as CatalogError {
            return UnsubscribePage.response(title: "Link not valid", body: "<p>\(UnsubscribePage.escape(error.message)).</p>",
                                            status: .notFound)
        }
    }
}

/// The unsubscribe pages: one small HTML page, readable on a phone.
enum UnsubscribePage {
    static func response(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font: 16px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; background: #f5f5f7;
                   margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }
            main { background: #fff; border-radius: 12px; padding: 28px 32px; max-width: 420px; margin: 16px;
                   box-shadow: 0 1px 3px rgba(0,0,0,.12); }
            h1 { font-size: 22px; margin: 0 0 12px; }
            button { font: inherit; color: #fff; background: #0071e3; border: 0; border-radius: 8px; padding: 10px 20px;
                     cursor: pointer; }
            button:focus-visible { outline: 3px solid #80b6f4; outline-offset: 2px; }
            </style></head>
            <body><main><h1>\(escape(title))</h1>\(body)</main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
