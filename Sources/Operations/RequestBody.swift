import HTTP
import JSONText
import Security

/// A request body the API cannot accept: malformed (400), of the wrong media type (415), or with fields of the wrong
/// type or unknown (422). Each names the fields it is about.
package struct RequestBodyError: Error, Sendable {
    package let status: HTTPStatus
    package let detail: String
    package let fieldErrors: [HTTPFieldError]

    package init(status: HTTPStatus, detail: String, fieldErrors: [HTTPFieldError]) {
        self.status = status
        self.detail = detail
        self.fieldErrors = fieldErrors
    }

    package var httpError: HTTPError {
        HTTPError(status, detail: detail, fieldErrors: fieldErrors)
    }

    package static func invalidFields(_ errors: [HTTPFieldError]) -> RequestBodyError {
        RequestBodyError(status: .unprocessableContent, detail: "One or more fields are invalid", fieldErrors: errors)
    }
}

/// A JSON object body, parsed strictly (duplicate member names, excessive nesting and trailing data are refused),
/// read field by field with type errors that name the field.
package struct JSONObjectBody {
    package let members: [String: StrictJSONValue]

    package init(_ request: HTTPRequest) throws(RequestBodyError) {
        let mediaType = request.headers["Content-Type"]?.split(separator: ";").first?
            .trimmingOptionalWhitespace.lowercased()
        guard let mediaType, mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw RequestBodyError(status: .unsupportedMediaType, detail: "The body must be application/json", fieldErrors: [])
        }
        let value: StrictJSONValue
        do {
            value = try StrictJSONParser.parse(request.body, maximumDepth: 16)
        } catch {
            let detail =
                switch error {
                case .duplicateKey: "The body has a member name twice"
                case .tooDeep: "The body is nested too deeply"
                case .syntax: "The body is not valid JSON"
                }
            throw RequestBodyError(status: .badRequest, detail: detail, fieldErrors: [])
        }
        guard case .object(let members) = value else {
            throw RequestBodyError(status: .badRequest, detail: "The body must be a JSON object", fieldErrors: [])
        }
        self.members = members
    }

    /// Refuses members the operation does not know, naming each of them.
    package func rejectUnknownFields(allowed: Set<String>, ignored: Set<String> = []) throws(RequestBodyError) {
        let unknown = members.keys.filter { !allowed.contains($0) && !ignored.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .invalidFields(unknown.map { HTTPFieldError(field: $0, message: "is not a known field") })
        }
    }

    /// The string value of `name`: nil when absent or JSON null; a type error otherwise.
    package func string(_ name: String, errors: inout [HTTPFieldError]) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default:
            errors.append(HTTPFieldError(field: name, message: "must be a string"))
            return nil
        }
    }
}

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
