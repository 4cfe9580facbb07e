import Catalog
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Sends one webhook POST over HTTP/1.1 to exactly the addresses it checked.
///
/// General HTTP clients resolve a host when they connect, so a name that passed a check a
/// moment before could point somewhere else by then (DNS rebinding), and they follow
/// redirects wherever they lead. This one resolves the host itself, checks every address
/// against the ``WebhookAddressPolicy``, connects to the checked bytes (the URL's host goes
/// only into the `Host` header and TLS's server name and certificate check), sends one
/// request on a fresh connection, and returns the answer's status: a redirect is an answer
/// like any other, never followed.
final class WebhookClient: Sendable {
    /// What to send.
    struct Request: Sendable {
        let target: WebhookTarget
        /// Header fields besides `Host`, `Content-Length`, `Connection` and `User-Agent`.
        let headers: [(name: String, value: String)]
        let body: String
    }

    private let configuration: WebhookConfiguration
    /// Made once: loading the system's trust roots is slow. `nil` with the reason when this
    /// machine cannot do TLS, which fails only the https deliveries.
    private let tls: (context: NIOSSLContext?, failure: String?)

    init(configuration: WebhookConfiguration) {
        self.configuration = configuration
        do {
            // Full verification: the certificate must chain to a trusted root and name the URL's host.
            tls = (try NIOSSLContext(configuration: .makeClientConfiguration()), nil)
        } catch {
            tls = (nil, "\(error)")
        }
    }

    /// Delivers `request` and returns the receiver's HTTP status (a 3xx included, unfollowed).
    ///
    /// Every address the host resolves to must pass `policy`, or nothing is sent. The
    /// addresses are tried in the resolver's order, each within the connect timeout; the whole
    /// delivery, from the first attempt to the answer's head, within the answer timeout.
    func post(_ request: Request, policy: WebhookAddressPolicy) async throws(WebhookDeliveryError) -> Int {
        let target = request.target
        let addresses = try await HostResolver.addresses(of: target.host)
        for address in addresses {
            if let refusal = policy.refusal(of: address, host: target.host) {
                throw WebhookDeliveryError(.refusedAddress, refusal)
            }
        }
        let sslContext: NIOSSLContext?
        if target.scheme == .https {
            guard let context = tls.context else {
                throw WebhookDeliveryError(.tls, "this machine cannot make TLS connections: \(tls.failure ?? "unknown reason")")
            }
            sslContext = context
        } else {
            sslContext = nil
        }

        let deadline = NIODeadline.now() + TimeAmount(configuration.answerTimeout)
        var failures: [String] = []
        for address in addresses {
            let remaining = deadline - NIODeadline.now()
            guard remaining > .zero else { break }
            let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
            do {
                channel = try await connect(to: address, target: target, tls: sslContext,
                                            timeout: min(TimeAmount(configuration.connectTimeout), remaining))
            } catch {
                failures.append("\(address): \(Self.describe(error))")
                continue
            }
            return try await exchange(request, over: channel, address: address, deadline: deadline)
        }
        if failures.isEmpty {
            throw timedOut(target, address: nil)
        }
        throw WebhookDeliveryError(.connectFailed, "cannot connect to \(target.host) port \(target.port): "
                                   + failures.joined(separator: "; "))
    }

    private func connect(to address: IPAddress, target: WebhookTarget, tls: NIOSSLContext?, timeout: TimeAmount) async throws
        -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    {
        let socketAddress = try SocketAddress(packedIPAddress: ByteBuffer(bytes: address.bytes), port: target.port)
        // SNI carries names only; for a literal address the certificate is checked against the address.
        let serverName = target.literalAddress == nil ? target.host : nil
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(to: socketAddress) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
    }

    private func exchange(_ request: Request, over channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
                          address: IPAddress, deadline: NIODeadline) async throws(WebhookDeliveryError) -> Int {
        let target = request.target
        // At the deadline the connection closes, which ends the wait for an answer.
        let underlying = channel.channel
        let closer = underlying.eventLoop.scheduleTask(deadline: deadline) { underlying.close(promise: nil) }
        defer { closer.cancel() }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestTarget)
        head.headers.add(name: "Host", value: target.hostHeader)
        head.headers.add(name: "User-Agent", value: "Dailies-Webhooks/1")
        for field in request.headers { head.headers.add(name: field.name, value: field.value) }
        head.headers.add(name: "Content-Length", value: String(request.body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        do {
            return try await channel.executeThenClose { inbound, outbound in
                // One write: a receiver may answer and close as soon as the body is in, and a
                // separate write of the (empty) end would then fail on the closed channel.
                // Should the write fail anyway, an answer that did arrive still counts.
                var writeFailure: (any Error)?
                do {
                    try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(string: request.body))),
                                                          .end(nil)])
                } catch {
                    writeFailure = error
                }
                for try await part in inbound {
                    // 1xx answers are interim; the final one follows.
                    if case .head(let answer) = part, answer.status.code >= 200 {
                        return Int(answer.status.code)
                    }
                }
                if let writeFailure { throw writeFailure }
                throw WebhookDeliveryError(.protocolError, "\(target.host) (\(address)) closed the connection without answering")
            }
        } catch {
            if NIODeadline.now() >= deadline { throw timedOut(target, address: address) }
            if let error = error as? WebhookDeliveryError { throw error }
            if Self.isTLS(error) {
                throw WebhookDeliveryError(.tls, "TLS with \(target.host) (\(address)) failed: \(error)")
            }
            throw WebhookDeliveryError(.protocolError, "the exchange with \(target.host) (\(address)) failed: \(Self.describe(error))")
        }
    }

    private func timedOut(_ target: WebhookTarget, address: IPAddress?) -> WebhookDeliveryError {
        let seconds = configuration.answerTimeout.components.seconds
        let at = address.map { " (\($0))" } ?? ""
        return WebhookDeliveryError(.timedOut, "no answer from \(target.host)\(at) within \(seconds) s")
    }

    private static func isTLS(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ChannelError:
            if case .connectTimeout = error { return "the connection timed out" }
            return "\(error)"
        case let error as IOError:
            return error.description
        default:
            return "\(error)"
        }
    }
}
