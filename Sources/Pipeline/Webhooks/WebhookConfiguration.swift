/// How a worker delivers webhooks.
public struct WebhookConfiguration: Sendable, Hashable {
    /// Deliveries running at once. Never two to the same webhook, so a receiver that never
    /// answers holds one of these slots and the others keep serving everyone else.
    public var concurrency: Int
    /// How long connecting to one address may take.
    public var connectTimeout: Duration
    /// How long a whole delivery may take, from the first connection attempt to the answer's
    /// status line and headers.
    public var answerTimeout: Duration
    /// **Tests only.** Lets deliveries reach loopback addresses, where the tests' receivers
    /// listen. A studio can never turn this on: its settings cannot list loopback, and
    /// `dailies worker` sets this only from its private `--test-webhook-loopback` flag, which
    /// the test suites pass to the processes they start.
    public var allowLoopbackForTests: Bool

    public init(concurrency: Int = 4, connectTimeout: Duration = .seconds(5), answerTimeout: Duration = .seconds(10),
                allowLoopbackForTests: Bool = false) {
        self.concurrency = max(1, concurrency)
        self.connectTimeout = connectTimeout
        self.answerTimeout = answerTimeout
        self.allowLoopbackForTests = allowLoopbackForTests
    }
}
