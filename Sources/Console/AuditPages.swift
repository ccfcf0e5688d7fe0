import Accounts
import CivilTime
import Crypto
import Employees
import EventStore
import HTTP
import Operations
import Records

/// The auditors' pages: an employee's history as a timeline, the global log with the result of verifying its hash
/// chain, and the security log. They read through the same readers as the audit API routes.
struct AuditPages: Sendable {
    let context: APIContext

    static let rowsPerPage = 50

    /// `GET /ui/employees/{emp_no}/history`: each event with when, who, with which scopes, and which fields changed
    /// from what to what (the "from" is the value the update recorded, or else the one the earlier events left).
    func history(_ request: APIRequest) async throws -> HTTPResponse {
        let empNo = try request.employeeNumber()
        guard let number = EmployeeNumber(empNo) else { throw CommandError.notFound }
        let events = try await EventReader(pool: context.pool).stream(EmployeeEventCodec.streamID(number))
        guard !events.isEmpty else { throw CommandError.notFound }
        var current: [String: String] = [:]
        var items: [HTML] = []
        for event in events {
            var changes: [[HTML]] = []
            if case .object(let members) = event.data {
                for name in members.keys.sorted() {
                    let member = members[name] ?? .null
                    // An update records `{"previous": …, "new": …}`; a creation records the values themselves.
                    let value = Self.display(name: name, member["new"] ?? member)
                    let before = member["previous"].map { Self.display(name: name, $0) } ?? current[name]
                    if before != value { changes.append([.text(name), .text(before ?? "—"), .text(value)]) }
                    current[name] = value
                }
            }
            let scopes = event.metadata["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var body: [HTML] = [
                .element(
                    "p", [.class("meta")],
                    [
                        .element("time", [], [.text(event.recordedAtText)]),
                        .text(" · by \(event.metadata["principal"]?.stringValue ?? "unknown")"),
                        .text(" · scopes: \(scopes.isEmpty ? "none" : scopes.joined(separator: " "))"),
                        .text(" · version \(event.streamVersion), position \(event.position)"),
                    ])
            ]
            if !changes.isEmpty {
                body.append(Widgets.table(caption: "Changed fields", headers: ["Field", "From", "To"], rows: changes))
            }
            items.append(.element("li", [.class("event")], [.element("h2", [], [.text(event.type)])] + body))
        }
        let content: [HTML] = [
            .element("p", [], [.element("a", [.href("/emp/admin-get-update/\(empNo)")], [.text("Open the record")])]),
            .element("ol", [.class("timeline")], items),
        ]
        return Page(title: "History of employee \(empNo)", session: PageSession(request), content: content).response
    }

    /// A value as the timeline shows it; credentials never appear, even as hashes.
    static func display(name: String, _ value: EventStore.JSONValue) -> String {
        if name.contains("password") || name.contains("hash") { return "(not shown)" }
        switch value {
        case .null: return "—"
        case .bool(let flag): return flag ? "yes" : "no"
        case .int(let number): return String(number)
        case .string(let text): return text
        case .array(let elements): return elements.map { display(name: name, $0) }.joined(separator: ", ")
        case .object(let members):
            return members.keys.sorted().map { "\($0): \(display(name: $0, members[$0] ?? .null))" }.joined(separator: ", ")
        }
    }

    /// `GET /ui/events`: the log page by page, the chain head, and whether the chain verifies up to it.
    func events(_ request: APIRequest) async throws -> HTTPResponse {
        let after = max(0, request.http.query["after"].flatMap(Int64.init) ?? 0)
        let (events, head) = try await EventReader(pool: context.pool).page(after: after, limit: Self.rowsPerPage)
        let report = try await ChainVerifier(pool: context.pool).verify()
        let verdict: HTML
        if let broken = report.firstBrokenLink {
            verdict = .element(
                "p", [.class("notice error chain-broken"), HTMLAttribute("role", "alert")],
                [.text("Chain broken: \(broken.description). \(report.eventsChecked) events verified before it.")])
        } else if report.head != head {
            verdict = .element(
                "p", [.class("notice error chain-broken"), HTMLAttribute("role", "alert")],
                [
                    .text(
                        "Chain broken: the stored head does not match the events (recomputed up to position \(report.head.position))."
                    )
                ])
        } else {
            verdict = .element(
                "p", [.class("notice success chain-intact")],
                [.text("Chain intact: all \(report.eventsChecked) events verify up to the head.")])
        }
        let rows: [[HTML]] = events.map { event in
            [
                .text(String(event.position)),
                .element("time", [], [.text(event.recordedAtText)]),
                .text(event.type), Self.streamLink(event.streamID.rawValue),
                .text(event.metadata["principal"]?.stringValue ?? "unknown"),
            ]
        }
        var pager: [HTML] = []
        if after > 0 { pager.append(.element("a", [.class("button"), .href("/ui/events")], [.text("First page")])) }
        if events.count == Self.rowsPerPage, let last = events.last {
            pager.append(
                .element(
                    "a", [.class("button"), HTMLAttribute("rel", "next"), .href("/ui/events?after=\(last.position)")],
                    [.text("Next page")]))
        }
        let content: [HTML] = [
            verdict,
            .element(
                "section", [.class("card")],
                [Widgets.details([("Head position", String(head.position)), ("Head hash", Hex.encode(head.hash))])]),
            Widgets.table(
                caption: "Events after position \(after)", headers: ["Position", "Time", "Type", "Stream", "Actor"], rows: rows),
            .element("nav", [.class("buttons"), HTMLAttribute("aria-label", "Pages")], pager),
        ]
        return Page(title: "Event log", session: PageSession(request), content: content).response
    }

    /// An employee stream's name links to its history page.
    static func streamLink(_ stream: String) -> HTML {
        let prefix = "employee-"
        guard stream.hasPrefix(prefix), let empNo = Int(stream.dropFirst(prefix.count)) else { return .text(stream) }
        return .element("a", [.href("/ui/employees/\(empNo)/history")], [.text(stream)])
    }

    /// `GET /ui/security-log`: logins, failures, lockouts and denials, by id.
    func securityLog(_ request: APIRequest) async throws -> HTTPResponse {
        let after = max(0, request.http.query["after"].flatMap(Int64.init) ?? 0)
        let rows = try await context.securityLog.entries(after: after, limit: Self.rowsPerPage)
        let table = Widgets.table(
            caption: "Security events after id \(after)",
            headers: ["Id", "Time", "Kind", "Who", "Username tried", "Address", "Reason"],
            rows: rows.map { row in
                [
                    .text(String(row.id)), .text(ISO8601.string(from: row.entry.recordedAt)), .text(row.entry.kind),
                    .text(row.entry.principal ?? "—"), .text(row.entry.attemptedUsername ?? "—"),
                    .text(row.entry.clientAddress ?? "—"), .text(row.entry.reason),
                ]
            })
        var pager: [HTML] = []
        if after > 0 { pager.append(.element("a", [.class("button"), .href("/ui/security-log")], [.text("First page")])) }
        if rows.count == Self.rowsPerPage, let last = rows.last {
            pager.append(
                .element(
                    "a", [.class("button"), HTMLAttribute("rel", "next"), .href("/ui/security-log?after=\(last.id)")],
                    [.text("Next page")]))
        }
        return Page(
            title: "Security log", session: PageSession(request),
            content: [table, .element("nav", [.class("buttons"), HTMLAttribute("aria-label", "Pages")], pager)]
        ).response
    }
}
