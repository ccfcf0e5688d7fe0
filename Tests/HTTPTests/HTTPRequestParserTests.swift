import XCTest

@testable import HTTP

/// Feeds bytes to the parser the way a connection does: unconsumed bytes are passed again with the next piece.
func parseOutcomes(
    _ bytes: [UInt8], pieces boundaries: [Int] = [], limits: HTTPRequestParser.Limits = .testDefaults
) -> [String] {
    var parser = HTTPRequestParser(limits: limits)
    var retained: [UInt8] = []
    var outcomes: [String] = []
    var start = 0
    for end in boundaries + [bytes.count] where end >= start {
        retained += bytes[start..<end]
        start = end
        parsing: while true {
            let (consumed, event) = retained.withUnsafeBufferPointer { parser.parse($0) }
            retained.removeFirst(consumed)
            switch event {
            case .needMoreData:
                break parsing
            case .continueExpected:
                outcomes.append("100-continue")
            case .request(let head, let body):
                let headers = head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
                outcomes.append(
                    "\(head.method) \(head.target) \(head.version) keepAlive=\(head.keepAlive) [\(headers)] "
                        + "body=\(String(decoding: body, as: UTF8.self))")
            case .failure(let error):
                outcomes.append("failure \(error.status.code)")
                return outcomes
            }
        }
    }
    return outcomes
}

extension HTTPRequestParser.Limits {
    static let testDefaults = HTTPRequestParser.Limits(
        maxHeadBytes: 16 * 1024, maxURIBytes: 8 * 1024, maxBodyBytes: 1024 * 1024, maxHeaderCount: 100)
}

final class HTTPRequestParserTests: XCTestCase {
    func testSimpleGet() {
        XCTAssertEqual(
            parseOutcomes(Array("GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\nAccept:  */* \r\n\r\n".utf8)),
            ["GET /healthz?x=1 HTTP/1.1 keepAlive=true [Host=a;Accept=*/*] body="])
    }

    func testHeadersKeepOrderRepeatsAndCaseInsensitiveLookup() throws {
        var parser = HTTPRequestParser(limits: .testDefaults)
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Tag: one\r\nx-tag: two\r\nEmpty:\r\n\r\n".utf8)
        let (_, event) = bytes.withUnsafeBufferPointer { parser.parse($0) }
        guard case .request(let head, _) = event else { return XCTFail("\(event)") }
        XCTAssertEqual(head.headers.values("X-TAG"), ["one", "two"])
        XCTAssertEqual(head.headers["host"], "a")
        XCTAssertEqual(head.headers["empty"], "")
        XCTAssertEqual(head.headers.map(\.name), ["Host", "X-Tag", "x-tag", "Empty"])
    }

    func testContentLengthBody() {
        XCTAssertEqual(
            parseOutcomes(Array("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".utf8)),
            ["POST /a HTTP/1.1 keepAlive=true [Host=a;Content-Length=5] body=hello"])
    }

    func testIdenticalRepeatedContentLengthIsAccepted() {
        XCTAssertEqual(
            parseOutcomes(Array("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi".utf8))
                .first?
                .hasSuffix("body=hi"), true)
    }

    func testChunkedBodyWithExtensionsAndTrailers() {
        let request =
            "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1 ; x\r\n,\r\n06\r\n world\r\n0\r\nTrailer: yes\r\n\r\n"
        XCTAssertEqual(
            parseOutcomes(Array(request.utf8)),
            ["POST /c HTTP/1.1 keepAlive=true [Host=a;Transfer-Encoding=chunked] body=hello, world"])
    }

    func testConnectionSemantics() {
        XCTAssertEqual(
            parseOutcomes(Array("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n".utf8)).first?.contains(
                "keepAlive=false"),
            true)
        XCTAssertEqual(parseOutcomes(Array("GET / HTTP/1.0\r\n\r\n".utf8)), ["GET / HTTP/1.0 keepAlive=false [] body="])
        XCTAssertEqual(
            parseOutcomes(Array("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8)).first?.contains(
                "keepAlive=true"),
            true)
        XCTAssertEqual(
            parseOutcomes(Array("GET / HTTP/1.1\r\nHost: a\r\nConnection: te, close\r\n\r\n".utf8)).first?
                .contains("keepAlive=false"), true)
    }

    func testPipelinedRequestsAndLeadingEmptyLines() {
        let bytes = Array(
            ("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc\r\n"
                + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n").utf8)
        let outcomes = parseOutcomes(bytes)
        XCTAssertEqual(outcomes.map { $0.split(separator: " ")[1] }, ["/1", "/2", "/3"])
    }

    func testExpectContinueIsReportedBeforeTheBody() {
        XCTAssertEqual(
            parseOutcomes(
                Array("PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok".utf8)),
            ["100-continue", "PUT /x HTTP/1.1 keepAlive=true [Host=a;Expect=100-continue;Content-Length=2] body=ok"])
        // No body, nothing to continue.
        XCTAssertEqual(
            parseOutcomes(Array("GET /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n".utf8)).count, 1)
    }

    /// The outcome must not depend on how the bytes are cut: every single split point, and byte by byte.
    func testEverySplitPointGivesTheSameOutcome() {
        let samples = [
            "GET /employees/10001?fields=a%20b HTTP/1.1\r\nHost: example\r\nX-A: 1\r\n\r\n",
            "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=1&b=2",
            "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n",
            "PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok\r\nGET /next HTTP/1.0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ]
        for sample in samples {
            let bytes = Array(sample.utf8)
            let whole = parseOutcomes(bytes)
            XCTAssertFalse(whole.isEmpty)
            for split in 0...bytes.count {
                XCTAssertEqual(
                    parseOutcomes(bytes, pieces: [split]), whole, "split at \(split) of \(sample.debugDescription)")
            }
            XCTAssertEqual(
                parseOutcomes(bytes, pieces: Array(0...bytes.count)), whole, "byte by byte: \(sample.debugDescription)")
        }
    }

    func testMalformedRequestsAreRefusedWithTheirStatus() {
        let cases: [(String, Int, String)] = [
            (
                "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400,
                "CL and TE"
            ),
            ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", 400, "differing CL"),
            ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", 400, "CL list"),
            ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400, "signed CL"),
            ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "negative CL"),
            ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", 400, "hex CL"),
            ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400, "empty CL"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, "chunked not final"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400, "identity"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "gzip coding"),
            (
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501,
                "TE twice"
            ),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n", 400, "empty coding"),
            ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "TE in 1.0"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "bad chunk size"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400, "empty chunk size"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400, "negative chunk size"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\na\r\n", 400, "space after size"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400, "chunk overrun"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n", 400, "LF after size"),
            (
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a\u{1}\r\n", 400,
                "control in extension"
            ),
            (
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", 400,
                "bad trailer"
            ),
            (
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 413,
                "huge chunk"
            ),
            ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obs-fold"),
            ("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tfolded\r\n\r\n", 400, "obs-fold tab"),
            ("GET / HTTP/1.1\nHost: a\n\n", 400, "bare LF request line"),
            ("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400, "bare LF header"),
            ("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400, "bare CR header"),
            ("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400, "bare CR end"),
            ("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare CR before request"),
            ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "space before colon"),
            ("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", 400, "separator in name"),
            ("GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "empty name"),
            ("GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", 400, "NUL in value"),
            ("GET / HTTP/1.1\r\nHost: a\u{7f}\r\n\r\n", 400, "DEL in value"),
            ("GET / HTTP/1.1\r\n\r\n", 400, "no Host"),
            ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "two Hosts"),
            ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP/2"),
            ("GET / http/1.1\r\nHost: a\r\n\r\n", 400, "lowercase version"),
            ("GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400, "long version"),
            ("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "space in target"),
            ("GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "control in target"),
            ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "empty target"),
            (" GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "empty method"),
            ("GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "separator in method"),
            ("GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417, "unknown expectation"),
        ]
        for (request, status, name) in cases {
            XCTAssertEqual(parseOutcomes(Array(request.utf8)).last, "failure \(status)", name)
        }
    }

    func testLimits() {
        let limits = HTTPRequestParser.Limits(maxHeadBytes: 200, maxURIBytes: 50, maxBodyBytes: 10, maxHeaderCount: 3)
        let longTarget = "GET /" + String(repeating: "a", count: 60) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        XCTAssertEqual(parseOutcomes(Array(longTarget.utf8), limits: limits), ["failure 414"])
        let bigHead = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 200) + "\r\n\r\n"
        XCTAssertEqual(parseOutcomes(Array(bigHead.utf8), limits: limits), ["failure 431"])
        let manyHeaders = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        XCTAssertEqual(parseOutcomes(Array(manyHeaders.utf8), limits: limits), ["failure 431"])
        let bigBody = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"
        XCTAssertEqual(parseOutcomes(Array(bigBody.utf8), limits: limits), ["failure 413"])
        let bigChunks = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n"
        XCTAssertEqual(parseOutcomes(Array(bigChunks.utf8), limits: limits), ["failure 413"])
        let hugeLength = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"
        XCTAssertEqual(parseOutcomes(Array(hugeLength.utf8), limits: limits), ["failure 413"])
        // Exactly at the limits is fine.
        let exactBody = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789"
        XCTAssertEqual(parseOutcomes(Array(exactBody.utf8), limits: limits).count, 1)
        let head = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let exactHead = head + String(repeating: "v", count: 200 - head.utf8.count - 4) + "\r\n\r\n"
        XCTAssertEqual(exactHead.utf8.count, 200)
        XCTAssertEqual(parseOutcomes(Array(exactHead.utf8), limits: limits).first?.hasPrefix("GET"), true)
        XCTAssertEqual(
            parseOutcomes(Array((exactHead.dropLast(2) + "v\r\n\r\n").utf8), limits: limits), ["failure 431"])
    }

    func testFailureIsSticky() {
        var parser = HTTPRequestParser(limits: .testDefaults)
        let bad = Array("GET / HTTP/1.1\nHost: a\r\n\r\n".utf8)
        _ = bad.withUnsafeBufferPointer { parser.parse($0) }
        let good = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let (_, event) = good.withUnsafeBufferPointer { parser.parse($0) }
        guard case .failure = event else { return XCTFail("a failed parser must stay failed") }
        XCTAssertEqual(parser.phase, .failed)
    }

    func testPhasesForTimeouts() {
        var parser = HTTPRequestParser(limits: .testDefaults)
        XCTAssertEqual(parser.phase, .idle)
        let partialHead = Array("GET / HT".utf8)
        _ = partialHead.withUnsafeBufferPointer { parser.parse($0) }
        XCTAssertEqual(parser.phase, .head)
        var parser2 = HTTPRequestParser(limits: .testDefaults)
        let partialBody = Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab".utf8)
        _ = partialBody.withUnsafeBufferPointer { parser2.parse($0) }
        XCTAssertEqual(parser2.phase, .body)
    }
}
