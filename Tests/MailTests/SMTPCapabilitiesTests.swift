import Testing

@testable import Pipeline

@Suite("SMTP capabilities and settings")
struct SMTPCapabilitiesTests {
    @Test("EHLO keywords are read case-insensitively, the old AUTH= form too")
    func capabilities() {
        let reply = SMTPReply(code: 250, lines: ["relay.studio.example greets [192.0.2.7]", "8bitmime", "SIZE 35882577",
                                                 "AUTH=LOGIN", "AUTH PLAIN xoauth2", "STARTTLS"],
                              wasFollowedByMoreInput: false)
        let capabilities = SMTPCapabilities(ehlo: reply)
        #expect(capabilities.offersStartTLS)
        #expect(capabilities.offers8BitMIME)
        #expect(capabilities.authenticationMechanisms == ["LOGIN", "PLAIN", "XOAUTH2"])
        #expect(capabilities.keywords["SIZE"] == ["35882577"])
        #expect(!SMTPCapabilities(ehlo: SMTPReply(code: 250, lines: ["relay STARTTLS"], wasFollowedByMoreInput: false))
            .offersStartTLS, "the greeting line offers nothing")
    }

    @Test("settings printed for logs never show the password")
    func description() {
        let settings = SMTPSettings(host: "mail.studio.example", port: 587, security: .startTLS, username: "review",
                                    password: "hunter2", caFile: "/etc/dailies/studio-ca.pem")
        #expect(!"\(settings)".contains("hunter2"))
        #expect("\(settings)".contains("mail.studio.example:587"))
    }
}
