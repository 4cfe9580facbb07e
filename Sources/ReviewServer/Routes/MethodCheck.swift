import HTTPTypes
import Hummingbird

/// Answers 405 Method Not Allowed, with `Allow` listing the methods there are, to a request
/// whose path is a route's but whose method is none of that path's; the router alone would
/// answer 404, as if the path did not exist.
struct MethodCheck: RouterMiddleware {
    typealias Context = AppRequestContext

    let registry: OperationRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var allowed: Set<String> = []
        for operation in registry.operations where Self.matches(operation.path, segments) {
            allowed.insert(operation.method.rawValue)
        }
        guard allowed.isEmpty || allowed.contains(request.method.rawValue) else {
            var error = APIError(status: .methodNotAllowed, code: "method_not_allowed",
                                 message: "\(request.method) is not a method of \(request.uri.path)")
            error.headers[.allow] = allowed.sorted().joined(separator: ", ")
            throw error
        }
        return try await next(request, context)
    }

    /// Whether `path` (OpenAPI style, `{name}` for a parameter) matches the request's segments.
    static func matches(_ path: String, _ segments: ArraySlice<Substring>) -> Bool {
        let template = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { pattern, segment in
            pattern.hasPrefix("{") ? !segment.isEmpty : pattern == segment
        }
    }
}
