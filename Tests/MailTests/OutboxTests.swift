import Catalog
import Foundation
import MediaTestSupport
import Pipeline
import Testing

/// The outbox against a real SMTP peer: mail is delayed by a relay that refuses, never lost,
/// and never sent twice, whatever happens to the worker between tries.
@Suite("Mail outbox", .serialized)
struct OutboxTests {
    @Test("a refused RCPT is retried; a worker and catalog restart between the tries loses nothing and sends once")
    func retryAcrossRestart() async throws {
        let directory = try TemporaryDirectory()
        var options = SMTPPeer.Options()
        options.requireStartTLS = true
        options.refusedRecipients = [SMTPPeer.RecipientRefusal("dana@client.example", code: 450, times: 1)]
        let peer = try await SMTPPeer(options)
        let settings = SMTPSettings(host: "127.0.0.1", port: peer.port, security: .startTLS, caFile: peer.caFile)
        let text = "From: Studio <review@studio.example>\r\nTo: dana@client.example\r\nSubject: Notes\r\n"
            + "Message-ID: <outbox-test@studio.example>\r\n\r\n.A line that starts with a dot\r\nNotes by Friday.\r\n"

        // First worker: the relay says 450 (try later); the mail stays queued with the reason.
        var catalog = try await Catalog.open(dataDirectory: directory.path("data"))
        let queued = try await catalog.queueMail(sender: "review@studio.example", recipients: ["dana@client.example"], message: text)
        try await Self.withMailWorker(catalog, directory, settings) {
            let refused = try await peer.nextSession()
            #expect(refused.commands.contains { $0.hasPrefix("RCPT") })
            let waiting = try await Self.wait(catalog, queued.id) { $0.lastError != nil }
            #expect(waiting.state == .queued && waiting.lastError?.contains("450") == true, "\(waiting.lastError ?? "")")
        }
        try await catalog.close()

        // The process goes away; another opens the catalog and its worker delivers the mail, once.
        catalog = try await Catalog.open(dataDirectory: directory.path("data"))
        try await Self.withMailWorker(catalog, directory, settings) {
            let delivered = try await peer.nextMessage(timeout: .seconds(60))
            #expect(delivered.tls && delivered.rcptTos == ["dana@client.example"])
            #expect(delivered.parts.first?.text?.hasPrefix(".A line that starts with a dot") == true)
            let sent = try await Self.wait(catalog, queued.id) { $0.state == .sent }
            #expect(sent.sentAt != nil && sent.lastError == nil)
        }
        let jobs = try await catalog.jobs(JobFilter(kind: .mail), page: .all).items
        #expect(jobs.count == 1 && jobs[0].state == .succeeded && jobs[0].attempts == 2, "\(jobs)")
        try await catalog.close()
    }

    @Test("a relay that refuses for good fails the mail with its reason, after one try")
    func permanentRefusal() async throws {
        let directory = try TemporaryDirectory()
        var options = SMTPPeer.Options()
        options.refusedRecipients = [SMTPPeer.RecipientRefusal("nobody@client.example", code: 550)]
        let peer = try await SMTPPeer(options)
        let settings = SMTPSettings(host: "127.0.0.1", port: peer.port, security: .startTLS, caFile: peer.caFile)
        let catalog = try await Catalog.open(dataDirectory: directory.path("data"))
        let queued = try await catalog.queueMail(sender: "review@studio.example", recipients: ["nobody@client.example"],
                                                 message: "Subject: x\r\n\r\nx\r\n")
        try await Self.withMailWorker(catalog, directory, settings) {
            let failed = try await Self.wait(catalog, queued.id) { $0.state == .failed }
            #expect(failed.lastError?.contains("550") == true)
        }
        let jobs = try await catalog.jobs(JobFilter(kind: .mail), page: .all).items
        #expect(jobs.map(\.state) == [.failed] && jobs[0].attempts == 1)
        try await catalog.close()
    }

    /// Runs a worker that only delivers mail while `body` runs.
    static func withMailWorker(_ catalog: Catalog, _ directory: TemporaryDirectory, _ settings: SMTPSettings,
                               _ body: () async throws -> Void) async throws {
        var configuration = PipelineWorker.Configuration(idlePoll: .milliseconds(50))
        configuration.kinds = [.mail]
        configuration.mail = try SMTPDelivery(settings: settings)
        let worker = PipelineWorker(catalog: catalog, store: try LocalBlobStore(dataDirectory: directory.path("data")),
                                    configuration: configuration)
        let running = Task { try await worker.run() }
        defer { worker.stop() }
        try await body()
        worker.stop()
        try await running.value
    }

    /// Waits (up to a minute) for the mail to satisfy `done`.
    static func wait(_ catalog: Catalog, _ id: UUID, until done: (OutboxMail) -> Bool) async throws -> OutboxMail {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let mail = try await catalog.outboxMail(id: id)
            if done(mail) { return mail }
            guard ContinuousClock.now < deadline else { throw MailTestFailure("mail \(id) stayed \(mail)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

struct MailTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
