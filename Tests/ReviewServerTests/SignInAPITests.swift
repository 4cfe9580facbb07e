import Catalog
import Foundation
import Testing

@testable import ReviewServer

/// Staff signing in from a browser, on a real server: the cookies and their flags, the CSRF
/// token on requests that change something, signing out, and the throttle.
@Suite("Staff sign-in over HTTP")
struct SignInAPITests {
    static let email = "admin@studio.example"
    static let password = "correct horse battery"

    /// A browser signed in as the admin, and the sign-in's answer.
    static func signedIn(_ server: TestServer) async throws -> (browser: TestClient, answer: TestResponse) {
        try await server.catalog.setPassword(password, forEmail: email)
        return try await signIn(server)
    }

    /// Another browser signing in (a new password would sign the first out).
    static func signIn(_ server: TestServer) async throws -> (browser: TestClient, answer: TestResponse) {
        let browser = server.anonymous
        let answer = try await browser.post("/api/v1/staff/sign-in", ["email": email, "password": password])
        try #require(answer.status == 200, "\(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        return (browser, answer)
    }

    @Test("signing in sets an HTTP-only, SameSite=Strict cookie and a readable CSRF cookie, Secure only behind https",
          arguments: ["http://review.test", "https://review.test"])
    func cookies(publicURL: String) async throws {
        try await TestServer.run(publicURL: publicURL) { server in
            let (browser, answer) = try await Self.signedIn(server)
            let secure = publicURL.hasPrefix("https:")
            let staff = try #require(answer.setCookie("dailies_staff"))
            let csrf = try #require(answer.setCookie("dailies_csrf"))
            func attributes(_ header: String) -> Set<String> {
                Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            }
            let lifetime = "Max-Age=\(StaffWebSession.absoluteLifetime)"
            #expect(attributes(staff) == Set(["HttpOnly", "SameSite=Strict", "Path=/", lifetime] + (secure ? ["Secure"] : [])))
            #expect(attributes(csrf) == Set(["SameSite=Strict", "Path=/", lifetime] + (secure ? ["Secure"] : [])),
                    "scripts of the site read this one")

            let user = try #require(answer.json["user"] as? [String: Any])
            #expect(user["email"] as? String == Self.email && user["is_admin"] as? Bool == true)
            let token = try #require(answer.string("csrf_token"))
            #expect(browser.cookies["dailies_csrf"] == token)
            let expires = try #require(answer.string("expires_at").flatMap(RFC3339.date(from:)))
            #expect(abs(expires.timeIntervalSinceNow - Double(StaffWebSession.idleLifetime)) < 120)

            let me = try await browser.get("/api/v1/me")
            #expect(me.status == 200 && me.string("email") == Self.email)
            #expect(try await server.anonymous.get("/api/v1/me").status == 401)
        }
    }

    @Test("a request that changes something needs the CSRF token with the cookie; an Authorization header wins over the cookie")
    func csrf() async throws {
        try await TestServer.run { server in
            let (browser, answer) = try await Self.signedIn(server)
            let token = try #require(answer.string("csrf_token"))

            let refused = try await browser.post("/api/v1/projects", ["name": "Feature"])
            #expect(refused.status == 403 && refused.errorCode == "csrf_failed", "\(refused.status) \(refused.errorCode ?? "")")
            #expect(refused.json.description.contains("X-CSRF-Token"))
            let forged = try await browser.send("POST", "/api/v1/projects", json: ["name": "Feature"],
                                                headers: ["X-CSRF-Token": "Zm9yZ2VkIHRva2VuIG9mIHRoZSByaWdodCBsZW5ndGggISE"])
            #expect(forged.errorCode == "csrf_failed")
            let other = try await Self.signIn(server)  // another browser's token is no good here
            let crossed = try await browser.send("POST", "/api/v1/projects", json: ["name": "Feature"],
                                                 headers: ["X-CSRF-Token": try #require(other.answer.string("csrf_token"))])
            #expect(crossed.errorCode == "csrf_failed")

            let created = try await browser.send("POST", "/api/v1/projects", json: ["name": "Feature"],
                                                 headers: ["X-CSRF-Token": token])
            #expect(created.status == 201, "\(created.status) \(created.errorCode ?? "")")
            #expect(try await browser.get("/api/v1/projects").data.count == 1, "reads need no token")

            // An API key always speaks for the caller, whatever cookie comes with it.
            let keyed = TestClient(baseURL: server.baseURL, apiKey: "dk_not_a_key")
            let cookie = "dailies_staff=\(try #require(browser.cookies["dailies_staff"]))"
            #expect(try await keyed.send("GET", "/api/v1/me", headers: ["Cookie": cookie]).errorCode == "invalid_api_key")
        }
    }

    @Test("signing out ends the sign-in at once, even for a copy of the cookie, and clears both cookies")
    func signOut() async throws {
        try await TestServer.run { server in
            let (browser, _) = try await Self.signedIn(server)
            let stolen = try #require(browser.cookies["dailies_staff"])
            let out = try await browser.post("/api/v1/staff/sign-out")
            #expect(out.status == 204)
            #expect(out.setCookie("dailies_staff")?.contains("Max-Age=0") == true)
            #expect(out.setCookie("dailies_csrf")?.contains("Max-Age=0") == true)
            #expect(browser.cookies.isEmpty)
            let replay = server.anonymous
            #expect(try await replay.send("GET", "/api/v1/me", headers: ["Cookie": "dailies_staff=\(stolen)"]).status == 401)
            // Signing out without a sign-in is fine.
            #expect(try await server.anonymous.post("/api/v1/staff/sign-out").status == 204)
        }
    }

    @Test("wrong passwords answer invalid_credentials; past the free ones, 429 with Retry-After")
    func throttled() async throws {
        try await TestServer.run { server in
            try await server.catalog.setPassword(Self.password, forEmail: Self.email)
            let unknown = try await server.anonymous.post("/api/v1/staff/sign-in",
                                                          ["email": "nobody@studio.example", "password": Self.password])
            #expect(unknown.status == 401 && unknown.errorCode == "invalid_credentials")
            // Sent at once from one address: each is counted before any password is hashed, so
            // those after the free ones wait, however slow the machine.
            let free = ThrottleRule.passphrase.freeAttempts
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<(free + 3) {
                    let guesser = server.anonymous
                    group.addTask {
                        try await guesser.send("POST", "/api/v1/staff/sign-in", json: ["email": Self.email, "password": "wrong password!"],
                                               headers: ["X-Forwarded-For": "203.0.113.7"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // The rest are wrong (under load the passphrase lane may also turn one away, with the
            // same status, not counting it).
            #expect(answers.allSatisfy { ($0.status == 401 && $0.errorCode == "invalid_credentials") || $0.status == 429 })
            let waiting = try #require(answers.first { $0.status == 429 && $0.json.description.contains("too many attempts") })
            #expect(waiting.errorCode == "too_many_attempts" && Int(waiting.headers["retry-after"] ?? "") ?? 0 > 0)
            #expect(answers.allSatisfy { $0.setCookie("dailies_staff") == nil })
        }
    }
}
