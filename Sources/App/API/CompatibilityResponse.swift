import Foundation
import HTTP
import Operations
import Records

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
