import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers messages to an SMTP relay over SwiftNIO: STARTTLS or implicit TLS with the
/// relay's certificate checked against its host name, AUTH PLAIN or LOGIN only over TLS,
/// and every recipient or none.
///
/// Each delivery is one connection and one transaction: greeting, EHLO, STARTTLS and EHLO
/// again, AUTH, `MAIL FROM`, a `RCPT TO` per recipient, `DATA`, `QUIT`. The first refusal ends
/// it before `DATA`, so a failed delivery reached nobody and retrying cannot send twice. Each
/// step has ``SMTPSettings/timeout`` to answer; everything runs on the event loop.
public struct SMTPDelivery: MailDelivery {
    /// Where and how the relay is reached.
    public let settings: SMTPSettings
    private let group: any EventLoopGroup
    /// Made once: loading trust roots is slow. `nil` for ``SMTPSettings/Security-swift.enum/none``.
    private let tls: TLSUpgrade?

    /// A delivery to the relay of `settings`, on `eventLoopGroup`.
    ///
    /// Throws ``MailDeliveryError/Code-swift.struct/tlsFailed`` when the CA file cannot be
    /// loaded, so a wrong path shows when the server starts, not at the first invitation.
    public init(settings: SMTPSettings, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
        throws(MailDeliveryError)
    {
        self.settings = settings
        self.group = eventLoopGroup
        guard settings.security != .none else {
            tls = nil
            return
        }
        // Full verification: the certificate must chain to a trusted root and name the host.
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let caFile = settings.caFile {
                configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            }
            let context = try NIOSSLContext(configuration: configuration)
            let isAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
            tls = TLSUpgrade(context: context, serverHostname: isAddress ? nil : settings.host)
        } catch {
            let source = settings.caFile.map { "the CA file \($0)" } ?? "the system's trust roots"
            throw MailDeliveryError(.tlsFailed, "cannot load \(source) for the mail relay: \(error)")
        }
    }

    /// Delivers `message` to every recipient, or to none and throws why.
    public func deliver(_ message: MailMessage) async throws(MailDeliveryError) {
        try Self.check(message)
        if settings.username != nil, settings.security == .none {
            throw MailDeliveryError(.authenticationWithoutTLS, "SMTP credentials are set but the connection to "
                                    + "\(settings.host):\(settings.port) is not encrypted (security none): AUTH goes only over TLS")
        }
        let timeout = TimeAmount(settings.timeout)
        let connection = try await SMTPConnection.connect(
            host: settings.host, port: settings.port, implicitTLS: settings.security == .tls ? tls : nil,
            timeout: timeout, group: group)
        // Cancelling closes the connection, which ends the step waiting on it.
        let outcome: Result<Void, MailDeliveryError> = await withTaskCancellationHandler {
            do throws(MailDeliveryError) {
                return .success(try await converse(message, over: connection, timeout: timeout))
            } catch {
                return .failure(error)
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
        if case .failure(let error) = outcome {
            let failure = Task.isCancelled
                ? MailDeliveryError(.cancelled, "the delivery to \(connection.relay) was cancelled") : error
            // Say goodbye if the relay is still there (on a closed connection this fails at
            // once), briefly, and never mind how it answers.
            _ = try? await connection.exchange("QUIT", timeout: min(timeout, .seconds(5)))
            await connection.close()
            throw failure
        }
        await connection.close()
    }

    private func converse(_ message: MailMessage, over connection: SMTPConnection, timeout: TimeAmount)
        async throws(MailDeliveryError)
    {
        let greeting = try await connection.exchange(nil, timeout: timeout)
        try expect(greeting, 220, in: "the greeting", from: connection)
        var capabilities = try await hello(over: connection, timeout: timeout)

        var encrypted = settings.security == .tls
        if settings.security == .startTLS || settings.security == .startTLSIfOffered {
            if capabilities.offersStartTLS, let tls {
                let reply = try await connection.startTLS(tls, timeout: timeout)
                guard reply.code == 220 else {
                    throw MailDeliveryError(.tlsFailed, "the mail relay \(connection.relay) offered STARTTLS but "
                                            + "refused it: \(reply.summary)", replyCode: reply.code, replyText: reply.text)
                }
                // RFC 3207 §4.2: forget what was said in plain text and ask again over TLS.
                capabilities = try await hello(over: connection, timeout: timeout)
                encrypted = true
            } else if settings.security == .startTLS {
                throw MailDeliveryError(.tlsFailed, "the mail relay \(connection.relay) does not offer STARTTLS, "
                                        + "which the settings require")
            }
        }

        if let username = settings.username {
            guard encrypted else {
                throw MailDeliveryError(.authenticationWithoutTLS, "the mail relay \(connection.relay) does not offer "
                                        + "STARTTLS, and AUTH goes only over TLS: the credentials were not sent")
            }
            try await authenticate(username: username, password: settings.password ?? "", offered: capabilities,
                                   over: connection, timeout: timeout)
        }

        let eightBit = message.text.utf8.contains { $0 >= 0x80 }
        if eightBit && !capabilities.offers8BitMIME {
            throw MailDeliveryError(.unsendableMessage, "the message has 8-bit text and the mail relay "
                                    + "\(connection.relay) does not offer 8BITMIME")
        }
        let mailFrom = "MAIL FROM:<\(message.sender)>" + (eightBit ? " BODY=8BITMIME" : "")
        try expect(try await connection.exchange(mailFrom, timeout: timeout), 250, in: mailFrom, from: connection)
        for recipient in message.recipients {
            let command = "RCPT TO:<\(recipient)>"
            try expect(try await connection.exchange(command, timeout: timeout), 250, 251, in: command, from: connection)
        }
        try expect(try await connection.exchange("DATA", timeout: timeout), 354, in: "DATA", from: connection)
        let accepted = try await connection.sendData(Self.dataBlock(message.text), timeout: timeout)
        try expect(accepted, 250, in: "the message (end of DATA)", from: connection)
        // Delivered: the relay has it. How it answers QUIT changes nothing.
        _ = try? await connection.exchange("QUIT", timeout: timeout)
    }

    /// EHLO, falling back to HELO for a server that knows no extensions.
    private func hello(over connection: SMTPConnection, timeout: TimeAmount) async throws(MailDeliveryError)
        -> SMTPCapabilities
    {
        let name = settings.clientName ?? connection.localAddressLiteral
        let reply = try await connection.exchange("EHLO \(name)", timeout: timeout)
        if reply.code == 250 { return SMTPCapabilities(ehlo: reply) }
        if [500, 501, 502, 504].contains(reply.code) {
            try expect(try await connection.exchange("HELO \(name)", timeout: timeout), 250, in: "HELO", from: connection)
            return .none
        }
        try expect(reply, 250, in: "EHLO", from: connection)
        return .none
    }

    /// AUTH PLAIN (RFC 4616) when offered, else AUTH LOGIN; nothing else is spoken.
    private func authenticate(username: String, password: String, offered capabilities: SMTPCapabilities,
                              over connection: SMTPConnection, timeout: TimeAmount) async throws(MailDeliveryError)
    {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let mechanisms = capabilities.authenticationMechanisms
        let final: SMTPReply
        let step: String
        if mechanisms.contains("PLAIN") {
            step = "AUTH PLAIN"
            final = try await connection.exchange("AUTH PLAIN \(base64("\u{0}\(username)\u{0}\(password)"))",
                                                  shownAs: step, timeout: timeout)
        } else if mechanisms.contains("LOGIN") {
            step = "AUTH LOGIN"
            var reply = try await connection.exchange("AUTH LOGIN", timeout: timeout)
            if reply.code == 334 {
                reply = try await connection.exchange(base64(username), shownAs: "the AUTH LOGIN user name", timeout: timeout)
            }
            if reply.code == 334 {
                reply = try await connection.exchange(base64(password), shownAs: "the AUTH LOGIN password", timeout: timeout)
            }
            final = reply
        } else {
            let offered = mechanisms.isEmpty ? "none" : mechanisms.sorted().joined(separator: " ")
            throw MailDeliveryError(.authenticationRefused, "the mail relay \(connection.relay) offers no AUTH mechanism "
                                    + "Dailies speaks (PLAIN, LOGIN); it offers: \(offered)")
        }
        guard final.code == 235 else {
            throw MailDeliveryError(.authenticationRefused, "the mail relay \(connection.relay) refused \(step) for "
                                    + "\(username): \(final.summary)", replyCode: final.code, replyText: final.text)
        }
    }

    private func expect(_ reply: SMTPReply, _ codes: Int..., in step: String, from connection: SMTPConnection)
        throws(MailDeliveryError)
    {
        guard !codes.contains(reply.code) else { return }
        let said = "the mail relay \(connection.relay) answered \(step) with \(reply.summary)"
        switch reply.code {
        case 400..<500:
            throw MailDeliveryError(.relayDeferred, said, replyCode: reply.code, replyText: reply.text)
        case 500..<600:
            throw MailDeliveryError(.relayRefused, said, replyCode: reply.code, replyText: reply.text)
        default:
            throw MailDeliveryError(.protocolError, said + ", which that step does not allow",
                                    replyCode: reply.code, replyText: reply.text)
        }
    }

    /// What the envelope and the text must be before anything is sent: an address with CR, LF
    /// or `>` would end the command early and start another.
    static func check(_ message: MailMessage) throws(MailDeliveryError) {
        guard !message.recipients.isEmpty else {
            throw MailDeliveryError(.unsendableMessage, "the message has no recipients")
        }
        for address in [message.sender] + message.recipients where !isEnvelopeAddress(address) {
            if address.isEmpty && address == message.sender { continue }  // the null sender, <>
            throw MailDeliveryError(.unsendableMessage, "'\(address.prefix(100))' is not an email address SMTP can carry")
        }
        var lineLength = 0
        for byte in message.text.utf8 {
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                lineLength = 0
                continue
            }
            lineLength += 1
            if lineLength > 998 {
                throw MailDeliveryError(.unsendableMessage, "the message has a line longer than 998 octets, "
                                        + "which SMTP does not carry (RFC 5321 §4.5.3.1.6)")
            }
        }
    }

    private static func isEnvelopeAddress(_ address: String) -> Bool {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex
        else { return false }
        return address.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != "<" && $0 != ">" }
    }

    /// The text as DATA carries it (RFC 5321 §4.5.2): every line ending in CRLF, whatever it
    /// ended in before (a bare CR or LF is how SMTP smuggling starts), a line starting with
    /// `.` doubled, and `.` alone on the last line.
    static func dataBlock(_ text: String) -> ByteBuffer {
        var block = ByteBuffer()
        block.reserveCapacity(text.utf8.count + text.utf8.count / 32 + 8)
        var atLineStart = true
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\r"):
                block.writeStaticString("\r\n")
                atLineStart = true
                previousWasCR = true
                continue
            case UInt8(ascii: "\n"):
                if !previousWasCR { block.writeStaticString("\r\n") }
                atLineStart = true
            default:
                if atLineStart && byte == UInt8(ascii: ".") { block.writeInteger(UInt8(ascii: ".")) }
                block.writeInteger(byte)
                atLineStart = false
            }
            previousWasCR = false
        }
        if !atLineStart { block.writeStaticString("\r\n") }
        block.writeStaticString(".\r\n")
        return block
    }
}
