import Foundation
import MediaTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `dailies user set-password`, `deactivate` and `reactivate` on a data directory, and what a
/// server on it then makes of the password.
@Suite("dailies user set-password")
struct StaffCommandTests {
    /// `POST /api/v1/staff/sign-in` on `server`: the status and the error code, if any.
    static func signIn(_ server: ServeProcess, email: String, password: String) async throws -> (status: Int, code: String?) {
        var request = URLRequest(url: URL(string: server.url + "/api/v1/staff/sign-in")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        let (data, response) = try await URLSession.shared.data(for: request)
        let error = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error"] as? [String: Any]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, error?["code"] as? String)
    }

    @Test("the password comes from standard input's first line; short ones and unknown emails exit 65 saying why; the server then signs in with it")
    func setPassword() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path("data")
        func run(_ arguments: String..., input: String? = nil) throws -> Subprocess {
            try dailies(Array(arguments) + ["--data-dir", data], input: input.map { Data($0.utf8) })
        }
        #expect(try run("user", "add", "Ada Park", "--email", "ada@studio.example").status == 0)

        let short = try run("user", "set-password", "ada@studio.example", input: "too short\n")
        #expect(short.status == 65 && short.standardErrorText.contains("password: must be at least 10 characters"),
                "\(short.standardErrorText)")
        let unknown = try run("user", "set-password", "nobody@studio.example", input: "correct horse battery\n")
        #expect(unknown.status == 65 && unknown.standardErrorText.contains("no staff member with email nobody@studio.example"))
        let empty = try run("user", "set-password", "ada@studio.example", input: "")
        #expect(empty.status == 65 && empty.standardErrorText.contains("standard input is empty"))
        // Only the first line is the password: what follows it is not part of it.
        let set = try run("user", "set-password", "ADA@studio.example", input: "correct horse battery\nnot this\n")
        #expect(set.status == 0 && set.standardOutputText == "Set the password of Ada Park <ada@studio.example>; "
                + "their browsers are signed out.\n", "\(set.standardErrorText)")
        #expect(try run("user", "set-password", "--help").standardOutputText.contains("first line"))

        let server = try ServeProcess(dataDirectory: data, arguments: ["--no-worker"])
        defer { _ = server.stop() }
        #expect(try await Self.signIn(server, email: "ada@studio.example", password: "correct horse battery").status == 200)
        #expect(try await Self.signIn(server, email: "ada@studio.example", password: "correct horse battery\nnot this").code
                == "invalid_credentials")

        // The catalog is shared with the running server: deactivating takes effect at once.
        #expect(try run("user", "deactivate", "ada@studio.example").status == 0)
        #expect(try run("user", "list").standardOutputText.contains("<ada@studio.example>  deactivated"))
        #expect(try await Self.signIn(server, email: "ada@studio.example", password: "correct horse battery").code
                == "account_deactivated")
        #expect(try run("user", "reactivate", "ada@studio.example").status == 0)
        #expect(try await Self.signIn(server, email: "ada@studio.example", password: "correct horse battery").status == 200)
    }
}
