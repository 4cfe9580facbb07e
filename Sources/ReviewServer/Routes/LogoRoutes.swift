import Catalog
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Media
import Pipeline

/// The studio's settings as the API answers them: with where its logo is.
struct OrganizationView: Encodable {
    let settings: OrganizationSettings
    /// The logo's URL on this server, or `nil` when the studio has none.
    let logoURL: String?

    init(_ settings: OrganizationSettings, logo: StudioLogo?) {
        self.settings = settings
        logoURL = logo == nil ? nil : StudioLogoRules.path
    }

    enum CodingKeys: String, CodingKey { case logoURL = "logo_url" }

    func encode(to encoder: any Encoder) throws {
        try settings.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Written as null when there is none, as the document states.
        try container.encode(logoURL, forKey: .logoURL)
    }
}

/// What the server takes as a logo, and what it makes of it.
enum StudioLogoRules {
    static let path = "/api/v1/organization/logo"
    /// The largest image accepted: a logo is small.
    static let maximumBytes = 5 << 20
    /// The largest picture decoded at all (width × height): a small file may claim a vast one.
    static let maximumPixels = 16_000_000
    /// The box the logo is scaled down into (never up): a page header's.
    static let bounds = PictureSize(width: 1024, height: 256)
    static let formats = StillImageFormat.allCases.map(\.mediaType)

    static let onlyPNGOrJPEG = "a logo is a PNG or JPEG image only; an SVG is refused, since a script inside one would run "
        + "on this site for anyone who opens it"
}

/// The studio's logo, which brands the review site: admins set it from a PNG or JPEG, which
/// the server remakes as a fresh PNG (see ``StillImageReencoder``), so nothing of the file an
/// admin sent (metadata, trailing bytes, a script) is ever served; anyone may fetch it, since
/// collaborators see it before they are let in.
///
/// The file is decoded in the server, off the event loop on the file lane and never inside a
/// transaction: an exception to FFmpeg running in workers only, kept narrow (admins only, the
/// bytes sniffed, only the PNG or JPEG decoder ever reads them, the picture's size bounded
/// before decoding).
func addLogoRoutes(_ api: APIRoutes) {
    api.admin.add(.put, StudioLogoRules.path,
                  "Set the studio's logo from a PNG or JPEG (the raw bytes as the body), remade by the server as a PNG "
                      + "of at most \(StudioLogoRules.bounds) (admins)",
                  tag: "staff", body: .file(StudioLogoRules.formats), response: "Organization",
                  refusals: [.rule("The image does not decode, or is more than \(StudioLogoRules.maximumPixels / 1_000_000) megapixels"),
                             Refusal(.unsupportedMediaType, "The bytes are not a PNG or JPEG (an SVG is refused: a script inside "
                                     + "one would run on this site)")]) { input in
        let bytes = try await logoBytes(input.request)
        let store = input.services.store
        let logo: StudioLogo
        do {
            logo = try await input.services.fileWork.run { try remakeLogo(bytes, store: store) }
        } catch let error as MediaError {
            throw APIError(status: error.code == .unsupported ? .unsupportedMediaType : .unprocessableContent,
                           code: "invalid_image", message: "the logo \(error.reason)")
        }
        if let replaced = try await input.catalog.setOrganizationLogo(logo), replaced.path != logo.path {
            store.removeLogo(replaced.path)
        }
        return try JSONCoding.response(OrganizationView(try await input.catalog.organization(), logo: logo))
    }
    api.open.add(.get, StudioLogoRules.path, "The studio's logo, a PNG (ETag and If-None-Match honoured)", tag: "staff",
                 response: .file(["image/png"]),
                 refusals: [Refusal(.notModified, "The logo has not changed since the ETag given in If-None-Match"),
                            Refusal(.notFound, "The studio has no logo")]) { input in
        guard let logo = try await input.catalog.organizationLogo() else {
            throw APIError(status: .notFound, code: "not_found", message: "the studio has no logo")
        }
        var response = try await FileResponse.serve(
            path: input.services.store.absolutePath(logo.path), sha256: logo.sha256, downloadName: "logo.png",
            contentType: "image/png", inline: true, request: input.request, context: input.context)
        // Asked again each time (a 304 while it is the same): a new logo shows at once.
        response.headers[.cacheControl] = "no-cache"
        return response
    }
    api.admin.add(.delete, StudioLogoRules.path, "Remove the studio's logo (admins)", tag: "staff", status: .noContent,
                  response: .empty) { input in
        if let removed = try await input.catalog.setOrganizationLogo(nil) {
            input.services.store.removeLogo(removed.path)
        }
        return Response(status: .noContent)
    }
}

/// The request's body, if it is a PNG or JPEG by its Content-Type and by its bytes, and
/// small enough.
private func logoBytes(_ request: Request) async throws -> [UInt8] {
    let declared = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    guard let declared, StudioLogoRules.formats.contains(declared) else {
        throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                       message: "send the image with Content-Type: image/png or image/jpeg; \(StudioLogoRules.onlyPNGOrJPEG)")
    }
    var request = request
    let buffer: ByteBuffer
    do {
        buffer = try await request.collectBody(upTo: StudioLogoRules.maximumBytes)
    } catch {
        throw APIError(status: .contentTooLarge, code: "too_large",
                       message: "a logo is at most \(StudioLogoRules.maximumBytes >> 20) MiB")
    }
    let bytes = Array(buffer.readableBytesView)
    // The declared type is the sender's word; the bytes decide.
    guard let format = StillImageFormat(sniffing: bytes) else {
        throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                       message: "the body is not a PNG or JPEG image; \(StudioLogoRules.onlyPNGOrJPEG)")
    }
    guard format.mediaType == declared else {
        throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                       message: "the body is a \(format.rawValue.uppercased()) image but says it is \(declared)")
    }
    return bytes
}

/// Remakes the image `bytes` as the logo's PNG and stores it whole; blocking work, for the file lane.
private func remakeLogo(_ bytes: [UInt8], store: any BlobStore) throws -> StudioLogo {
    let upload = try store.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: upload) }
    try Data(bytes).write(to: URL(fileURLWithPath: upload))
    let made = try StillImageReencoder.png(from: upload, fitting: StudioLogoRules.bounds,
                                           maximumPixels: StudioLogoRules.maximumPixels)
    let sha256 = SHA256.hash(data: made.png).hexEncoded
    let written = try store.temporaryPath()
    do {
        try Data(made.png).write(to: URL(fileURLWithPath: written))
        return StudioLogo(path: try store.storeLogo(temporaryPath: written, sha256: sha256), sha256: sha256)
    } catch {
        try? FileManager.default.removeItem(atPath: written)
        throw error
    }
}
