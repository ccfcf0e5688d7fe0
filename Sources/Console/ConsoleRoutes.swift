import HTTP
import Operations

/// The web console's page-only routes. The pages that are twins of API operations are registered with those
/// operations (`CompatibilityRoutes`); these are the pages without a JSON counterpart. Each declares its access
/// like any route, and the authentication middleware enforces it before the page is rendered.
package enum ConsoleRoutes {
    static let stylesheetPath = "/ui/style.css"
    static let iconPath = "/ui/icon.svg"

    /// Call after the API routes: signing in and out use the token and revocation operations registered there.
    package static func register(in table: inout RouteTable, context: APIContext, settings: ConsoleSettings) throws {
        guard let issue = table.registered.first(where: { $0.route.operationID == "issueToken" })?.route.handler,
            let revoke = table.registered.first(where: { $0.route.operationID == "revokeToken" })?.route.handler
        else { preconditionFailure("the console needs the token and revocation routes registered first") }
        let sessions = SessionPages(context: context, settings: settings, issueToken: issue, revokeToken: revoke)
        let employees = EmployeePages(context: context)
        let audit = AuditPages(context: context)
        let auditRead = Access.scopes([.auditRead])

        for path in ["/", "/auth/login"] {
            try table.addPage(
                .GET, path,
                .page(operationID: "pageLogin", summary: "The login form", access: .public) {
                    try await sessions.loginForm($0)
                })
        }
        try table.addPage(
            .POST, "/auth/login",
            .page(operationID: "pageSignIn", summary: "Sign in from the login form", access: .public) {
                try await sessions.login($0)
            })
        try table.addPage(
            .POST, "/auth/logout",
            .page(operationID: "pageSignOut", summary: "End the session", access: .authenticated) {
                try await sessions.logout($0)
            })
        try table.addPage(
            .GET, "/auth/home",
            .page(operationID: "pageHome", summary: "The home page", access: .authenticated) {
                try await sessions.home($0)
            })
        try table.addPage(
            .GET, "/emp/search",
            .page(operationID: "pageSearch", summary: "The search form", access: .scopes([.adminRead])) {
                try await employees.searchForm($0)
            })
        try table.addPage(
            .GET, "/emp/new",
            .page(operationID: "pageNewEmployee", summary: "The new-employee form", access: .scopes([.adminWrite])) {
                try await employees.newForm($0)
            })
        try table.addPage(
            .GET, "/ui/employees/{emp_no:int}/history",
            .page(operationID: "pageHistory", summary: "An employee's history", access: auditRead) {
                try await audit.history($0)
            })
        try table.addPage(
            .GET, "/ui/events",
            .page(operationID: "pageEvents", summary: "The event log and its chain", access: auditRead) {
                try await audit.events($0)
            })
        try table.addPage(
            .GET, "/ui/security-log",
            .page(operationID: "pageSecurityLog", summary: "The security log", access: auditRead) {
                try await audit.securityLog($0)
            })
        try table.addPage(
            .GET, stylesheetPath,
            .page(operationID: "pageStylesheet", summary: "The console's stylesheet", access: .public) { _ in
                Self.asset(Stylesheet.css, type: "text/css; charset=utf-8")
            })
        try table.addPage(
            .GET, iconPath,
            .page(operationID: "pageIcon", summary: "The console's icon", access: .public) { _ in
                Self.asset(Stylesheet.icon, type: "image/svg+xml")
            })
    }

    static func asset(_ text: String, type: String) -> HTTPResponse {
        HTTPResponse(
            status: .ok, headers: ["Content-Type": type, "Cache-Control": "public, max-age=3600"], body: Array(text.utf8))
    }
}
