import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection to an SMTP relay, driven one command and reply at a time.
///
/// Everything happens on the channel's event loop: a step writes its command, waits for the
/// reply, and fails when the reply does not come within the step's timeout (the connection
/// closes then), when the connection drops, or when TLS fails. No thread ever blocks.
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>
    /// The relay, for messages: `host:port`.
    let relay: String

    /// Connects to `host`:`port` within `timeout`; with `implicitTLS` the connection is
    /// encrypted from its first byte.
    static func connect(host: String, port: Int, implicitTLS: TLSUpgrade?, timeout: TimeAmount,
                        group: any EventLoopGroup) async throws(MailDeliveryError) -> SMTPConnection {
        let relay = "\(host):\(port)"
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = SMTPReplyHandler(relay: relay, eventLoop: channel.eventLoop)
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(try implicitTLS.makeHandler())
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return SMTPConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                                              relay: relay)
                    }
                }
        } catch {
            if let error = error as? MailDeliveryError { throw error }
            if SMTPReplyHandler.isTLS(error) {
                throw MailDeliveryError(.tlsFailed, "cannot set up TLS for \(relay): \(error)")
            }
            throw MailDeliveryError(.connectFailed, "cannot connect to the mail relay \(relay): \(Self.describe(error))")
        }
    }

    /// Sends `command` (none: only waits, as for the greeting) and returns the relay's reply.
    /// `shownAs` replaces the command in messages, to keep credentials out of them.
    func exchange(_ command: String?, shownAs: String? = nil, timeout: TimeAmount) async throws(MailDeliveryError)
        -> SMTPReply
    {
        var bytes: ByteBuffer?
        if let command {
            bytes = channel.allocator.buffer(capacity: command.utf8.count + 2)
            bytes!.writeString(command)
            bytes!.writeStaticString("\r\n")
        }
        return try await exchange(bytes: bytes, step: shownAs ?? command ?? "the greeting", timeout: timeout, tls: nil)
    }

    /// Sends `STARTTLS`; on the relay's 220, puts TLS under the reply decoder before another
    /// byte is read, and returns the reply (any other reply is returned unchanged).
    func startTLS(_ upgrade: TLSUpgrade, timeout: TimeAmount) async throws(MailDeliveryError) -> SMTPReply {
        try await exchange(bytes: ByteBuffer(string: "STARTTLS\r\n"), step: "STARTTLS", timeout: timeout, tls: upgrade)
    }

    /// Sends the message's body (already dot-stuffed and ended by `.`), returns the final reply.
    func sendData(_ body: ByteBuffer, timeout: TimeAmount) async throws(MailDeliveryError) -> SMTPReply {
        try await exchange(bytes: body, step: "the end of DATA", timeout: timeout, tls: nil)
    }

    /// The connection's own address as an address literal for EHLO (`[127.0.0.1]`, `[IPv6:::1]`).
    var localAddressLiteral: String {
        switch channel.localAddress {
        case .v4(let address)?: "[\(address.host)]"
        case .v6(let address)?: "[IPv6:\(address.host)]"
        default: "[127.0.0.1]"
        }
    }

    /// Closes the connection; never fails.
    func close() async {
        try? await channel.close()
    }

    private func exchange(bytes: ByteBuffer?, step: String, timeout: TimeAmount, tls: TLSUpgrade?)
        async throws(MailDeliveryError) -> SMTPReply
    {
        let handler = self.handler
        let reply = channel.eventLoop.flatSubmit {
            handler.value.exchange(bytes, step: step, timeout: timeout, upgradingTo: tls)
        }
        do {
            return try await reply.get()
        } catch let error as MailDeliveryError {
            throw error
        } catch {
            // The loop shut down: the process is stopping.
            throw MailDeliveryError(.connectionDropped, "the connection to \(relay) ended: \(error)")
        }
    }

    /// `amount` for people: whole seconds as seconds, anything shorter in milliseconds.
    static func describe(_ amount: TimeAmount) -> String {
        amount.nanoseconds % 1_000_000_000 == 0
            ? "\(amount.nanoseconds / 1_000_000_000) s" : "\(amount.nanoseconds / 1_000_000) ms"
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ChannelError:
            if case .connectTimeout(let amount) = error {
                return "no connection within \(describe(amount))"
            }
            return "\(error)"
        case let error as NIOConnectionError:
            // Each address tried, with its own reason.
            let failures = error.connectionErrors.map { "\($0.target): \(describe($0.error))" }
            if error.dnsAAAAError != nil && error.dnsAError != nil && failures.isEmpty {
                return "the host name does not resolve"
            }
            return failures.isEmpty ? "\(error)" : failures.joined(separator: "; ")
        case let error as IOError:
            return error.description
        default:
            return "\(error)"
        }
    }
}

/// How to put TLS on a connection: the context (trust roots, verification) and the name the
/// relay's certificate must carry.
struct TLSUpgrade: Sendable {
    let context: NIOSSLContext
    /// The relay's host name for SNI and the certificate check; `nil` for an IP address,
    /// which is checked against the certificate's addresses instead (SNI carries names only).
    let serverHostname: String?

    func makeHandler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }
}

/// The end of the pipeline: hands each reply to the step waiting for it, times steps out,
/// and turns closes and errors into ``MailDeliveryError``s.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundOut = ByteBuffer

    private let relay: String
    private let eventLoop: any EventLoop
    private var context: ChannelHandlerContext?
    /// Replies that came before anyone asked (a server may answer early); normally empty.
    private var unclaimed = CircularBuffer<SMTPReply>()
    private var waiter: Waiter?
    /// Set once the connection is unusable; every later step fails with it.
    private var failure: MailDeliveryError?

    private struct Waiter {
        let promise: EventLoopPromise<SMTPReply>
        let timer: Scheduled<Void>
        /// Armed for the reply to STARTTLS.
        let tls: TLSUpgrade?
    }

    init(relay: String, eventLoop: any EventLoop) {
        self.relay = relay
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes `bytes` (if any) and answers the next reply, within `timeout`.
    func exchange(_ bytes: ByteBuffer?, step: String, timeout: TimeAmount, upgradingTo tls: TLSUpgrade?)
        -> EventLoopFuture<SMTPReply>
    {
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard let context else {
            return eventLoop.makeFailedFuture(MailDeliveryError(.connectionDropped, "the connection to \(relay) is closed"))
        }
        let loop = eventLoop
        precondition(waiter == nil, "one SMTP step at a time")
        let promise = loop.makePromise(of: SMTPReply.self)
        let timer = loop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(MailDeliveryError(.timedOut, "no answer from the mail relay \(relay) to \(step) within "
                                   + SMTPConnection.describe(timeout)))
        }
        waiter = Waiter(promise: promise, timer: timer, tls: tls)
        if let bytes {
            context.writeAndFlush(wrapOutboundOut(bytes)).assumeIsolated().whenFailure { [self] error in
                fail(mapped(error))
            }
        }
        if !unclaimed.isEmpty {
            deliver(unclaimed.removeFirst())
        }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        let reply = unwrapInboundIn(data)
        if waiter == nil {
            unclaimed.append(reply)
        } else {
            deliver(reply)
        }
    }

    private func deliver(_ reply: SMTPReply) {
        guard let waiter else { return }
        if let tls = waiter.tls, reply.code == 220 {
            // RFC 3207 §4: after 220 the next bytes are TLS. A server (or someone in the path)
            // that sent more in plain text is trying to have it read as if it came encrypted.
            guard !reply.wasFollowedByMoreInput, unclaimed.isEmpty else {
                fail(MailDeliveryError(.tlsFailed, "the mail relay \(relay) sent more after agreeing to STARTTLS; "
                                       + "refusing to read plain text as if it came over TLS"))
                return
            }
            do {
                guard let context else { throw ChannelError.ioOnClosedChannel }
                try context.pipeline.syncOperations.addHandler(try tls.makeHandler(), position: .first)
            } catch {
                fail(MailDeliveryError(.tlsFailed, "cannot start TLS with \(relay): \(error)"))
                return
            }
        }
        self.waiter = nil
        waiter.timer.cancel()
        waiter.promise.succeed(reply)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(mapped(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(MailDeliveryError(.connectionDropped, "the mail relay \(relay) closed the connection"))
        context.fireChannelInactive()
    }

    /// Ends the connection with `error` (the first reason sticks) and fails the step waiting.
    private func fail(_ error: MailDeliveryError) {
        if failure == nil {
            failure = error
            context?.close(promise: nil)
        }
        if let waiter {
            self.waiter = nil
            waiter.timer.cancel()
            waiter.promise.fail(failure!)
        }
    }

    private func mapped(_ error: any Error) -> MailDeliveryError {
        if let error = error as? MailDeliveryError { return error }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error {
            return MailDeliveryError(.connectionDropped, "the mail relay \(relay) closed the connection")
        }
        if Self.isTLS(error) {
            return MailDeliveryError(.tlsFailed, "TLS with the mail relay \(relay) failed: \(error)")
        }
        if let error = error as? SMTPReplyDecoder.MalformedReply {
            return MailDeliveryError(.protocolError, "the mail relay \(relay) sent \(error.description)")
        }
        return MailDeliveryError(.connectionDropped, "the connection to \(relay) failed: \(SMTPConnection.describe(error))")
    }

    static func isTLS(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }
}
