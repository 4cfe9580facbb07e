import Foundation

/// Writes each message into a maildir (`tmp/`, then renamed into `new/`), where people can
/// read it and a local mail agent can pick it up. The embedded default: needs no mail server.
public struct MaildirOutbox: MailDelivery {
    /// The maildir: the folder holding `tmp/`, `new/` and `cur/`.
    public let directory: String

    /// An outbox in `directory`, creating its folders when missing.
    public init(directory: String) throws {
        self.directory = directory
        for folder in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: (directory as NSString).appendingPathComponent(folder),
                                                    withIntermediateDirectories: true)
        }
    }

    /// Writes `message` to `tmp/` and renames it into `new/`, so a reader never sees half a
    /// message. Throws ``MailDeliveryError/Code-swift.struct/outboxUnwritable``.
    public func deliver(_ message: MailMessage) async throws(MailDeliveryError) {
        let name = "\(Int(Date().timeIntervalSince1970)).\(UUID().uuidString).dailies"
        let temporary = (directory as NSString).appendingPathComponent("tmp/\(name)")
        let final = (directory as NSString).appendingPathComponent("new/\(name)")
        guard FileManager.default.createFile(atPath: temporary, contents: Data(message.text.utf8)) else {
            throw MailDeliveryError(.outboxUnwritable, "cannot write to the outbox \(directory)")
        }
        do {
            try FileManager.default.moveItem(atPath: temporary, toPath: final)
        } catch {
            throw MailDeliveryError(.outboxUnwritable, "cannot move a message into \(directory)/new: \(error)")
        }
    }
}
