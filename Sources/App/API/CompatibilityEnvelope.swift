import Foundation
import HTTP
import Operations
import Records

/// The original system's response body, `{"status": {"code": 200, "text": "…"}, "data": …}`, so that its REST
/// clients keep parsing our answers. Unlike the original, `code` always equals the HTTP status of the response.
struct CompatibilityEnvelope<Payload: Encodable>: Encodable {
    struct Status: Encodable {
        let code: Int
        let text: String
    }

    let status: Status
    /// Absent from the body when nil, as in the original.
    let data: Payload?

    enum CodingKeys: String, CodingKey {
        case status, data
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(data, forKey: .data)
    }
}

/// Builds envelope responses: successes from the handlers, failures from RFC 9457 problems.
enum CompatibilityResponse {
    static func success(text: String, data: some Encodable, headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        try JSONResponse.make(
            CompatibilityEnvelope(status: .init(code: HTTPStatus.ok.code, text: text), data: data), headers: headers)
    }

    /// One invalid field as the original reported it: `{"id": "hire_date", "label": "Hire Date", "errors": […]}`.
    struct FieldErrors: Encodable {
        let id: String
        let label: String
        let errors: [String]
    }

    struct ErrorList: Encodable {
        let errors: [FieldErrors]
    }

    /// The one translation of an error answer into the envelope. Errors are produced once, as problems (by
    /// `ErrorMapping` and `AuthenticationMiddleware`); this keeps their status, headers (`WWW-Authenticate`,
    /// `Retry-After`, `Allow`) and meaning, and re-spells the body: `detail` becomes `status.text`, and the
    /// problem's `errors: [{field, message}]` become the original's `data.errors`, one entry per field.
    static func translating(problem response: HTTPResponse, labels: [String: String]) -> HTTPResponse {
        guard case .bytes(let body) = response.body,
            let problem = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        else { return response }
        let text = problem["detail"] as? String ?? problem["title"] as? String ?? response.status.reasonPhrase
        var order: [String] = []
        var messages: [String: [String]] = [:]
        for member in problem["errors"] as? [[String: Any]] ?? [] {
            guard let field = member["field"] as? String, let message = member["message"] as? String else { continue }
            if messages[field] == nil { order.append(field) }
            messages[field, default: []].append(message)
        }
        let data =
            order.isEmpty
            ? nil
            : ErrorList(errors: order.map { FieldErrors(id: $0, label: labels[$0] ?? $0, errors: messages[$0] ?? []) })
        var headers = response.headers
        headers.set("Content-Type", "application/json")
        let envelope = CompatibilityEnvelope(status: .init(code: response.status.code, text: text), data: data)
        guard let bytes = try? JSONResponse.bytes(envelope) else { return response }
        return HTTPResponse(status: response.status, headers: headers, body: bytes)
    }
}

/// Answers every request to the original system's paths in the envelope, errors included: authentication and
/// scope denials from `AuthenticationMiddleware`, and whatever a handler throws once `ErrorMapping` has made it a
/// problem. Sits just outside the authentication middleware, so it sees every answer of those routes.
struct CompatibilityEnvelopeMiddleware: HTTPMiddleware {
    typealias Route = Operations.Route

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws -> HTTPResponse {
        let response = try await next(request, context)
        guard CompatibilityRoutes.serves(rawPath: request.rawPath),
            response.headers["Content-Type"] == "application/problem+json"
        else { return response }
        return CompatibilityResponse.translating(problem: response, labels: CompatibilityRoutes.labels(for: context.pattern))
    }
}
