import Employees
import EventStore
import HTTP
import Operations
import Postgres
import Records
import Security

/// The auditors' reads: an employee's history, the global log (paged and live) and the security log. All of them
/// need `audit:read`; none of them folds or changes anything.
enum AuditRoutes {
    static let defaultPageSize = 100
    static let maximumPageSize = 1_000

    static func register(in table: inout RouteTable, context: APIContext) throws(RouterError) {
        let audit = Access.scopes([.auditRead])
        try table.add(
            .GET, "/employees/{emp_no:int}/history",
            Route(operationID: "getEmployeeHistory", summary: "Every event of an employee's stream, oldest first", access: audit)
            { request in
                try await history(request, context)
            })
        try table.add(
            .GET, "/events",
            Route(
                operationID: "listEvents", summary: "A page of the global event log in position order, with the chain head",
                access: audit
            ) { request in
                try await events(request, context)
            })
        try table.add(
            .GET, "/events/stream",
            Route(
                operationID: "streamEvents", summary: "The event log as NDJSON: catch-up from a position, then live",
                access: audit
            ) { request in
                try stream(request, context)
            })
        try table.add(
            .GET, "/audit/security-log",
            Route(operationID: "listSecurityLog", summary: "A page of the security log in id order", access: audit) { request in
                try await securityLog(request, context)
            })
    }

    static func history(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let empNo = try request.employeeNumber()
        guard let number = EmployeeNumber(empNo) else { throw CommandError.notFound }
        let events = try await context.reads.run(request.http) {
            try await EventReader(pool: $0.pool).stream(EmployeeEventCodec.streamID(number))
        }
        guard !events.isEmpty else { throw CommandError.notFound }
        return try JSONResponse.make(
            EmployeeHistory(empNo: empNo, events: events.map(LoggedEvent.init)), headers: ["Cache-Control": "no-store"])
    }

    static func events(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let (after, limit) = try page(request.http.query)
        let (events, head) = try await context.reads.run(request.http) {
            try await EventReader(pool: $0.pool).page(after: after, limit: limit)
        }
        let caughtUp = (events.last?.position ?? after) >= head.position
        let body = EventLogPage(
            events: events.map(LoggedEvent.init), nextAfter: caughtUp ? nil : events.last?.position, head: ChainHeadView(head))
        return try JSONResponse.make(body, headers: ["Cache-Control": "no-store"])
    }

    /// NDJSON over chunked encoding. The follower's pages are written as they come; when the client leaves, the HTTP
    /// module cancels this task, the loop ends, and ending the iteration cancels the follower's own task.
    static func stream(_ request: APIRequest, _ context: APIContext) throws -> HTTPResponse {
        let after = try position(request.http.query)
        let follower = EventFollower(pool: context.pool, watcher: context.monitoring.watcher)
        let metrics = context.monitoring.requests
        let body = HTTPBodyStream { writer in
            try await metrics.trackingEventStream {
                for try await page in follower.pages(after: after) {
                    var chunk: [UInt8] = []
                    for event in page {
                        chunk += try JSONResponse.bytes(LoggedEvent(event: event))
                        chunk.append(UInt8(ascii: "\n"))
                    }
                    try await writer.write(chunk)
                }
            }
        }
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/x-ndjson", "Cache-Control": "no-store"], stream: body)
    }

    static func securityLog(_ request: APIRequest, _ context: APIContext) async throws -> HTTPResponse {
        let (after, limit) = try page(request.http.query)
        let rows = try await context.reads.run(request.http) {
            try await context.securityLog.entries(after: after, limit: limit, on: $0.pool)
        }
        return try JSONResponse.make(
            SecurityLogPage(entries: rows.map(SecurityLogEntryView.init), nextAfter: rows.last?.id ?? after),
            headers: ["Cache-Control": "no-store"])
    }

    /// `after` (default 0) and `limit` (default 100, at most 1000), each at most once.
    static func page(_ query: URLEncodedForm) throws(RequestBodyError) -> (after: Int64, limit: Int) {
        var errors = repeated(query, allowed: ["after", "limit"])
        let after = EmployeeRoutes.integer(query["after"], field: "after", default: 0, range: 0...Int(Int64.max), errors: &errors)
        let limit = EmployeeRoutes.integer(
            query["limit"], field: "limit", default: defaultPageSize, range: 1...maximumPageSize, errors: &errors)
        guard errors.isEmpty else {
            throw RequestBodyError(status: .badRequest, detail: "Invalid query parameters", fieldErrors: errors)
        }
        return (Int64(after), limit)
    }

    static func position(_ query: URLEncodedForm) throws(RequestBodyError) -> Int64 {
        var errors = repeated(query, allowed: ["after"])
        let after = EmployeeRoutes.integer(query["after"], field: "after", default: 0, range: 0...Int(Int64.max), errors: &errors)
        guard errors.isEmpty else {
            throw RequestBodyError(status: .badRequest, detail: "Invalid query parameters", fieldErrors: errors)
        }
        return Int64(after)
    }

    private static func repeated(_ query: URLEncodedForm, allowed: Set<String>) -> [HTTPFieldError] {
        query.repeatedNames.filter(allowed.contains).map { HTTPFieldError(field: $0, message: "must appear at most once") }
    }
}
