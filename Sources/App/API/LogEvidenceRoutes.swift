import EventStore
import Foundation
import HTTP
import Operations

/// The log's evidence for auditors: signed checkpoints, the public keys that verify them, and the export an auditor
/// verifies offline with `employees verify-export` (docs/LOG-EVIDENCE.md).
enum LogEvidenceRoutes {
    static func register(in table: inout RouteTable, context: APIContext) throws(RouterError) {
        let audit = Access.scopes([.auditRead])
        try table.add(
            .GET, "/events/checkpoints",
            Route(
                operationID: "listCheckpoints", summary: "The log's signed checkpoints as NDJSON, in position order",
                access: audit
            ) {
                request in
                try checkpoints(request, context)
            })
        try table.add(
            .GET, "/events/export",
            Route(
                operationID: "exportLog", summary: "The log as verifiable NDJSON: every event as stored, then the checkpoints",
                access: audit
            ) { request in
                try export(request, context)
            })
        try table.add(
            .GET, "/.well-known/log-keys.json",
            Route(
                operationID: "logKeys", summary: "The public keys that verify the log's checkpoints, with validity",
                access: .public
            ) {
                _ in
                let keys = try await LogCheckpointStore(pool: context.pool).keys()
                return HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/jwk-set+json", "Cache-Control": "public, max-age=300"],
                    body: keys.jwksJSON())
            })
    }

    /// `?after=` (default 0): the checkpoints after that position, streamed a page at a time.
    static func checkpoints(_ request: APIRequest, _ context: APIContext) throws -> HTTPResponse {
        let after = try AuditRoutes.position(request.http.query)
        let store = LogCheckpointStore(pool: context.pool)
        let body = HTTPBodyStream { writer in
            var position = after
            while true {
                let page = try await store.checkpoints(after: position, limit: 1_000)
                guard let last = page.last else { break }
                try await writer.write(page.flatMap(\.ndjsonLine))
                position = last.position
            }
        }
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/x-ndjson", "Cache-Control": "no-store"], stream: body)
    }

    /// `?from=` (default 1), `?to=` (default the head when the export starts) and `?after=` to resume an interrupted
    /// download after the last complete event line. Gzip when the client accepts it.
    static func export(_ request: APIRequest, _ context: APIContext) throws -> HTTPResponse {
        let query = request.http.query
        var errors = query.repeatedNames.filter(["from", "to", "after"].contains).map {
            HTTPFieldError(field: $0, message: "must appear at most once")
        }
        let maximum = Int(Int64.max)
        let first = EmployeeRoutes.integer(query["from"], field: "from", default: 1, range: 1...maximum, errors: &errors)
        let after = EmployeeRoutes.integer(query["after"], field: "after", default: 0, range: 0...maximum, errors: &errors)
        let through = query["to"].map { _ in
            EmployeeRoutes.integer(query["to"], field: "to", default: 0, range: 0...maximum, errors: &errors)
        }
        guard errors.isEmpty else {
            throw RequestBodyError(status: .badRequest, detail: "Invalid query parameters", fieldErrors: errors)
        }
        let gzip = acceptsGzip(request.http.headers.values("Accept-Encoding"))
        let exporter = LogExporter(pool: context.pool)
        let body = HTTPBodyStream { writer in
            let encoder = gzip ? try GzipEncoder() : nil
            _ = try await exporter.export(from: Int64(first), after: Int64(after), through: through.map(Int64.init)) { chunk in
                let bytes = try encoder?.compress(chunk) ?? chunk
                if !bytes.isEmpty { try await writer.write(bytes) }
            }
            if let encoder {
                try await writer.write(try encoder.finish())
            }
        }
        var headers: HTTPHeaders = [
            "Content-Type": "application/x-ndjson", "Cache-Control": "no-store", "Vary": "Accept-Encoding",
        ]
        if gzip { headers.set("Content-Encoding", "gzip") }
        return HTTPResponse(status: .ok, headers: headers, stream: body)
    }

    /// Whether `Accept-Encoding` (RFC 9110 §12.5.3) accepts gzip: `gzip`, `x-gzip` or `*`, with a q-value above 0.
    static func acceptsGzip(_ fields: [String]) -> Bool {
        for member in fields.flatMap({ $0.split(separator: ",") }) {
            let parts = member.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, ["gzip", "x-gzip", "*"].contains(coding) else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return true }
        }
        return false
    }
}
