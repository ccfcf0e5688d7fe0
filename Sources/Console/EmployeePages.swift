import CivilTime
import Employees
import HTTP
import Operations
import Records
import Security

/// The HTML twins of the original system's employee routes, and the two pages that only exist in a browser (the
/// search form and the new-employee form). Reads and writes go through the very functions the JSON routes use
/// (`CompatibilityOperations.searchPatterns`, `recordForUpdate`, `adminSave`, `ownSave`), so the rules, the commands
/// and the error texts are the same; only the rendering differs.
package struct EmployeePages: Sendable {
    let context: APIContext

    package init(context: APIContext) {
        self.context = context
    }

    /// Which of the original's two edit pages: one's own record (`user:write`) or any record (`admin:write`).
    package enum Editing: Sendable {
        case ownRecord, anyRecord

        var writeScope: Scope { self == .ownRecord ? .userWrite : .adminWrite }
        var saveAction: String { self == .ownRecord ? CompatibilityOperations.userSave : CompatibilityOperations.adminSave }

        func path(_ empNo: Int) -> String {
            self == .ownRecord ? "/emp/own-get-update/\(empNo)" : "/emp/admin-get-update/\(empNo)"
        }
    }

    static let resultsPerPage = 50

    // MARK: Search

    /// `GET /emp/search`: the form; submitted (as a GET), it leads to the results' own address.
    func searchForm(_ request: APIRequest) async throws -> HTTPResponse {
        let query = request.http.query
        guard let last = query["last_name"], let first = query["first_name"] else {
            return searchPage(request, last: "", first: "", errors: [:], status: .ok)
        }
        var errors: [String: [String]] = [:]
        if !CompatibilityOperations.isPartialPattern(last, maximum: LastName.maximumLength) {
            errors["last_name"] = [CompatibilityOperations.partialLastNameMessage]
        }
        if !CompatibilityOperations.isPartialPattern(first, maximum: FirstName.maximumLength) {
            errors["first_name"] = [CompatibilityOperations.partialFirstNameMessage]
        }
        guard errors.isEmpty else { return searchPage(request, last: last, first: first, errors: errors, status: .badRequest) }
        return Page.redirect(to: Self.resultsPath(last: last, first: first))
    }

    static func resultsPath(last: String, first: String, after: Int? = nil) -> String {
        "/emp/search/\(FormEncoding.encode(last))/\(FormEncoding.encode(first))" + (after.map { "?after=\($0)" } ?? "")
    }

    /// `GET /emp/search/{last_name}/{first_name}` in a browser: the results, a page at a time.
    package func results(_ request: APIRequest) async throws -> HTTPResponse {
        let last = request.http.pathParameters.string("last_name") ?? ""
        let first = request.http.pathParameters.string("first_name") ?? ""
        let patterns: (lastName: String, firstName: String)
        do {
            patterns = try CompatibilityOperations.searchPatterns(request.http)
        } catch {
            let errors = FormErrors(error)?.messages ?? [:]
            return searchPage(request, last: last, first: first, errors: errors, status: .badRequest)
        }
        let after = request.http.query["after"].flatMap(Int.init).map { max(0, $0) } ?? 0
        let page = try await context.queries.search(
            lastName: patterns.lastName, firstName: patterns.firstName, limit: Self.resultsPerPage, after: after)
        var content = [searchFormHTML(last: last, first: first, errors: [:])]
        if page.items.isEmpty {
            content.append(.element("p", [.class("notice")], [.text(CompatibilityText.noData)]))
        } else {
            content.append(
                Widgets.table(
                    caption: "Employees whose last name is like \(last) and first name like \(first)",
                    headers: ["Number", "First name", "Last name", "Birth date", "Gender", "Hire date", "Email"],
                    rows: page.items.map { record in
                        [
                            .element("a", [.href(Editing.anyRecord.path(record.empNo))], [.text(String(record.empNo))]),
                            .text(record.firstName), .text(record.lastName),
                            .text(CompatibilityDate.dayMonthYear(iso: record.birthDate)), .text(record.gender),
                            .text(CompatibilityDate.dayMonthYear(iso: record.hireDate)), .text(record.email),
                        ]
                    }))
        }
        var pager: [HTML] = []
        if after > 0 {
            pager.append(
                .element("a", [.class("button"), .href(Self.resultsPath(last: last, first: first))], [.text("First page")]))
        }
        if let next = page.nextAfter {
            pager.append(
                .element(
                    "a",
                    [
                        .class("button"), HTMLAttribute("rel", "next"),
                        .href(Self.resultsPath(last: last, first: first, after: next)),
                    ],
                    [.text("Next page")]))
        }
        if !pager.isEmpty { content.append(.element("nav", [.class("buttons"), HTMLAttribute("aria-label", "Pages")], pager)) }
        return Page(title: "Search results for \(last) / \(first)", session: PageSession(request), content: content).response
    }

    private func searchPage(
        _ request: APIRequest, last: String, first: String, errors: [String: [String]], status: HTTPStatus
    ) -> HTTPResponse {
        Page(
            title: "Search employees", session: PageSession(request),
            content: [searchFormHTML(last: last, first: first, errors: errors)], status: status
        ).response
    }

    private func searchFormHTML(last: String, first: String, errors: [String: [String]]) -> HTML {
        .element(
            "form", [HTMLAttribute("method", "get"), .action("/emp/search"), .class("card search")],
            [
                FormField(
                    name: "last_name", label: "Partial Last Name", value: last, errors: errors["last_name"] ?? [],
                    hint: "1 to 16 characters with the wildcard %, e.g. %nas%"
                ).html,
                FormField(
                    name: "first_name", label: "Partial First Name", value: first, errors: errors["first_name"] ?? [],
                    hint: "1 to 14 characters with the wildcard %, e.g. %An"
                ).html,
                .element("button", [HTMLAttribute("type", "submit"), .class("primary")], [.text("Search")]),
            ])
    }

    // MARK: Records

    /// `GET /emp/own-get-update/{emp_no}` and `/emp/admin-get-update/{emp_no}` in a browser: the record, with the
    /// edit form when the caller's scopes allow the matching save.
    package func record(_ request: APIRequest, editing: Editing) async throws -> HTTPResponse {
        let record = try await CompatibilityOperations.recordForUpdate(request, context)
        let saved = request.http.query["saved"] != nil
        return try recordPage(request, record, editing: editing, submitted: nil, errors: nil, notice: saved ? "Saved." : nil)
    }

    private func recordPage(
        _ request: APIRequest, _ record: EmployeeRecord, editing: Editing, submitted: URLEncodedForm?, errors: FormErrors?,
        notice: String?
    ) throws -> HTTPResponse {
        let caller = try request.caller
        let session = PageSession(request)
        var content: [HTML] = []
        if let notice {
            content.append(.element("p", [.class("notice success"), HTMLAttribute("role", "status")], [.text(notice)]))
        }
        if let errors {
            content.append(.element("p", [.class("notice error"), HTMLAttribute("role", "alert")], [.text(errors.summary)]))
        }
        content.append(
            .element(
                "section", [.class("card")],
                [
                    Widgets.details([
                        ("Employee number", String(record.empNo)), ("First name", record.firstName),
                        ("Last name", record.lastName),
                        ("Email", record.email), ("Birth date", CompatibilityDate.dayMonthYear(iso: record.birthDate)),
                        ("Gender", record.gender == "F" ? "Female" : "Male"),
                        ("Hire date", CompatibilityDate.dayMonthYear(iso: record.hireDate)),
                        ("Status", record.disabled ? "Disabled" : "Active"), ("Version", String(record.version)),
                    ])
                ]))
        if caller.scopes.satisfies(.auditRead) {
            content.append(
                .element(
                    "p", [],
                    [.element("a", [.class("button"), .href("/ui/employees/\(record.empNo)/history")], [.text("History")])]))
        }
        if caller.scopes.satisfies(editing.writeScope) {
            let values: [String: String] =
                submitted.map { form in
                    Dictionary(form.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                }
                ?? [
                    "firstName": record.firstName, "lastName": record.lastName,
                    "birthDate": CompatibilityDate.dayMonthYear(iso: record.birthDate), "gender": record.gender,
                    "hireDate": CompatibilityDate.dayMonthYear(iso: record.hireDate),
                ]
            content.append(.element("h2", [.id("edit")], [.text("Edit")]))
            content.append(
                .element(
                    "form", [HTMLAttribute("method", "post"), .action(editing.saveAction), .class("card")],
                    [
                        session?.csrfInput ?? .empty,
                        FormField(name: "empNo", label: "", kind: .hidden, value: String(record.empNo)).html,
                    ]
                        + Self.personFields(values, errors).map(\.html)
                        + [.element("button", [HTMLAttribute("type", "submit"), .class("primary")], [.text("Save")])]))
        } else {
            content.append(.element("p", [.class("muted")], [.text("Read only: your account may not change this record.")]))
        }
        let title = editing == .ownRecord ? "My record" : "Employee \(record.empNo)"
        return Page(
            title: "\(title): \(record.firstName) \(record.lastName)", session: session, content: content,
            status: errors == nil ? .ok : .unprocessableContent
        ).response
    }

    /// The personal fields of the original's forms, with the values to show and the errors about each.
    static func personFields(_ values: [String: String], _ errors: FormErrors?) -> [FormField] {
        [
            FormField(
                name: "firstName", label: "First name", value: values["firstName"] ?? "", errors: errors?["first_name"] ?? []),
            FormField(name: "lastName", label: "Last name", value: values["lastName"] ?? "", errors: errors?["last_name"] ?? []),
            FormField(
                name: "birthDate", label: "Birth date", value: values["birthDate"] ?? "", errors: errors?["birth_date"] ?? [],
                hint: "dd/mm/yyyy"),
            FormField(
                name: "gender", label: "Gender", kind: .select([(value: "F", label: "Female"), (value: "M", label: "Male")]),
                value: values["gender"] ?? "", errors: errors?["gender"] ?? []),
            FormField(
                name: "hireDate", label: "Hire date", value: values["hireDate"] ?? "", errors: errors?["hire_date"] ?? [],
                hint: "dd/mm/yyyy"),
        ]
    }

    // MARK: New employee

    /// `GET /emp/new`: the new-employee form, which saves through `POST /emp/admin-save` like the original's.
    func newForm(_ request: APIRequest) async throws -> HTTPResponse {
        newPage(request, values: [:], errors: nil)
    }

    private func newPage(_ request: APIRequest, values: [String: String], errors: FormErrors?) -> HTTPResponse {
        let session = PageSession(request)
        var content: [HTML] = []
        if let errors {
            content.append(.element("p", [.class("notice error"), HTMLAttribute("role", "alert")], [.text(errors.summary)]))
        }
        let fields =
            Self.personFields(values, errors) + [
                FormField(
                    name: "email", label: "Email", kind: .email, value: values["email"] ?? "", errors: errors?["email"] ?? [],
                    autocomplete: "off"),
                FormField(
                    name: "password", label: "Password", kind: .password, errors: errors?["password"] ?? [],
                    hint: "At least \(PasswordPolicy.minimumLength) characters; not a common password",
                    autocomplete: "new-password"),
            ]
        content.append(
            .element(
                "form", [HTMLAttribute("method", "post"), .action(CompatibilityOperations.adminSave), .class("card")],
                [session?.csrfInput ?? .empty] + fields.map(\.html)
                    + [.element("button", [HTMLAttribute("type", "submit"), .class("primary")], [.text("Create employee")])]))
        return Page(
            title: "New employee", session: session, content: content, status: errors == nil ? .ok : .unprocessableContent
        )
        .response
    }

    // MARK: Saving

    /// `POST /emp/admin-save` and `/emp/user-save` from a console form: the same save as the JSON route; success
    /// leads to the record's page, refused fields come back next to their inputs with what was typed (never the
    /// password).
    package func save(_ request: APIRequest, as editing: Editing) async throws -> HTTPResponse {
        do {
            let saved =
                try await editing == .ownRecord
                ? CompatibilityOperations.ownSave(request, context) : CompatibilityOperations.adminSave(request, context)
            return Page.redirect(to: editing.path(saved.record.empNo) + "?saved=1")
        } catch {
            guard let errors = FormErrors(error), let form = try? URLEncodedForm(parsing: request.http.body) else { throw error }
            let empNo = form["empNo"].flatMap { Int($0.trimmingOptionalWhitespace) }
            guard let empNo else {
                let values = Dictionary(form.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                return newPage(request, values: values, errors: errors)
            }
            guard let record = try await context.queries.employee(empNo) else { throw error }
            return try recordPage(request, record, editing: editing, submitted: form, errors: errors, notice: nil)
        }
    }
}
