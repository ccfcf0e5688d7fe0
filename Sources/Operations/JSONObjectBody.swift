import HTTP
import JSONText
import Security

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
