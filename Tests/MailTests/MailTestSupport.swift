import Foundation
import MediaTestSupport
import Pipeline
import Testing

/// Settings for `peer`: its port on 127.0.0.1, trusting its CA unless told otherwise.
func settings(for peer: SMTPPeer, security: SMTPSettings.Security = .startTLS, trustPeer: Bool = true,
              username: String? = nil, password: String? = nil, timeout: Duration = .seconds(20)) -> SMTPSettings {
    SMTPSettings(host: "127.0.0.1", port: peer.port, security: security, username: username, password: password,
                 caFile: trustPeer ? peer.caFile : nil, timeout: timeout, clientName: "dailies.test")
}

/// A small plain message from the studio to `recipients`.
func plainMessage(to recipients: [String] = ["dana@client.example"], body: String = "Notes by Friday, please.\r\n")
    -> MailMessage
{
    MailMessage(sender: "review@studio.example", recipients: recipients,
                text: "From: review@studio.example\r\nTo: \(recipients.joined(separator: ", "))\r\n"
                    + "Subject: Comp finals\r\n\r\n" + body)
}

/// Runs `delivery` and returns the ``MailDeliveryError`` it throws; records an issue when it
/// throws something else or succeeds.
func deliveryError(_ delivery: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async
    -> MailDeliveryError?
{
    do {
        try await delivery()
        Issue.record("the delivery succeeded; an error was expected", sourceLocation: sourceLocation)
    } catch let error as MailDeliveryError {
        return error
    } catch {
        Issue.record("not a MailDeliveryError: \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
