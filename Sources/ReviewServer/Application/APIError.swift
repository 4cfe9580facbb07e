import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// An error as the API answers it: the right status and
/// `{"error": {"code": "...", "message": "...", "field": "..."}}`.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var field: String?
    var headers: HTTPFields = [:]

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONCoding.response(Body(error: .init(code: code, message: message, field: field)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    static func unauthenticated(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "unauthenticated", message: message)
    }

    static func invalidJSON(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_json", message: message)
    }

    /// The answer to any error a handler throws.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as CatalogError:
            var answer = APIError(status: status(of: error.code), code: error.code.description, message: error.message,
                                  field: error.field)
            if let wait = error.retryAfter { answer.headers[.retryAfter] = String(wait) }
            return answer
        case let error as HTTPError:
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "too_large"
            case .badRequest: "bad_request"
            default: "http_\(error.status.code)"
            }
            return APIError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase)
        default:
            return nil
        }
    }

    private static func status(of code: CatalogError.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .invalidField: .unprocessableContent
        case .conflict, .sessionClosed: .conflict
        case .invalidToken, .passphraseRequired, .invalidCredentials: .unauthorized
        case .sessionExpired: .gone
        case .throttled: .tooManyRequests
        case .damaged: .internalServerError
        case .unavailable: .serviceUnavailable
        default: .forbidden  // revoked, not started, wrong passphrase, share link off, deactivated, forbidden
        }
    }
}

/// Answers every error as JSON; logs the unexpected ones, which get a plain 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let answer = APIError.from(error) {
                if answer.status.kind == .serverError && answer.status != .serviceUnavailable {
                    // A damaged record or a failed store: people answer for these, so log them.
                    // (A 503 is the server shedding load on purpose, with Retry-After.)
                    context.logger.error("\(answer.status.code) on \(request.method) \(request.uri.path): \(answer.message)")
                }
                return try answer.response(from: request, context: context)
            }
            context.logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            return try APIError(status: .internalServerError, code: "internal_error",
                                message: "the server could not complete the request").response(from: request, context: context)
        }
    }
}
