import Foundation
import HTTP

/// `GET /openapi.json`: the OpenAPI 3.1 document of every registered operation, built once at start-up.
enum OpenAPIRoutes {
    static let pattern = "/openapi.json"

    /// Registers the document's own route. Call it after every other route: it documents what is registered so far,
    /// plus itself.
    static func register(in table: inout RouteTable, httpsAuthority: String? = nil) throws {
        let route = Route(operationID: "getOpenAPI", summary: "This API's OpenAPI 3.1 document", access: .public) { _ in
            HTTPResponse(status: .ok, headers: [:], body: [])
        }
        let documented = table.registered + [RegisteredRoute(method: .GET, pattern: pattern, route: route)]
        let body = try document(for: documented, httpsAuthority: httpsAuthority)
        try table.add(
            .GET, pattern,
            Route(operationID: route.operationID, summary: route.summary, access: .public) { _ in
                HTTPResponse(status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"], body: body)
            })
    }

    static func document(for routes: [RegisteredRoute], httpsAuthority: String? = nil) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(OpenAPIDocument.build(routes, httpsAuthority: httpsAuthority)))
    }
}
