import XCTest

@testable import HTTP

final class URLEncodedFormTests: XCTestCase {
    func testDecodesPairsInOrderWithRepeats() throws {
        let form = try URLEncodedForm(parsing: Array("a=1&b=x+y&a=%32&empty=&flag&&c=%C3%A9".utf8))
        XCTAssertEqual(form.fields.map(\.name), ["a", "b", "a", "empty", "flag", "c"])
        XCTAssertEqual(form.values("a"), ["1", "2"])
        XCTAssertEqual(form["b"], "x y")
        XCTAssertEqual(form["empty"], "")
        XCTAssertEqual(form["flag"], "")
        XCTAssertEqual(form["c"], "é")
        XCTAssertNil(form["missing"])
        XCTAssertEqual(form.repeatedNames, ["a"])
    }

    func testRejectsBadEscapesInvalidUTF8AndNUL() {
        for input in ["a=%", "a=%4", "a=%zz", "a=%FF", "a=%00", "%C3=1"] {
            XCTAssertThrowsError(try URLEncodedForm(parsing: Array(input.utf8)), input) { error in
                XCTAssertEqual((error as? HTTPError)?.status, .badRequest)
            }
        }
    }

    func testPathDecodingKeepsPlusAndQueryIsParsed() throws {
        let request = try HTTPRequest(method: .GET, target: "/a%20b+c/d?x=1+2&y=%26")
        XCTAssertEqual(request.path, "/a b+c/d")
        XCTAssertEqual(request.rawPath, "/a%20b+c/d")
        XCTAssertEqual(request.query["x"], "1 2")
        XCTAssertEqual(request.query["y"], "&")
    }

    func testAbsoluteFormTargetKeepsOnlyThePath() throws {
        let request = try HTTPRequest(method: .GET, target: "http://example.com:8080/healthz?q=1")
        XCTAssertEqual(request.rawPath, "/healthz")
        XCTAssertEqual(request.query["q"], "1")
    }

    func testBadTargetsAreBadRequests() {
        for target in ["*", "relative", "/a%zz", "/a%00", "/a#frag", "/%FF"] {
            XCTAssertThrowsError(try HTTPRequest(method: .GET, target: target), target) { error in
                XCTAssertEqual((error as? HTTPError)?.status, .badRequest)
            }
        }
    }
}
