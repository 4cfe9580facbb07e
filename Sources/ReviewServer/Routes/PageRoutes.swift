import Crypto
import Foundation
import Hummingbird

/// The pages' files (`Pages/`: `site/` for clients, `staff/` for staff, `common/` for the
/// modules both share), read once at start: a few small files, served from memory with an ETag.
struct SiteFiles: Sendable {
    struct File: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    /// By URL path, such as `/site/review.js`.
    let files: [String: File]

    /// The files shipped with the server.
    static func bundled() -> SiteFiles {
        guard let root = Bundle.module.url(forResource: "Pages", withExtension: nil) else { return SiteFiles(files: [:]) }
        var files: [String: File] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let data = try? Data(contentsOf: url) else { continue }
            let path = "/" + url.path.dropFirst(root.path.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            files[path] = File(body: ByteBuffer(bytes: data), contentType: contentType(url.pathExtension), etag: "\"\(digest)\"")
        }
        return SiteFiles(files: files)
    }

    private static func contentType(_ pathExtension: String) -> String {
        switch pathExtension {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    /// What pages may load and run: our own origin only. No inline script or style, no
    /// plugins, no framing; the room's WebSocket is same-origin.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        + "frame-ancestors 'none'"

    func response(_ path: String, request: Request) -> Response? {
        guard let file = files[path] else { return nil }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.eTag] = file.etag
        // Pages are small and change with the server: always revalidated, never stale.
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.body))
    }
}

/// The review site and the staff pages. The review site: the page an invite link, a shareable link or a session's address opens,
/// and staff's sign-in and preview (one page; its module reads the address), and the files
/// it loads. Pages for people, outside the API document.
func addPages(_ router: Router<AppRequestContext>, files: SiteFiles) {
    for path in ["/review/invite/:token", "/review/join/:token", "/review/sessions/:session",
                 "/review/sessions/:session/items/:item", "/review/sign-in", "/review/preview", "/review/preview/:session",
                 "/review/preview/:session/items/:item"] {
        router.get(RouterPath(path)) { request, _ -> Response in
            guard let page = files.response("/site/index.html", request: request) else { throw HTTPError(.notFound) }
            return page
        }
    }
    // The staff pages: every address under /staff without a file extension is the one page
    // (its module reads the address); one with an extension is a shipped file or nothing.
    router.get("/staff") { request, _ -> Response in
        guard let page = files.response("/staff/index.html", request: request) else { throw HTTPError(.notFound) }
        return page
    }
    router.get("/staff/**") { request, _ -> Response in
        let path = request.uri.path
        let isFile = path.split(separator: "/").last?.contains(".") ?? false
        guard let page = files.response(isFile ? path : "/staff/index.html", request: request) else { throw HTTPError(.notFound) }
        return page
    }
    for folder in ["site", "common"] {
        router.get(RouterPath("/\(folder)/**")) { request, _ -> Response in
            // The path as the router matched it, never walked on disk: only shipped files exist.
            guard let file = files.response(request.uri.path, request: request) else { throw HTTPError(.notFound) }
            return file
        }
    }
}
