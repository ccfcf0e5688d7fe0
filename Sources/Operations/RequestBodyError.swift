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
