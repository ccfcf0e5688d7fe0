import HTTP

/// One console page: its title, the signed-in user (for the header bar) and its content, laid out the same way
/// everywhere. Rendering builds an `HTML` tree, so every value in it is escaped.
struct Page {
    let title: String
    let session: PageSession?
    let content: [HTML]
    var status: HTTPStatus = .ok
    /// Personal data on the page: never stored by the browser or a proxy.
    var isPersonal = true

    var response: HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "text/html; charset=utf-8"]
        headers.set("Cache-Control", isPersonal ? "no-store" : "no-cache")
        return HTTPResponse(status: status, headers: headers, body: document.document())
    }

    var document: HTML {
        .element(
            "html", [HTMLAttribute("lang", "en")],
            [
                .element(
                    "head", [],
                    [
                        .void("meta", [HTMLAttribute("charset", "utf-8")]),
                        .void("meta", [.name("viewport"), HTMLAttribute("content", "width=device-width, initial-scale=1")]),
                        .element("title", [], [.text("\(title) · Employees")]),
                        .void("link", [HTMLAttribute("rel", "stylesheet"), .href(ConsoleRoutes.stylesheetPath)]),
                        .void("link", [HTMLAttribute("rel", "icon"), .href(ConsoleRoutes.iconPath)]),
                    ]),
                .element("body", [], [header, .element("main", [.id("main")], [.element("h1", [], [.text(title)])] + content)]),
            ])
    }

    private var header: HTML {
        var items: [HTML] = [.element("a", [.class("brand"), .href(session == nil ? "/" : "/auth/home")], [.text("Employees")])]
        if let session {
            items.append(
                .element(
                    "div", [.class("who")],
                    [
                        .element("span", [], [.text("Signed in as employee \(session.empNo)")]),
                        .element(
                            "form", [HTMLAttribute("method", "post"), .action("/auth/logout"), .class("inline")],
                            [
                                session.csrfInput,
                                .element("button", [HTMLAttribute("type", "submit"), .class("link")], [.text("Log out")]),
                            ]),
                    ]))
        }
        return .element("header", [.class("bar")], items)
    }

    /// A `303 See Other` to a path of ours: where a form's POST leads, so reloading the result does not post again.
    static func redirect(to path: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.set("Location", LocalPath.sanitized(path))
        headers.set("Cache-Control", "no-store")
        return HTTPResponse(status: .seeOther, headers: headers, body: [])
    }
}
