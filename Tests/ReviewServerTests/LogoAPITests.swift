import Catalog
import Foundation
import MediaTestSupport
import Testing

@testable import ReviewServer

/// The studio's logo over HTTP: admins set it from a PNG or JPEG, which comes back remade;
/// anything else is refused with the reason; anyone may fetch it.
@Suite("Studio logo")
struct LogoAPITests {
    static let path = "/api/v1/organization/logo"

    static func put(_ client: TestClient, _ bytes: Data, as type: String) async throws -> TestResponse {
        try await client.send("PUT", path, bytes: bytes, headers: ["Content-Type": type])
    }

    @Test("a PNG with bytes after it comes back remade: other bytes, the same picture, an ETag, and logo_url in the organization")
    func png() async throws {
        try await TestServer.run { server in
            #expect(try await server.admin.get("/api/v1/organization").json["logo_url"] is NSNull)
            var upload = try StillImages.png(width: 300, height: 120)
            upload.append(Data("<script>alert(1)</script>".utf8))
            let set = try await Self.put(server.admin, upload, as: "image/png")
            #expect(set.status == 200, "\(set.status) \(String(decoding: set.body, as: UTF8.self))")
            #expect(set.string("logo_url") == Self.path && set.string("name") == "Dailies")
            #expect(try await server.admin.get("/api/v1/organization").string("logo_url") == Self.path)

            let fetched = try await server.anonymous.get(Self.path)
            #expect(fetched.status == 200 && fetched.headers["content-type"] == "image/png")
            #expect(fetched.headers["cache-control"] == "no-cache")
            #expect(fetched.body != upload && fetched.body.range(of: Data("<script>".utf8)) == nil)
            let probed = try StillImages.probe(fetched.body)
            #expect(probed.width == 300 && probed.height == 120 && probed.pixelFormat == "rgba")
            let etag = try #require(fetched.headers["etag"])
            #expect(etag.count == 66, "the PNG's SHA-256, quoted")
            let again = try await server.anonymous.send("GET", Self.path, headers: ["If-None-Match": etag])
            #expect(again.status == 304 && again.body.isEmpty)
        }
    }

    @Test("a large JPEG is scaled down to fit 1024×256; a new logo replaces the old one's file")
    func jpegReplaces() async throws {
        try await TestServer.run { server in
            #expect(try await Self.put(server.admin, try StillImages.png(width: 200, height: 50), as: "image/png").status == 200)
            let first = try #require(try await server.catalog.organizationLogo())
            let set = try await Self.put(server.admin, try StillImages.jpeg(width: 2000, height: 1000), as: "image/jpeg")
            #expect(set.status == 200)
            let probed = try StillImages.probe(try await server.anonymous.get(Self.path).body)
            #expect(probed.width == 512 && probed.height == 256)
            let stored = server.dataDirectory + "/" + first.path
            #expect(!FileManager.default.fileExists(atPath: stored), "the replaced logo's file is gone")
        }
    }

    @Test("an SVG, text named .png, a damaged PNG, a mislabelled JPEG and a body too large are refused, saying why")
    func refusals() async throws {
        try await TestServer.run { server in
            let admin = server.admin
            for type in ["image/svg+xml", "image/png"] {
                let svg = try await Self.put(admin, StillImages.svgWithScript, as: type)
                #expect(svg.status == 415 && svg.errorCode == "unsupported_media_type")
                let message = ((svg.json["error"] as? [String: Any])?["message"] as? String) ?? ""
                #expect(message.contains("PNG or JPEG") && message.contains("an SVG is refused"), "\(message)")
            }
            #expect(try await Self.put(admin, Data("a text file named logo.png\n".utf8), as: "image/png").status == 415)
            let jpeg = try await Self.put(admin, try StillImages.jpeg(width: 64, height: 64), as: "image/png")
            #expect(jpeg.status == 415 && jpeg.errorCode == "unsupported_media_type" && jpeg.json.description.contains("JPEG"))

            var damaged = try StillImages.png(width: 100, height: 100).prefix(40)
            damaged.append(Data(repeating: 0x41, count: 300))
            let broken = try await Self.put(admin, Data(damaged), as: "image/png")
            #expect(broken.status == 422 && broken.errorCode == "invalid_image", "\(broken.status) \(broken.errorCode ?? "")")

            var huge = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            huge.append(Data(count: StudioLogoRules.maximumBytes))
            #expect(try await Self.put(admin, huge, as: "image/png").status == 413)

            let (_, key) = try await server.catalog.createStaffUser(name: "Not Admin", email: "staff@studio.example")
            let staff = TestClient(baseURL: server.baseURL, apiKey: key.value)
            #expect(try await Self.put(staff, try StillImages.png(width: 10, height: 10), as: "image/png").status == 403)
            #expect(try await server.catalog.organizationLogo() == nil, "nothing was stored")
            #expect(try await server.anonymous.get(Self.path).status == 404)
        }
    }

    @Test("removing the logo: 404 after, logo_url null, its file gone")
    func remove() async throws {
        try await TestServer.run { server in
            #expect(try await Self.put(server.admin, try StillImages.png(width: 40, height: 40), as: "image/png").status == 200)
            let logo = try #require(try await server.catalog.organizationLogo())
            #expect(try await server.anonymous.delete(Self.path).status == 401)
            #expect(try await server.admin.delete(Self.path).status == 204)
            #expect(try await server.anonymous.get(Self.path).status == 404)
            #expect(try await server.admin.get("/api/v1/organization").json["logo_url"] is NSNull)
            #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/" + logo.path))
            #expect(try await server.admin.delete(Self.path).status == 204, "removing no logo is fine")
        }
    }
}
