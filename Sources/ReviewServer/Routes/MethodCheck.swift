import HTTPTypes
import Hummingbird

/// Answers 405 Method Not Allowed, with `Allow` listing the methods there are, to a request
/// whose path is a route's but whose method is none of that path's; the router alone would
/// answer 404, as if the path did not exist.
struct MethodCheck: RouterMiddleware {
    typealias Context = AppRequestContext

    let registry: OperationRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router throws HTTPError(.notFound): it has no route for this method and
            // path (handlers answer their own 404s as APIError). So the search below runs only
            // for requests that would fail anyway, never on the way to a route.
            let allowed = allowedMethods(request.uri.path)
            guard !allowed.isEmpty else { throw error }
            var refusal = APIError(status: .methodNotAllowed, code: "method_not_allowed",
                                   message: "\(request.method) is not a method of \(request.uri.path)")
            refusal.headers[.allow] = allowed.sorted().joined(separator: ", ")
            throw refusal
        }
    }

    /// The methods of the route the router would pick for `path`. As the router does, fixed
    /// segments win over parameters, so `/items/order` is that route's, not `/items/{item_id}`'s.
    func allowedMethods(_ path: String) -> Set<String> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var best: [Bool] = []
        var allowed: Set<String> = []
        for operation in registry.operations {
            guard let fixed = Self.match(operation.path, segments) else { continue }
            if fixed.lexicographicallyPrecedes(best, by: { !$0 && $1 }) { continue }
            if best.lexicographicallyPrecedes(fixed, by: { !$0 && $1 }) || allowed.isEmpty {
                best = fixed
                allowed = []
            }
            allowed.insert(operation.method.rawValue)
        }
        return allowed
    }

    /// Whether `path` (OpenAPI style, `{name}` for a parameter) matches the request's
    /// segments: `nil` when not, else which of its segments are fixed ones.
    static func match(_ path: String, _ segments: ArraySlice<Substring>) -> [Bool]? {
        let template = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard template.count == segments.count else { return nil }
        var fixed: [Bool] = []
        for (pattern, segment) in zip(template, segments) {
            if pattern.hasPrefix("{") {
                guard !segment.isEmpty else { return nil }
                fixed.append(false)
            } else {
                guard pattern == segment else { return nil }
                fixed.append(true)
            }
        }
        return fixed
    }
}
