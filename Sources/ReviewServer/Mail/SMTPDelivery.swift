#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Sends messages over plain SMTP to a relay, the studio's own mail server or a local mail
/// agent, which takes care of TLS and onward delivery. Optional AUTH PLAIN.
///
/// The conversation is short and blocking, so it runs on a thread of its own with a 30 s
/// bound on every read and write; a relay that is down or slow fails the one delivery.
public struct SMTPDelivery: MailDelivery {
    public let host: String
    public let port: Int
    public let username: String?
    public let password: String?

    public init(host: String, port: Int, username: String?, password: String?) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    public func deliver(_ message: MailMessage) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try self.converse(message)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private func converse(_ message: MailMessage) throws {
        let connection = try LineConnection(host: host, port: port)
        defer { connection.close() }
        try connection.expect(220)
        try connection.send("EHLO dailies")
        try connection.expect(250)
        if let username, let password {
            let credentials = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            try connection.send("AUTH PLAIN \(credentials)")
            try connection.expect(235)
        }
        try connection.send("MAIL FROM:<\(message.sender)>")
        try connection.expect(250)
        for recipient in message.recipients {
            try connection.send("RCPT TO:<\(recipient)>")
            try connection.expect(250, 251)
        }
        try connection.send("DATA")
        try connection.expect(354)
        // Dot-stuffing: a line starting with "." gets another.
        let body = message.text.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        try connection.send(body + (body.hasSuffix("\r\n") ? "" : "\r\n") + ".")
        try connection.expect(250)
        try connection.send("QUIT")
    }
}

/// A TCP connection that sends CRLF lines and reads SMTP replies.
private final class LineConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw MailError(description: "cannot resolve the mail relay \(host)")
        }
        defer { freeaddrinfo(results) }
        var connected: Int32 = -1
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate, connected < 0 {
            let descriptor = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if descriptor >= 0 {
                var timeout = timeval(tv_sec: 30, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                    connected = descriptor
                } else {
                    Glibc.close(descriptor)
                }
            }
            candidate = address.pointee.ai_next
        }
        guard connected >= 0 else { throw MailError(description: "cannot connect to the mail relay \(host):\(port)") }
        socket = connected
    }

    func close() {
        Glibc.close(socket)
    }

    func send(_ line: String) throws {
        let bytes = Array((line + "\r\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard result > 0 else { throw MailError(description: "the mail relay stopped listening") }
            sent += result
        }
    }

    /// Reads a reply (all its lines) and checks its code.
    func expect(_ codes: Int...) throws {
        while true {
            let line = try readLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw MailError(description: "the mail relay answered '\(line)'")
            }
            // "250-..." continues; "250 ..." ends the reply.
            if line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            guard codes.contains(code) else { throw MailError(description: "the mail relay refused: \(line)") }
            return
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeSubrange(...end)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 1024)
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, 1024, 0) }
            guard count > 0 else { throw MailError(description: "the mail relay closed the connection or timed out") }
            buffer += chunk[..<count]
        }
    }
}
