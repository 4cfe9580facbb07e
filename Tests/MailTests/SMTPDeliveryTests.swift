import Foundation
import MediaTestSupport
import Pipeline
import Testing

/// The SMTP client against a real SMTP server (aiosmtpd) with its own certificate authority.
@Suite("SMTP delivery")
struct SMTPDeliveryTests {
    @Test("STARTTLS with the studio's CA file delivers over TLS, to every recipient, after EHLO twice")
    func startTLS() async throws {
        var options = SMTPPeer.Options()
        options.requireStartTLS = true
        let peer = try await SMTPPeer(options)
        let delivery = try SMTPDelivery(settings: settings(for: peer))
        try await delivery.deliver(plainMessage(to: ["dana@client.example", "sam@client.example"]))

        let received = try await peer.nextMessage()
        #expect(received.tls)
        #expect(received.mailFrom == "review@studio.example")
        #expect(received.rcptTos == ["dana@client.example", "sam@client.example"])
        #expect(received.header("Subject") == "Comp finals")
        #expect(received.parts.first?.text == "Notes by Friday, please.\n")
        let session = try await peer.nextSession()
        #expect(session.commands == ["EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"])
    }

    @Test("STARTTLS if offered: a relay that offers it gets TLS")
    func startTLSIfOffered() async throws {
        let peer = try await SMTPPeer()
        try await SMTPDelivery(settings: settings(for: peer, security: .startTLSIfOffered)).deliver(plainMessage())
        #expect(try await peer.nextMessage().tls)
    }

    @Test("implicit TLS (port 465 style) delivers, and AUTH works there")
    func implicitTLS() async throws {
        var options = SMTPPeer.Options()
        options.implicitTLS = true
        options.login = ("editor", "s3cret")
        let peer = try await SMTPPeer(options)
        let delivery = try SMTPDelivery(settings: settings(for: peer, security: .tls, username: "editor", password: "s3cret"))
        try await delivery.deliver(plainMessage())
        let received = try await peer.nextMessage()
        #expect(received.tls)
        #expect(received.authUser == "editor")
    }

    @Test("AUTH over TLS logs in; the credentials never show in the peer's record")
    func authenticationOverTLS() async throws {
        var options = SMTPPeer.Options()
        options.login = ("editor", "s3cret pass")
        let peer = try await SMTPPeer(options)
        let delivery = try SMTPDelivery(settings: settings(for: peer, username: "editor", password: "s3cret pass"))
        try await delivery.deliver(plainMessage())
        let received = try await peer.nextMessage()
        #expect(received.tls)
        #expect(received.authUser == "editor")
        let session = try await peer.nextSession()
        #expect(session.commands.prefix(4) == ["EHLO", "STARTTLS", "EHLO", "AUTH PLAIN"])
    }

    @Test("wrong credentials are refused, permanently, with the relay's reply")
    func authenticationRefused() async throws {
        var options = SMTPPeer.Options()
        options.login = ("editor", "s3cret")
        let peer = try await SMTPPeer(options)
        let delivery = try SMTPDelivery(settings: settings(for: peer, username: "editor", password: "guess"))
        let error = await deliveryError { try await delivery.deliver(plainMessage()) }
        #expect(error?.code == .authenticationRefused)
        #expect(error?.replyCode == 535)
        #expect(error?.isPermanent == true)
        #expect(error?.message.contains("guess") == false, "no password in messages")
        let session = try await peer.nextSession()
        #expect(!session.commands.contains("MAIL"))
    }

    @Test("credentials on a plain connection are never sent: AUTH needs TLS")
    func authenticationWithoutTLS() async throws {
        var options = SMTPPeer.Options()
        options.offerStartTLS = false
        options.login = ("editor", "s3cret")
        let peer = try await SMTPPeer(options)

        // Security none with credentials: refused before anything is sent.
        let plain = try SMTPDelivery(settings: settings(for: peer, security: .none, username: "editor", password: "s3cret"))
        let refused = await deliveryError { try await plain.deliver(plainMessage()) }
        #expect(refused?.code == .authenticationWithoutTLS)
        #expect(refused?.isPermanent == true)

        // STARTTLS if offered, from a relay that does not offer it: the conversation stops before AUTH.
        let opportunistic = try SMTPDelivery(settings: settings(for: peer, security: .startTLSIfOffered,
                                                                username: "editor", password: "s3cret"))
        let stopped = await deliveryError { try await opportunistic.deliver(plainMessage()) }
        #expect(stopped?.code == .authenticationWithoutTLS)

        let session = try await peer.nextSession()
        #expect(session.session == 1, "the first attempt made no connection at all")
        #expect(session.commands == ["EHLO", "QUIT"], "no AUTH, no MAIL")
        #expect(session.authUser == nil)
    }

    @Test("STARTTLS required, from a relay that does not offer it, fails with the TLS code before MAIL")
    func startTLSNotOffered() async throws {
        var options = SMTPPeer.Options()
        options.offerStartTLS = false
        let peer = try await SMTPPeer(options)
        let error = await deliveryError { try await SMTPDelivery(settings: settings(for: peer)).deliver(plainMessage()) }
        #expect(error?.code == .tlsFailed)
        #expect(error?.isPermanent == true)
        #expect(try await peer.nextSession().commands == ["EHLO", "QUIT"])
    }

    @Test("a certificate from a CA the system does not trust fails verification")
    func untrustedCertificate() async throws {
        let peer = try await SMTPPeer()
        let delivery = try SMTPDelivery(settings: settings(for: peer, trustPeer: false))
        let error = await deliveryError { try await delivery.deliver(plainMessage()) }
        #expect(error?.code == .tlsFailed)
        #expect(error?.isPermanent == true)
        let session = try await peer.nextSession()
        #expect(!session.commands.contains("MAIL"))
    }

    @Test("a trusted certificate for another host name fails verification")
    func certificateForAnotherHost() async throws {
        var options = SMTPPeer.Options()
        options.certificateNames = ["relay.elsewhere.example"]
        let peer = try await SMTPPeer(options)
        let error = await deliveryError { try await SMTPDelivery(settings: settings(for: peer)).deliver(plainMessage()) }
        #expect(error?.code == .tlsFailed)
    }

    @Test("a CA file that cannot be read fails when the delivery is set up, not at the first message")
    func missingCAFile() throws {
        let settings = SMTPSettings(host: "127.0.0.1", port: 25, security: .startTLS, caFile: "/nonexistent/ca.pem")
        #expect(throws: MailDeliveryError.self) { try SMTPDelivery(settings: settings) }
    }

    @Test("a recipient deferred with 450 is a temporary error; the retry delivers")
    func deferredRecipient() async throws {
        var options = SMTPPeer.Options()
        options.refusedRecipients = [.init("late@client.example", code: 450, times: 1)]
        let peer = try await SMTPPeer(options)
        let delivery = try SMTPDelivery(settings: settings(for: peer))
        let message = plainMessage(to: ["dana@client.example", "late@client.example"])

        let error = await deliveryError { try await delivery.deliver(message) }
        #expect(error?.code == .relayDeferred)
        #expect(error?.replyCode == 450)
        #expect(error?.isPermanent == false)
        #expect(error?.message.contains("late@client.example") == true)
        // Nobody got it: the refusal ended the transaction before DATA.
        #expect(try await peer.nextSession().commands == ["EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "RCPT", "QUIT"])

        try await delivery.deliver(message)
        #expect(try await peer.nextMessage().rcptTos == ["dana@client.example", "late@client.example"])
    }

    @Test("a recipient refused with 550 is a permanent error")
    func refusedRecipient() async throws {
        var options = SMTPPeer.Options()
        options.refusedRecipients = [.init("gone@client.example", code: 550)]
        let peer = try await SMTPPeer(options)
        let error = await deliveryError {
            try await SMTPDelivery(settings: settings(for: peer)).deliver(plainMessage(to: ["gone@client.example"]))
        }
        #expect(error?.code == .relayRefused)
        #expect(error?.replyCode == 550)
        #expect(error?.replyText?.contains("gone@client.example") == true)
        #expect(error?.isPermanent == true)
    }

    @Test("a relay that never answers hits the timeout")
    func hangingRelay() async throws {
        var options = SMTPPeer.Options()
        options.hangAfterConnect = true
        let peer = try await SMTPPeer(options)
        let delivery = try SMTPDelivery(settings: settings(for: peer, timeout: .milliseconds(300)))
        let error = await deliveryError { try await delivery.deliver(plainMessage()) }
        #expect(error?.code == .timedOut)
        #expect(error?.isPermanent == false)
        #expect(error?.message.contains("within 300 ms") == true, "\(String(describing: error))")
        // The client closed its end: the peer saw the connection go.
        _ = try await peer.nextSession()
    }

    @Test("a connection dropped at DATA gives the dropped code")
    func droppedAtData() async throws {
        var options = SMTPPeer.Options()
        options.dropAtData = true
        let peer = try await SMTPPeer(options)
        let error = await deliveryError { try await SMTPDelivery(settings: settings(for: peer)).deliver(plainMessage()) }
        #expect(error?.code == .connectionDropped)
        #expect(error?.isPermanent == false)
    }

    @Test("a closed port fails to connect, temporarily")
    func nobodyListening() async throws {
        let delivery = try SMTPDelivery(settings: SMTPSettings(host: "127.0.0.1", port: 1, security: .none))
        let error = await deliveryError { try await delivery.deliver(plainMessage()) }
        #expect(error?.code == .connectFailed)
        #expect(error?.isPermanent == false)
    }

    @Test("dot-stuffing: lines starting with a dot, and a dot alone, arrive intact")
    func dotStuffing() async throws {
        let peer = try await SMTPPeer()
        let body = ".hidden starts with a dot\r\n..two dots\r\n.\r\nafter a lone dot\r\n.\r\n"
        try await SMTPDelivery(settings: settings(for: peer)).deliver(plainMessage(body: body))
        let received = try await peer.nextMessage()
        #expect(received.parts.first?.text == body.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    @Test("a message whose addresses could smuggle commands is refused before connecting")
    func unsendable() async throws {
        let delivery = try SMTPDelivery(settings: SMTPSettings(host: "127.0.0.1", port: 1, security: .none))
        for recipients in [["dana@client.example>\r\nRCPT TO:<x@y.example"], [], ["not an address"]] {
            let error = await deliveryError { try await delivery.deliver(plainMessage(to: recipients)) }
            #expect(error?.code == .unsendableMessage, "\(recipients)")
        }
    }
}
