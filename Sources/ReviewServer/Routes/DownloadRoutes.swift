import Catalog
import Foundation
import Hummingbird
import Media
import Pipeline

/// Downloads of a version's files, and exact frames of its proxy, for staff and (within
/// their session's download flags) for collaborators.
func addDownloadRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/versions/{version_id}/download/{kind}",
                  "Download a version's file: original, proxy, poster, filmstrip or framemap (Range and If-None-Match honoured)",
                  tag: "media", parameters: [.profile], response: .file(FileResponse.allMediaTypes), refusals: fileRefusals) { input in
        let component = try await findComponent(input, versionID: try input.id("version_id"))
        return try await serve(component, input)
    }
    api.staff.add(.get, "/api/v1/versions/{version_id}/frames/{frame}",
                  "Frame k (from 0) of the version's proxy as a JPEG, exact, at ?width= pixels wide", tag: "media",
                  parameters: [width, .profile], response: .file(["image/jpeg"])) { input in
        try await frame(input, versionID: try input.id("version_id"))
    }
    // The review page's files: staff previewing get what collaborators get.
    api.participant.add(.get, "/api/v1/review/sessions/{session_id}/items/{item_id}/download/{kind}",
                        "Download an item's file as a collaborator: the original and the proxy only where the session allows",
                        tag: "review", parameters: [.profile], response: .file(FileResponse.allMediaTypes),
                        refusals: fileRefusals + [Refusal(.forbidden, "The session does not allow downloading this file")]) { input in
        let audience = try await ReviewAudience(input)
        let versionID = try await audience.itemVersion(try input.id("item_id"), catalog: input.catalog)
        let kind = try componentKind(input)
        let settings = audience.session.settings
        if (kind == .original && !settings.downloadOriginal) || (kind == .proxy && !settings.downloadProxy) {
            throw APIError(status: .forbidden, code: "download_not_allowed",
                           message: "this session does not allow downloading the \(kind.rawValue)")
        }
        return try await serve(try await findComponent(input, versionID: versionID), input)
    }
    api.participant.add(.get, "/api/v1/review/sessions/{session_id}/items/{item_id}/playback",
                        "The item's proxy movie for the player (Range honoured), whether or not the session allows "
                            + "downloading it: watching is not downloading", tag: "review", parameters: [.profile],
                        response: .file(["video/mp4"]), refusals: fileRefusals) { input in
        let versionID = try await ReviewAudience(input).itemVersion(try input.id("item_id"), catalog: input.catalog)
        let profile = input.query("profile") ?? input.services.ingest.profile
        guard let proxy = try await input.catalog.components(versionID: versionID)
            .first(where: { $0.kind == .proxy && $0.profile == profile })
        else { throw APIError(status: .notFound, code: "not_found", message: "the item has no proxy for profile \(profile)") }
        return try await FileResponse.serve(path: input.services.store.absolutePath(proxy.path), sha256: proxy.sha256,
                                            downloadName: proxy.fileName, contentType: "video/mp4", inline: true,
                                            request: input.request, context: input.context)
    }
    api.participant.add(.get, "/api/v1/review/sessions/{session_id}/items/{item_id}/frames/{frame}",
                        "Frame k of an item's proxy as a JPEG, for collaborators (and staff previewing)", tag: "review",
                        parameters: [width, .profile], response: .file(["image/jpeg"])) { input in
        try await frame(input, versionID: try await ReviewAudience(input).itemVersion(try input.id("item_id"), catalog: input.catalog))
    }
}

private func componentKind<Caller>(_ input: RouteInput<Caller>) throws -> Component.Kind {
    guard let text = input.context.parameters.get("kind"), let kind = Component.Kind(rawValue: text) else {
        throw APIError(status: .notFound, code: "not_found",
                       message: "files are original, proxy, poster, filmstrip or framemap")
    }
    return kind
}

/// The version's component of the path's kind, for `?profile=` (the default profile).
private func findComponent<Caller>(_ input: RouteInput<Caller>, versionID: UUID) async throws -> Component {
    let kind = try componentKind(input)
    let profile = input.query("profile") ?? input.services.ingest.profile
    let components = try await input.catalog.components(versionID: versionID)
    guard let component = components.first(where: { $0.kind == kind && (kind == .original || $0.profile == profile) }) else {
        let version = try await input.catalog.version(id: versionID)
        let why = switch version.mediaState {
        case .none: "no media has been uploaded for this version"
        case .processing: "the version's media is still being processed"
        case .failed: "making the version's review media failed: \(version.mediaError ?? "unknown reason")"
        case .ready: "the version has no \(kind.rawValue) for profile \(profile)"
        }
        throw APIError(status: .notFound, code: "not_found", message: why)
    }
    return component
}

private func serve<Caller>(_ component: Component, _ input: RouteInput<Caller>) async throws -> Response {
    let path = input.services.store.absolutePath(component.path)
    if component.kind == .original, component.path.hasPrefix("originals/sequences/") {
        let name = ((component.fileName as NSString).deletingPathExtension.replacingOccurrences(of: "%", with: "")) + ".tar"
        return try SequenceArchive.serve(folder: (path as NSString).deletingLastPathComponent, pattern: component.fileName,
                                         downloadName: name, sha256: component.sha256)
    }
    return try await FileResponse.serve(path: path, sha256: component.sha256, downloadName: component.fileName,
                                        contentType: component.kind == .framemap ? FileResponse.frameMapType : nil,
                                        request: input.request, context: input.context)
}

private func frame<Caller>(_ input: RouteInput<Caller>, versionID: UUID) async throws -> Response {
    // The route's declaration has checked both.
    let frame = Int(input.context.parameters.get("frame") ?? "") ?? 0
    let width = input.integerQuery("width")
    let profile = input.query("profile") ?? input.services.ingest.profile
    guard let proxy = try await input.catalog.components(versionID: versionID)
        .first(where: { $0.kind == .proxy && $0.profile == profile && $0.fileName.hasSuffix(".mp4") })
    else {
        throw APIError(status: .notFound, code: "not_found", message: "the version has no proxy movie to take frames from")
    }
    do {
        let jpeg = try await input.services.grabbers.jpeg(path: input.services.store.absolutePath(proxy.path), frame: frame,
                                                          width: width)
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=86400",
                                               .eTag: "\"\(proxy.sha256)-\(frame)-\(width ?? 0)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    } catch let error as MediaError where error.code == .invalidFrame {
        // A frame past the last is a frame that does not exist.
        throw APIError(status: .notFound, code: "not_found", message: "frame: \(error.reason)", field: "frame")
    }
}

/// `?width=`: a grab's width in pixels.
private let width = Parameter.query("width", .integer(16...4096), "The JPEG's width in pixels (the proxy's own by default)")

/// What a file download may answer besides the whole file.
private let fileRefusals: [Refusal] = [
    Refusal(.partialContent, "The part of the file asked for with Range"),
    Refusal(.notModified, "The file has not changed since the ETag given in If-None-Match"),
    Refusal(.rangeNotSatisfiable, "The Range asked for lies outside the file"),
]
