import Foundation
import MediaTestSupport
import Pipeline
import Testing

/// The MIME composer, read back by Python's email package (policy.default) in the SMTP peer.
@Suite("Mail composer")
struct MailComposerTests {
    private let studio = MailAddress("review@studio.example", displayName: "Nørdlight VFX")
    private let dana = MailAddress("dana@client.example", displayName: "Dana Client")

    /// Composes `mail`, delivers it to a fresh peer and returns what the peer read.
    private func roundTrip(_ mail: MailComposer) async throws -> SMTPPeer.Message {
        let peer = try await SMTPPeer()
        try await SMTPDelivery(settings: settings(for: peer)).deliver(try mail.compose())
        return try await peer.nextMessage()
    }

    @Test("text, HTML with the caller's escaped markup, and an inline JPEG arrive exactly")
    func multipart() async throws {
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("still.jpg")))
        // Text long and non-ASCII enough to need quoted-printable, with a trailing space on a line.
        let text = "Hello Dana,\n\nNotes on sh010 — frame 1042: the matte edge flickers; "
            + String(repeating: "très ", count: 30) + "\nA line ending in a space \n.dot first\n\n-- \nNørdlight\n"
        let comment = "<script>alert(\"x\")</script> & “quotes”"
        let escaped = comment.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        let html = "<!doctype html><html><body><p>Hello Dana,</p><p>\(escaped)</p>"
            + "<img src=\"cid:frame-1042@dailies\" alt=\"frame 1042\"></body></html>\n"
        var mail = MailComposer(from: studio, to: [dana], subject: "Notes on sh010", text: text)
        mail.html = html
        mail.inlineImages = [.init(contentID: "frame-1042@dailies", data: jpeg, filename: "sh010_1042.jpg")]

        let received = try await roundTrip(mail)
        #expect(received.structure == "multipart/alternative(text/plain, multipart/related(text/html, image/jpeg))")
        #expect(received.defects.isEmpty)
        #expect(received.parts.allSatisfy { $0.defects.isEmpty }, "\(received.parts.map(\.defects))")
        try #require(received.parts.count == 3)
        let (plain, markup, image) = (received.parts[0], received.parts[1], received.parts[2])
        #expect(plain.contentType == "text/plain" && plain.charset == "utf-8")
        #expect(plain.text == text)
        #expect(markup.contentType == "text/html")
        #expect(markup.text == html)
        #expect(markup.text?.contains("&lt;script&gt;") == true)
        #expect(image.contentType == "image/jpeg")
        #expect(image.contentId == "<frame-1042@dailies>")
        #expect(image.disposition == "inline" && image.filename == "sh010_1042.jpg")
        #expect(image.data == jpeg)

        // Every line within SMTP's limit; base64 in lines of 76.
        let raw = received.raw
        let lines = raw.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        let base64Start = try #require(raw.range(of: "Content-ID: <frame-1042@dailies>"))
        let base64Lines = raw[base64Start.upperBound...].components(separatedBy: "\r\n").dropFirst(3).prefix(10)
        #expect(base64Lines.allSatisfy { $0.count == 76 }, "\(base64Lines.map(\.count))")
    }

    @Test("non-ASCII display names and subjects are encoded words and come back whole; addresses stay plain")
    func encodedWords() async throws {
        let long = "Révision des plans — « Comp finals » pour Ærøskøbing, séquence 010 à 040, et les notes de Zoë"
        var mail = MailComposer(from: studio, to: [dana, MailAddress("bjork@client.example", displayName: "Björk Guðmundsdóttir")],
                                subject: long, text: "Bonjour\n")
        mail.replyTo = MailAddress("producers@studio.example", displayName: "Prödúcers, \"Nørdlight\"")
        let message = try mail.compose()
        #expect(message.recipients == ["dana@client.example", "bjork@client.example"])
        #expect(message.text.contains("<bjork@client.example>"), "the address is left plain")
        let header = message.text.components(separatedBy: "\r\n\r\n")[0]
        #expect(header.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(header.components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 })

        let received = try await roundTrip(mail)
        #expect(received.header("Subject") == long)
        #expect(received.addresses["From"] == [.init(displayName: "Nørdlight VFX", address: "review@studio.example")])
        #expect(received.addresses["To"] == [.init(displayName: "Dana Client", address: "dana@client.example"),
                                             .init(displayName: "Björk Guðmundsdóttir", address: "bjork@client.example")])
        #expect(received.addresses["Reply-To"] == [.init(displayName: "Prödúcers, \"Nørdlight\"",
                                                         address: "producers@studio.example")])
        #expect(received.defects.isEmpty)
    }

    @Test("ASCII display names with specials are quoted")
    func quotedDisplayName() async throws {
        var mail = MailComposer(from: MailAddress("review@studio.example", displayName: "Review, Studio \"A\""),
                                to: [dana], subject: "Hi", text: "x\n")
        #expect(try mail.compose().text.contains("From: \"Review, Studio \\\"A\\\"\" <review@studio.example>\r\n"))
        mail.subject = "=?UTF-8?B?not an encoded word?="
        let received = try await roundTrip(mail)
        #expect(received.addresses["From"]?.first?.displayName == "Review, Studio \"A\"")
        #expect(received.header("Subject") == "=?UTF-8?B?not an encoded word?=")
    }

    @Test("extra headers: List-Unsubscribe and one-click (RFC 8058) arrive as given")
    func listUnsubscribe() async throws {
        var mail = MailComposer(from: studio, to: [dana], subject: "Invitation", text: "Hello\n")
        let target = "<https://review.studio.example/api/v1/unsubscribe/" + String(repeating: "t0k3n", count: 20) + ">"
        try mail.addHeader("List-Unsubscribe", target)
        try mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        let received = try await roundTrip(mail)
        #expect(received.header("List-Unsubscribe") == target)
        #expect(received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
    }

    @Test("CR or LF in a subject, a display name or an extra header is refused: no header injection")
    func headerInjection() throws {
        var mail = MailComposer(from: studio, to: [dana], subject: "Hello\r\nBcc: everyone@elsewhere.example", text: "x")
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidHeaderValue }
        mail.subject = "Hello\nX-Injected: yes"
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidHeaderValue }

        mail.subject = "Hello"
        mail.to = [MailAddress("dana@client.example", displayName: "Dana\r\nBcc: x@elsewhere.example")]
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidHeaderValue }
        mail.to = [MailAddress("dana@client.example\r\nBcc: x@elsewhere.example")]
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidAddress }

        mail.to = [dana]
        #expect { try mail.addHeader("List-Unsubscribe", "<https://x.example>\r\nBcc: x@elsewhere.example") } throws: {
            ($0 as? MailComposerError)?.code == .invalidHeaderValue
        }
        #expect { try mail.addHeader("X-Bad Name", "v") } throws: { ($0 as? MailComposerError)?.code == .invalidHeaderName }
        #expect { try mail.addHeader("Content-Type", "text/html") } throws: {
            ($0 as? MailComposerError)?.code == .reservedHeaderName
        }
        #expect { try mail.addHeader("bcc", "x@elsewhere.example") } throws: {
            ($0 as? MailComposerError)?.code == .reservedHeaderName
        }
        #expect(mail.extraHeaders.isEmpty)
        _ = try mail.compose()
    }

    @Test("the Date is RFC 5322 in the time zone given")
    func date() throws {
        var mail = MailComposer(from: studio, to: [dana], subject: "Hi", text: "x")
        mail.date = Date(timeIntervalSince1970: 1_795_424_400)  // 2026-11-23 09:00:00 UTC
        #expect(try mail.compose().text.contains("\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n"))
        mail.timeZone = try #require(TimeZone(identifier: "America/Los_Angeles"))
        #expect(try mail.compose().text.contains("\r\nDate: Mon, 23 Nov 2026 01:00:00 -0800\r\n"))
        mail.timeZone = try #require(TimeZone(identifier: "Asia/Kolkata"))
        #expect(try mail.compose().text.contains("\r\nDate: Mon, 23 Nov 2026 14:30:00 +0530\r\n"))
    }

    @Test("each message gets fresh MIME boundaries and a Message-ID at the sender's domain")
    func boundariesAndMessageID() throws {
        var mail = MailComposer(from: studio, to: [dana], subject: "Hi", text: "x")
        mail.html = "<p>x</p>"
        func boundary(_ text: String) throws -> String {
            let range = try #require(text.range(of: #"boundary="[^"]+""#, options: .regularExpression))
            return String(text[range])
        }
        let first = try mail.compose().text
        let second = try mail.compose().text
        #expect(try boundary(first) != boundary(second))
        #expect(first.range(of: #"\r\nMessage-ID: <[0-9a-f-]{36}@studio\.example>\r\n"#, options: .regularExpression) != nil)
        mail.messageID = "invite-1@review.studio.example"
        #expect(try mail.compose().text.contains("\r\nMessage-ID: <invite-1@review.studio.example>\r\n"))
    }

    @Test("8-bit bodies stay readable and go with BODY=8BITMIME; long lines still become quoted-printable")
    func eightBit() async throws {
        let longLine = String(repeating: "Ærø ", count: 300)  // 1500 bytes: too long for one SMTP line
        var mail = MailComposer(from: studio, to: [dana], subject: "Hi",
                                text: "Nørdlight invites you to review \"Comp finals\" from Mon 23 Nov 2026 09:00 UTC to Tue.\n")
        mail.bodyEncoding = .eightBit
        let message = try mail.compose()
        #expect(message.text.contains("Content-Transfer-Encoding: 8bit\r\n"))
        #expect(message.text.contains("Nørdlight invites you to review \"Comp finals\" from Mon 23 Nov 2026 09:00 UTC to Tue.\r\n"))
        let received = try await roundTrip(mail)
        #expect(received.mailOptions.contains("BODY=8BITMIME"))
        #expect(received.parts.first?.text == mail.text)

        mail.text = longLine + "\n"
        #expect(try mail.compose().text.contains("Content-Transfer-Encoding: quoted-printable\r\n"))
        #expect(try await roundTrip(mail).parts.first?.text == mail.text)
    }

    @Test("inline images need HTML, unique Content-IDs and a media type")
    func inlineImageChecks() throws {
        var mail = MailComposer(from: studio, to: [dana], subject: "Hi", text: "x")
        mail.inlineImages = [.init(contentID: "a@dailies", data: Data([0xFF, 0xD8]))]
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidInlineImage }
        mail.html = "<img src=\"cid:a@dailies\">"
        mail.inlineImages.append(.init(contentID: "a@dailies", data: Data([0xFF, 0xD8])))
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidInlineImage }
        mail.inlineImages = [.init(contentID: "a b>", data: Data())]
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidInlineImage }
        mail.inlineImages = [.init(contentID: "a@dailies", mediaType: "image", data: Data())]
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .invalidInlineImage }
        mail.to = []
        #expect { try mail.compose() } throws: { ($0 as? MailComposerError)?.code == .noRecipients }
    }
}
