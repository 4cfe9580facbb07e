import Foundation

/// An email ready to send: its envelope addresses and the whole message text (RFC 5322).
public struct MailMessage: Sendable, Hashable {
    /// The envelope sender (bounces go here).
    public let sender: String
    public let recipients: [String]
    /// Headers and body, lines ending in CRLF.
    public let text: String
}

/// Hands messages to whatever delivers them.
public protocol MailDelivery: Sendable {
    func deliver(_ message: MailMessage) async throws
}

/// Why a message could not be handed over.
public struct MailError: Error, CustomStringConvertible {
    public let description: String
}

/// Writes each message into a maildir (`tmp/`, then renamed into `new/`), where people can
/// read it and a local mail agent can pick it up. The default: needs no mail server.
public struct MaildirOutbox: MailDelivery {
    public let directory: String

    public init(directory: String) throws {
        self.directory = directory
        for folder in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: (directory as NSString).appendingPathComponent(folder),
                                                    withIntermediateDirectories: true)
        }
    }

    public func deliver(_ message: MailMessage) async throws {
        let name = "\(Int(Date().timeIntervalSince1970)).\(UUID().uuidString).dailies"
        let temporary = (directory as NSString).appendingPathComponent("tmp/\(name)")
        let final = (directory as NSString).appendingPathComponent("new/\(name)")
        guard FileManager.default.createFile(atPath: temporary, contents: Data(message.text.utf8)) else {
            throw MailError(description: "cannot write to the outbox \(directory)")
        }
        try FileManager.default.moveItem(atPath: temporary, toPath: final)
    }
}
