/// Hands messages to whatever delivers them: an SMTP relay (``SMTPDelivery``) or the maildir
/// outbox of the embedded default (``MaildirOutbox``).
public protocol MailDelivery: Sendable {
    /// Delivers `message`, or throws why not; implementations throw ``MailDeliveryError``, whose
    /// ``MailDeliveryError/isPermanent`` tells a caller with retries whether to try again.
    func deliver(_ message: MailMessage) async throws
}
