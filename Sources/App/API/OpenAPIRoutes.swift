import Employees
import Foundation
import HTTP
import Operations
import Records
import Synchronization

/// `GET /openapi.json`: the OpenAPI 3.1 document of every registered operation. The date fields' bounds follow the
/// UTC day, so the document is built once per day (at start-up, then at the first request of each new day).
enum OpenAPIRoutes {
    static let pattern = "/openapi.json"

    /// Registers the document's own route. Call it after every other route: it documents what is registered so far,
    /// plus itself.
    /// `httpsAuthority` (host:port) when the service serves HTTPS itself: the document then names an https server.
    static func register(in table: inout RouteTable, httpsAuthority: String? = nil) throws {
        let route = Route(operationID: "getOpenAPI", summary: "This API's OpenAPI 3.1 document", access: .public) { _ in
            HTTPResponse(status: .ok, headers: [:], body: [])
        }
        let cache = DailyDocument(
            routes: table.registered + [RegisteredRoute(method: .GET, pattern: pattern, route: route)],
            httpsAuthority: httpsAuthority)
        _ = try cache.body(for: CalendarDate.todayUTC())
        try table.add(
            .GET, pattern,
            Route(operationID: route.operationID, summary: route.summary, access: .public) { _ in
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"],
                    body: try cache.body(for: CalendarDate.todayUTC()))
            })
    }

    static func document(for routes: [RegisteredRoute], today: CalendarDate, httpsAuthority: String? = nil) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(OpenAPIDocument.build(routes, today: today, httpsAuthority: httpsAuthority)))
    }

    /// The encoded document of the current day.
    final class DailyDocument: Sendable {
        let routes: [RegisteredRoute]
        let httpsAuthority: String?
        private let current = Mutex<(day: CalendarDate, body: [UInt8])?>(nil)

        init(routes: [RegisteredRoute], httpsAuthority: String? = nil) {
            self.routes = routes
            self.httpsAuthority = httpsAuthority
        }

        func body(for today: CalendarDate) throws -> [UInt8] {
            if let cached = current.withLock({ $0 }), cached.day == today { return cached.body }
            let body = try OpenAPIRoutes.document(for: routes, today: today, httpsAuthority: httpsAuthority)
            current.withLock { $0 = (today, body) }
            return body
        }
    }
}
