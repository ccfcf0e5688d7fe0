import HTTP
import XCTest

final class RouterTests: XCTestCase {
    private func makeRouter() throws -> Router<String> {
        var builder = RouterBuilder<String>()
        try builder.add(.GET, "/", "root")
        try builder.add(.GET, "/employees", "list")
        try builder.add(.POST, "/employees", "create")
        try builder.add(.GET, "/employees/me", "me")
        try builder.add(.GET, "/employees/{emp_no:int}", "get")
        try builder.add(.PUT, "/employees/{emp_no:int}", "replace")
        try builder.add(.GET, "/employees/{emp_no:int}/titles/{title}", "title")
        try builder.add(.GET, "/departments/{dept_no}", "department")
        return builder.build()
    }

    func testMatchesLiteralsAndTypedParameters() throws {
        let router = try makeRouter()
        XCTAssertEqual(try router.match(.GET, path: "/").route, "root")
        XCTAssertEqual(try router.match(.GET, path: "/employees").route, "list")
        XCTAssertEqual(try router.match(.POST, path: "/employees").route, "create")
        let get = try router.match(.GET, path: "/employees/10001")
        XCTAssertEqual(get.route, "get")
        XCTAssertEqual(get.pattern, "/employees/{emp_no:int}")
        XCTAssertEqual(get.parameters.int("emp_no"), 10001)
        XCTAssertEqual(get.parameters.string("emp_no"), "10001")
        let title = try router.match(.GET, path: "/employees/7/titles/Senior%20Engineer")
        XCTAssertEqual(title.parameters.int("emp_no"), 7)
        XCTAssertEqual(title.parameters.string("title"), "Senior Engineer")
        XCTAssertEqual(try router.match(.GET, path: "/departments/d001").parameters["dept_no"], .string("d001"))
    }

    func testLiteralWinsOverParameter() throws {
        XCTAssertEqual(try makeRouter().match(.GET, path: "/employees/me").route, "me")
    }

    func testUnknownPathIs404() throws {
        let router = try makeRouter()
        for path in ["/nope", "/employees/1/extra", "/employees/", "/departments/", "employees", "//"] {
            XCTAssertThrowsError(try router.match(.GET, path: path), path) { error in
                XCTAssertEqual((error as? HTTPError)?.status, .notFound, path)
            }
        }
    }

    func testWrongMethodIs405WithAllowIncludingHeadForGet() throws {
        XCTAssertThrowsError(try makeRouter().match(.DELETE, path: "/employees/5")) { error in
            let problem = error as? HTTPError
            XCTAssertEqual(problem?.status, .methodNotAllowed)
            XCTAssertEqual(problem?.headers["Allow"], "GET, HEAD, PUT")
        }
    }

    func testHeadIsServedByGet() throws {
        XCTAssertEqual(try makeRouter().match(.HEAD, path: "/employees/5").route, "get")
    }

    func testBadTypedParameterIs400WithFieldError() throws {
        XCTAssertThrowsError(try makeRouter().match(.GET, path: "/employees/abc")) { error in
            let problem = error as? HTTPError
            XCTAssertEqual(problem?.status, .badRequest)
            let body = problem.map { String(decoding: Self.bytes($0.response), as: UTF8.self) } ?? ""
            XCTAssertTrue(body.contains(#""errors":[{"field":"emp_no","message":"must be an integer"}]"#), body)
        }
        XCTAssertThrowsError(try makeRouter().match(.GET, path: "/employees/99999999999999999999")) { error in
            XCTAssertEqual((error as? HTTPError)?.status, .badRequest)
        }
        // A bad integer where no route could follow is simply unknown.
        XCTAssertThrowsError(try makeRouter().match(.GET, path: "/employees/abc/unknown")) { error in
            XCTAssertEqual((error as? HTTPError)?.status, .notFound)
        }
    }

    func testListsEveryRouteInRegistrationOrder() throws {
        let entries = try makeRouter().entries
        XCTAssertEqual(entries.count, 8)
        XCTAssertEqual(entries[4].method, .GET)
        XCTAssertEqual(entries[4].pattern, "/employees/{emp_no:int}")
        XCTAssertEqual(entries.map(\.route), ["root", "list", "create", "me", "get", "replace", "title", "department"])
    }

    func testBuildErrorsAreReported() {
        var builder = RouterBuilder<Int>()
        XCTAssertNoThrow(try builder.add(.GET, "/a/{id:int}", 1))
        XCTAssertThrowsError(try builder.add(.GET, "/a/{id:int}", 2), "duplicate")
        XCTAssertThrowsError(try builder.add(.GET, "/a/{other}", 2), "conflicting parameter")
        XCTAssertThrowsError(try builder.add(.GET, "no-slash", 2))
        XCTAssertThrowsError(try builder.add(.GET, "/b/{x:uuid}", 2))
        XCTAssertThrowsError(try builder.add(.GET, "/b/{x}/{x}", 2))
        XCTAssertThrowsError(try builder.add(.GET, "/b/{1x}", 2))
        XCTAssertThrowsError(try builder.add(.GET, "/b/a%20b", 2))
    }

    static func bytes(_ response: HTTPResponse) -> [UInt8] {
        if case .bytes(let bytes) = response.body { return bytes }
        return []
    }
}
