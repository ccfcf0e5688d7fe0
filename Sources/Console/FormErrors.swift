import HTTP
import Operations

/// The field errors of a refused command, by field name (`first_name`, `email`), to show next to the inputs.
/// Taken from the same problem the JSON twin answers, so a page and its API route refuse the same input with the
/// same words.
struct FormErrors {
    private(set) var messages: [String: [String]] = [:]
    /// The problem's own text, for errors not tied to a field.
    let summary: String

    /// Nil when the error is not about the submitted fields (a missing record, an outage): the page then answers
    /// with the error itself.
    init?(_ error: any Error) {
        guard let problem = ErrorMapping.httpError(for: error) as? HTTPError,
            [400, 409, 422].contains(problem.status.code)
        else { return nil }
        summary = problem.detail ?? problem.title
        for member in problem.members where member.name == "errors" {
            guard case .array(let items) = member.value else { continue }
            for item in items {
                guard case .object(let fields) = item,
                    case .string(let field)? = fields.first(where: { $0.name == "field" })?.value,
                    case .string(let message)? = fields.first(where: { $0.name == "message" })?.value
                else { continue }
                messages[field, default: []].append(message)
            }
        }
    }

    subscript(field: String) -> [String] { messages[field] ?? [] }
}
