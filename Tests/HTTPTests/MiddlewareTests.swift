import HTTP
import Synchronization
import XCTest

private enum PrincipalKey: HTTPContextKey {
    typealias Value = String
}

final class TraceLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// Records its name on the way in and out, and can hand a value to the handler.
private struct Tracing: HTTPMiddleware {
    typealias Route = [String]
    let name: String
    let trace: TraceLog

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<[String]>, next: HTTPNext<[String]>) async throws
        -> HTTPResponse
    {
        trace.append("in \(name)")
        var context = context
        context[PrincipalKey.self] = name
        let response = try await next(request, context)
        trace.append("out \(name) \(response.status.code)")
        return response
    }
}

/// Rejects requests to routes whose payload asks for a scope, as the app's authentication will.
private struct RequireScope: HTTPMiddleware {
    typealias Route = [String]

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<[String]>, next: HTTPNext<[String]>) async throws
        -> HTTPResponse
    {
        if let scopes = context.route, !scopes.isEmpty, request.headers["Authorization"] == nil {
            throw HTTPError(.unauthorized, headers: ["WWW-Authenticate": "Bearer"])
        }
        return try await next(request, context)
    }
}

private struct Secret: Error, CustomStringConvertible {
    var description: String { "password=hunter2" }
}

final class MiddlewareTests: XCTestCase {
    private let trace = TraceLog()
    private let logger = CapturingLogger()

    private func application() throws -> HTTPApplication<[String]> {
        var builder = RouterBuilder<[String]>()
        try builder.add(.GET, "/open", [])
        try builder.add(.GET, "/guarded", ["employees:read"])
        try builder.add(.GET, "/boom", [])
        try builder.add(.GET, "/who", [])
        return HTTPApplication(
            router: builder.build(),
            middleware: [
                AccessLogMiddleware(logger: logger), RequestIDMiddleware(), Tracing(name: "outer", trace: trace),
                RequireScope(), Tracing(name: "inner", trace: trace),
            ], logger: logger
        ) { _, request, context in
            switch request.rawPath {
            case "/boom": throw Secret()
            case "/who": return .text(context[PrincipalKey.self] ?? "nobody")
            default: return .text("fine")
            }
        }
    }

    private func body(_ response: HTTPResponse) -> String {
        String(decoding: RouterTests.bytes(response), as: UTF8.self)
    }

    func testMiddlewareRunsInOrderAroundTheHandler() async throws {
        let response = try await application().respond(to: HTTPRequest(method: .GET, target: "/open", requestID: "r1"))
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(trace.all, ["in outer", "in inner", "out inner 200", "out outer 200"])
        XCTAssertEqual(response.headers["X-Request-ID"], "r1")
    }

    func testContextValuesReachTheHandler() async throws {
        let response = try await application().respond(to: HTTPRequest(method: .GET, target: "/who"))
        XCTAssertEqual(body(response), "inner")
    }

    func testMiddlewareSeesTheRouteAndItsThrownProblemBecomesTheResponse() async throws {
        let response = try await application().respond(to: HTTPRequest(method: .GET, target: "/guarded"))
        XCTAssertEqual(response.status, .unauthorized)
        XCTAssertEqual(response.headers["WWW-Authenticate"], "Bearer")
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        XCTAssertEqual(body(response), #"{"type":"about:blank","title":"Unauthorized","status":401}"#)
        // The outer middleware saw the final status, not an error.
        XCTAssertEqual(trace.all, ["in outer", "out outer 401"])
        let authorized = try await application().respond(
            to: HTTPRequest(method: .GET, target: "/guarded", headers: ["Authorization": "Bearer x"]))
        XCTAssertEqual(authorized.status, .ok)
    }

    func testUnknownErrorIs500WithoutDetailAndTheLogNamesOnlyItsType() async throws {
        let response = try await application().respond(to: HTTPRequest(method: .GET, target: "/boom"))
        XCTAssertEqual(response.status, .internalServerError)
        XCTAssertEqual(body(response), #"{"type":"about:blank","title":"Internal Server Error","status":500}"#)
        XCTAssertTrue(logger.lines.contains { $0.contains("unhandled Secret") })
        XCTAssertFalse(logger.lines.contains { $0.contains("hunter2") })
    }

    func testRoutingProblemsStillPassThroughMiddleware() async throws {
        let notFound = try await application().respond(to: HTTPRequest(method: .GET, target: "/missing"))
        XCTAssertEqual(notFound.status, .notFound)
        let notAllowed = try await application().respond(to: HTTPRequest(method: .POST, target: "/open"))
        XCTAssertEqual(notAllowed.status, .methodNotAllowed)
        XCTAssertEqual(notAllowed.headers["Allow"], "GET, HEAD")
        XCTAssertEqual(
            trace.all,
            [
                "in outer", "in inner", "out inner 404", "out outer 404", "in outer", "in inner", "out inner 405",
                "out outer 405",
            ])
    }

    func testAccessLogLineHasNoQueryHeadersOrBody() async throws {
        _ = try await application().respond(
            to: HTTPRequest(
                method: .GET, target: "/open?token=secret-query",
                headers: ["Authorization": "Bearer secret-token", "Cookie": "c=secret-cookie"],
                body: Array("secret-body".utf8), requestID: "req-42"))
        let line = try XCTUnwrap(logger.lines.first { $0.hasPrefix("method=") })
        XCTAssertTrue(line.hasPrefix("method=GET path=/open status=200 bytes=4 duration_ms="), line)
        XCTAssertTrue(line.hasSuffix("request_id=req-42"), line)
        XCTAssertFalse(line.contains("secret"), line)
    }

    func testRequestIDMiddlewareAdoptsOnlyWellFormedIncomingIDsWhenTrusted() async throws {
        var builder = RouterBuilder<Int>()
        try builder.add(.GET, "/", 0)
        let trusting = HTTPApplication(router: builder.build(), middleware: [RequestIDMiddleware(trustIncoming: true)]) {
            _, request, _ in .text(request.requestID)
        }
        let adopted = await trusting.respond(
            to: try HTTPRequest(method: .GET, target: "/", headers: ["X-Request-ID": "abc-123"], requestID: "own"))
        XCTAssertEqual(adopted.headers["X-Request-ID"], "abc-123")
        let refused = await trusting.respond(
            to: try HTTPRequest(method: .GET, target: "/", headers: ["X-Request-ID": "bad id\u{7f}"], requestID: "own"))
        XCTAssertEqual(refused.headers["X-Request-ID"], "own")
    }

    func testProblemDocumentWithExtensionMembers() {
        let problem = HTTPError(
            .unprocessableContent, type: "https://example.com/problems/validation", detail: "Fix \"these\".",
            fieldErrors: [HTTPFieldError(field: "birth_date", message: "must be a date")],
            members: [(name: "retryable", value: .bool(false)), (name: "status", value: .int(1))])
        let response = problem.response
        XCTAssertEqual(response.status.code, 422)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        XCTAssertEqual(
            body(response),
            #"{"type":"https://example.com/problems/validation","title":"Unprocessable Content","status":422,"#
                + #""detail":"Fix \"these\".","retryable":false,"errors":[{"field":"birth_date","message":"must be a date"}]}"#
        )
    }
}
