import Catalog
import MediaTestSupport
import Testing

@testable import Pipeline

/// The webhook client against real receivers on loopback: what it sends, what it refuses to
/// reach, redirects it does not follow, receivers that never answer.
@Suite("Webhook client")
struct WebhookClientTests {
    private func request(_ url: String, body: String = #"{"event":"transcode.started"}"#) throws -> WebhookClient.Request {
        WebhookClient.Request(target: try WebhookTarget(url: url),
                              headers: [("Content-Type", "application/json"), ("X-Dailies-Event", "transcode.started")],
                              body: body)
    }

    private let testPolicy = WebhookAddressPolicy(allowLoopbackForTests: true)
    /// For tests that are not about timeouts: a CI machine running every suite at once can
    /// keep a Python receiver waiting for seconds.
    private let patient = WebhookConfiguration(connectTimeout: .seconds(30), answerTimeout: .seconds(60))

    @Test("a POST arrives whole, with Host from the URL, at the address the name resolved to")
    func delivers() async throws {
        let receivers = try WebhookReceivers([.answer(204)])
        let client = WebhookClient(configuration: patient)
        let status = try await client.post(try request("http://localhost:\(receivers.ports[0])/hooks/dailies?team=comp"),
                                           policy: testPolicy)
        #expect(status == 204)
        let seen = try #require(try await receivers.requests(0, atLeast: 1).first)
        #expect(seen.path == "/hooks/dailies?team=comp")
        #expect(seen.headers["host"] == "localhost:\(receivers.ports[0])")
        #expect(seen.headers["x-dailies-event"] == "transcode.started")
        #expect(seen.body == #"{"event":"transcode.started"}"#)
    }

    @Test("loopback in every spelling is refused before anything is sent, unless a test allows it",
          arguments: ["127.0.0.1", "localhost", "127.1", "0x7f000001", "2130706433", "0177.0.0.1", "[::ffff:7f00:1]",
                      "[::ffff:127.0.0.1]"])
    func refusesLoopback(host: String) async throws {
        let receivers = try WebhookReceivers([.answer(200)])
        let client = WebhookClient(configuration: WebhookConfiguration())
        let target = try request("http://\(host):\(receivers.ports[0])/")
        do throws(WebhookDeliveryError) {
            _ = try await client.post(target, policy: WebhookAddressPolicy())
            Issue.record("\(host) was reached")
        } catch {
            #expect(error.code == .refusedAddress)
            #expect(error.message.hasPrefix("refused: "), "\(error.message)")
            #expect(error.message.contains("127.0.0.1") && error.message.contains("a loopback address"), "\(error.message)")
            #expect(!error.isRetryable)
        }
        #expect(receivers.events().isEmpty, "nothing reached the receiver")
    }

    @Test("the messages say what was refused and why")
    func refusalMessages() async throws {
        let client = WebhookClient(configuration: WebhookConfiguration())
        func refusal(_ url: String, _ policy: WebhookAddressPolicy = WebhookAddressPolicy()) async throws -> String? {
            let target = try request(url)
            do throws(WebhookDeliveryError) {
                _ = try await client.post(target, policy: policy)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(try await refusal("http://127.0.0.1:9/") == "refused: 127.0.0.1 is a loopback address")
        #expect(try await refusal("http://localhost:9/") == "refused: 127.0.0.1 is a loopback address (localhost resolves to it)")
        #expect(try await refusal("http://0x7f000001:9/") == "refused: 0x7f000001 is 127.0.0.1, a loopback address")
        #expect(try await refusal("http://169.254.169.254/latest/meta-data/") == "refused: 169.254.169.254 is a link-local address")
        #expect(try await refusal("http://[fe80::1]/") == "refused: fe80::1 is a link-local address")
        #expect(try await refusal("http://0.0.0.0:9/") == "refused: 0.0.0.0 is an unspecified address")
        #expect(try await refusal("http://[::]:9/") == "refused: :: is an unspecified address")
        #expect(try await refusal("http://224.0.0.1/") == "refused: 224.0.0.1 is a multicast address")
        #expect(try await refusal("http://255.255.255.255/") == "refused: 255.255.255.255 is a broadcast address")
        #expect(try await refusal("http://10.20.1.2:9/")
                == "refused: 10.20.1.2 is a private address outside the organization's webhook_allowed_networks")
        // A test's allowance opens loopback only; an admin's list opens its private networks only.
        let testing = WebhookAddressPolicy(allowLoopbackForTests: true)
        #expect(try await refusal("http://169.254.169.254/", testing) == "refused: 169.254.169.254 is a link-local address")
        let studio = WebhookAddressPolicy(allowedNetworks: [IPNetwork("10.20.0.0/16")!])
        #expect(try await refusal("http://127.0.0.1:9/", studio) == "refused: 127.0.0.1 is a loopback address")
    }

    @Test("a redirect is an answer, never followed: the place it points to hears nothing")
    func redirectNotFollowed() async throws {
        let receivers = try WebhookReceivers([.redirect(toReceiver: 1), .answer(200)])
        let client = WebhookClient(configuration: patient)
        let status = try await client.post(try request("http://localhost:\(receivers.ports[0])/"), policy: testPolicy)
        #expect(status == 302)
        #expect(try await receivers.requests(0, atLeast: 1).count == 1)
        #expect(receivers.requests(1).isEmpty, "the Location was not visited")
    }

    @Test("a receiver that accepts and never answers fails the delivery as timed out, and is let go")
    func neverAnswers() async throws {
        let receivers = try WebhookReceivers([.neverAnswer])
        let client = WebhookClient(configuration: WebhookConfiguration(answerTimeout: .seconds(1)))
        let target = try request("http://localhost:\(receivers.ports[0])/")
        do throws(WebhookDeliveryError) {
            _ = try await client.post(target, policy: testPolicy)
            Issue.record("a silent receiver answered")
        } catch {
            #expect(error.code == .timedOut && error.isRetryable)
            #expect(error.message == "no answer from localhost (127.0.0.1) within 1 s")
        }
        let events = try await receivers.wait(timeout: 30) { $0.contains { $0.kind == "closed" } }
        #expect(events.map(\.kind) == ["accepted", "closed"], "the connection was closed, not left hanging")
    }

    @Test("nobody listening: a retryable connection failure naming the address")
    func nobodyListening() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let client = WebhookClient(configuration: WebhookConfiguration())
        let target = try request("http://localhost:1/")
        do throws(WebhookDeliveryError) {
            _ = try await client.post(target, policy: testPolicy)
            Issue.record("port 1 answered")
        } catch {
            #expect(error.code == .connectFailed && error.isRetryable)
            #expect(error.message.hasPrefix("cannot connect to localhost port 1: 127.0.0.1: "), "\(error.message)")
        }
    }
}
