import Catalog
import Foundation
import Hummingbird
import Media
import Pipeline

/// Downloads of a version's files, and exact frames of its proxy, for staff and (within
/// their session's download flags) for collaborators.
func addDownloadRoutes(_ table: RouteTable) {
    table.add(.get, "/api/v1/versions/{version_id}/download/{kind}",
              "Download a version's file: original, proxy, poster, filmstrip or framemap (Range and If-None-Match honoured)",
              tag: "media", access: .staff, response: nil, query: ["profile"]) { input in
        let component = try await findComponent(input, versionID: try input.id("version_id"))
        return try await serve(component, input)
    }
    table.add(.get, "/api/v1/versions/{version_id}/frames/{frame}",
              "Frame k (from 0) of the version's proxy as a JPEG, exact, at ?width= pixels wide", tag: "media",
              access: .staff, response: nil, query: ["width", "profile"]) { input in
        try await frame(input, versionID: try input.id("version_id"))
    }
    table.add(.get, "/api/v1/review/sessions/{session_id}/items/{item_id}/download/{kind}",
              "Download an item's file as a collaborator: the original and the proxy only where the session allows",
              tag: "review", access: .collaborator, response: nil) { input in
        let versionID = try await collaboratorItemVersion(input)
        let kind = try componentKind(input)
        let settings = try await input.catalog.session(id: try input.id("session_id")).settings
        if (kind == .original && !settings.downloadOriginal) || (kind == .proxy && !settings.downloadProxy) {
            throw APIError(status: .forbidden, code: "download_not_allowed",
                           message: "this session does not allow downloading the \(kind.rawValue)")
        }
        return try await serve(try await findComponent(input, versionID: versionID), input)
    }
    table.add(.get, "/api/v1/review/sessions/{session_id}/items/{item_id}/frames/{frame}",
              "Frame k of an item's proxy as a JPEG, for collaborators", tag: "review", access: .collaborator,
              response: nil, query: ["width"]) { input in
        try await frame(input, versionID: try await collaboratorItemVersion(input))
    }
}

private func componentKind(_ input: RouteInput) throws -> Component.Kind {
    guard let text = input.context.parameters.get("kind"), let kind = Component.Kind(rawValue: text) else {
        throw APIError(status: .notFound, code: "not_found",
                       message: "files are original, proxy, poster, filmstrip or framemap")
    }
    return kind
}

/// The version's component of the path's kind, for `?profile=` (the default profile).
private func findComponent(_ input: RouteInput, versionID: UUID) async throws -> Component {
    let kind = try componentKind(input)
    let profile = input.request.uri.queryParameters.get("profile").map { String($0) } ?? input.services.ingest.profile
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

private func serve(_ component: Component, _ input: RouteInput) async throws -> Response {
    let path = input.services.store.absolutePath(component.path)
    if component.kind == .original, component.path.hasPrefix("originals/sequences/") {
        let name = ((component.fileName as NSString).deletingPathExtension.replacingOccurrences(of: "%", with: "")) + ".tar"
        return try SequenceArchive.serve(folder: (path as NSString).deletingLastPathComponent, pattern: component.fileName,
                                         downloadName: name, sha256: component.sha256)
    }
    return try await FileResponse.serve(path: path, sha256: component.sha256, downloadName: component.fileName,
                                        request: input.request, context: input.context)
}

private func frame(_ input: RouteInput, versionID: UUID) async throws -> Response {
    guard let text = input.context.parameters.get("frame"), let frame = Int(text), frame >= 0 else {
        throw CatalogError(.invalidField, "frame: must be a frame index from 0", field: "frame")
    }
    var width: Int?
    if let text = input.request.uri.queryParameters.get("width") {
        guard let value = Int(text), (16...4096).contains(value) else {
            throw CatalogError(.invalidField, "width: must be 16 to 4096 pixels", field: "width")
        }
        width = value
    }
    let profile = input.request.uri.queryParameters.get("profile").map { String($0) } ?? input.services.ingest.profile
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
        throw CatalogError(.invalidField, "frame: \(error.reason)", field: "frame")
    }
}

/// The version behind an item of the collaborator's session.
private func collaboratorItemVersion(_ input: RouteInput) async throws -> UUID {
    let sessionID = try input.id("session_id")
    _ = try await input.caller.requireCollaborator(of: sessionID, catalog: input.catalog)
    let itemID = try input.id("item_id")
    guard let item = try await input.catalog.items(sessionID: sessionID).first(where: { $0.id == itemID }) else {
        throw CatalogError(.notFound, "no item \(itemID) in this session")
    }
    return item.versionID
}
