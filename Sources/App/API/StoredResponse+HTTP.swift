import Accounts
import HTTP

extension StoredResponse {
    /// The parts of `response` worth replaying, or nil when it must not be stored: not a 2xx, streamed, or marked
    /// `Cache-Control: no-store` (a response carrying a secret).
    init?(storing response: HTTPResponse) {
        guard (200...299).contains(response.status.code), case .bytes(let body) = response.body,
            !(response.headers["Cache-Control"]?.lowercased().contains("no-store") ?? false)
        else { return nil }
        self.init(
            status: response.status.code,
            headers: Self.keptHeaders.compactMap { name in response.headers[name].map { (name: name, value: $0) } }, body: body)
    }

    var response: HTTPResponse {
        let reason = HTTPStatus.reasonPhrases[status] ?? ""
        return HTTPResponse(
            status: HTTPStatus(code: status, reasonPhrase: reason), headers: HTTPHeaders(headers), body: body)
    }
}

extension HTTPStatus {
    /// Reason phrases of the statuses a stored response can have.
    fileprivate static let reasonPhrases: [Int: String] = Dictionary(
        uniqueKeysWithValues: [HTTPStatus.ok, .created, .accepted, .noContent, .seeOther].map { ($0.code, $0.reasonPhrase) })
}
