import HTTP
import JSONText
import Security

/// An `application/x-www-form-urlencoded` body, for OAuth2 and the original system's form routes. Repeated
/// parameters are refused (RFC 6749 §3.1: parameters must not be included more than once).
package struct FormBody {
    package let form: URLEncodedForm

    package init(_ request: HTTPRequest) throws(RequestBodyError) {
        let mediaType = request.headers["Content-Type"]?.split(separator: ";").first?
            .trimmingOptionalWhitespace.lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw RequestBodyError(
                status: .unsupportedMediaType, detail: "The body must be application/x-www-form-urlencoded", fieldErrors: [])
        }
        do {
            form = try URLEncodedForm(parsing: request.body)
        } catch {
            throw RequestBodyError(status: .badRequest, detail: "The form body is malformed", fieldErrors: [])
        }
        let repeated = form.repeatedNames
        guard repeated.isEmpty else {
            throw RequestBodyError(
                status: .badRequest, detail: "A parameter appears more than once",
                fieldErrors: repeated.map { HTTPFieldError(field: $0, message: "must appear at most once") })
        }
    }

    package subscript(name: String) -> String? { form[name] }
}
