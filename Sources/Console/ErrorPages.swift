import Foundation
import HTTP

/// Pages for refusals and failures. The problem documents the API answers are made into pages here, so every error
/// a handler or a middleware throws reads the same in a browser as in the API, in words a person understands.
enum ErrorPages {
    /// A refused scope or a refused form: the original's "Not enough permissions", with a way home.
    static func forbidden(_ explanation: String) -> HTTPResponse {
        page(status: .forbidden, title: "Not enough permissions", explanation: explanation)
    }

    static func page(status: HTTPStatus, title: String, explanation: String) -> HTTPResponse {
        Page(
            title: title, session: nil,
            content: [
                .element("p", [.class("notice error")], [.text(explanation)]),
                .element("p", [], [.element("a", [.class("button"), .href("/auth/home")], [.text("Go to the home page")])]),
            ],
            status: status, isPersonal: false
        ).response
    }

    /// The page for a problem answer. A missing, expired or revoked session goes back to the login form (the
    /// original's state 2) and the dead cookie is cleared.
    static func page(for problem: HTTPResponse, settings: ConsoleSettings) -> HTTPResponse {
        var detail: String?
        if case .bytes(let body) = problem.body,
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        {
            detail = object["detail"] as? String
        }
        var response: HTTPResponse
        switch problem.status.code {
        case 401:
            return Page.redirect(
                to: LoginState.pleaseLogIn.path, headers: ["Set-Cookie": SessionCookie.clearCookie(settings: settings)])
        case 403:
            response = forbidden("Your account does not have the permission this page needs.")
        case 404:
            response = page(status: .notFound, title: "Not found", explanation: detail ?? "There is no such page or record.")
        case 405:
            response = page(status: .methodNotAllowed, title: "Not available", explanation: "This page cannot be used that way.")
        case 503:
            response = page(
                status: .serviceUnavailable, title: "Try again shortly", explanation: detail ?? "The service is busy.")
        default:
            response = page(
                status: problem.status, title: problem.status.reasonPhrase,
                explanation: detail ?? "The request could not be completed.")
        }
        for name in ["Retry-After", "Allow"] {
            if let value = problem.headers[name] { response.headers.set(name, value) }
        }
        return response
    }
}
