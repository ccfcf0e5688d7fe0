import Foundation
import HTTP
import XCTest

/// curl and Python's http.client as independent clients of a real server.
final class RealClientTests: XCTestCase {
    func testCurl() throws {
        let server = try TestServer { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        func curl(_ arguments: String...) throws -> String {
            let (status, output) = try runTool("curl", ["--silent", "--show-error", "--max-time", "10"] + arguments)
            XCTAssertEqual(status, 0, output)
            return output
        }
        XCTAssertEqual(try curl("\(base)/hello", "\(base)/hello"), "hellohello")
        XCTAssertEqual(try curl("--http1.0", "\(base)/hello"), "hello")
        XCTAssertEqual(try curl("--data-binary", "payload", "\(base)/echo"), "payload")
        XCTAssertEqual(
            try curl("-H", "Expect: 100-continue", "--data-binary", "continued", "\(base)/echo"), "continued")
        XCTAssertEqual(
            try curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@/dev/null", "\(base)/echo"), "")
        let (status, chunked) = try runTool(
            "curl",
            ["--silent", "--show-error", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", "\(base)/echo"],
            input: "streamed in")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(chunked, "streamed in")
        XCTAssertEqual(try curl("--no-buffer", "\(base)/stream/3"), "chunk 0\nchunk 1\nchunk 2\n")
        let head = try curl("--head", "\(base)/hello")
        XCTAssertTrue(head.contains("Content-Length: 5"), head)
        XCTAssertEqual(try curl("--write-out", "%{http_code}", "--output", "/dev/null", "\(base)/nope"), "404")
        XCTAssertEqual(
            try curl("--write-out", "%{http_code}", "--output", "/dev/null", "-X", "DELETE", "\(base)/hello"), "405")
        let big = String(repeating: "x", count: 1024 * 1024 + 1)
        let (_, tooLarge) = try runTool(
            "curl",
            [
                "--silent", "--write-out", "%{http_code}", "--output", "/dev/null", "--data-binary", "@-",
                "\(base)/echo",
            ],
            input: big)
        XCTAssertEqual(tooLarge, "413")
    }

    func testCurlOverIPv6() throws {
        let server = try TestServer(host: "::1") { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        let (status, output) = try runTool("curl", ["--silent", "-g", "http://[::1]:\(server.port)/whoami"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.hasPrefix("::1 "), output)
    }

    func testPythonHTTPClient() throws {
        let server = try TestServer { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        let script = """
            import http.client, sys
            c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
            out = []
            for _ in range(3):
                c.request("GET", "/hello")
                r = c.getresponse()
                out.append("%d %s" % (r.status, r.read().decode()))
            c.request("POST", "/echo", body=iter([b"ab", b"cd"]), encode_chunked=True)
            out.append(c.getresponse().read().decode())
            c.request("POST", "/form?q=1", body="a=1&b=%C3%A9", headers={"Content-Type": "application/x-www-form-urlencoded"})
            out.append(c.getresponse().read().decode())
            c.request("GET", "/stream/2")
            r = c.getresponse()
            out.append(r.getheader("Transfer-Encoding") + " " + r.read().decode().replace("\\n", "|"))
            c.request("HEAD", "/hello")
            r = c.getresponse()
            out.append("HEAD %s %r" % (r.getheader("Content-Length"), r.read()))
            c.request("GET", "/employees/x")
            r = c.getresponse()
            out.append("%d %s" % (r.status, r.getheader("Content-Type")))
            r.read()
            print("\\n".join(out))
            """
        let (status, output) = try runTool("python3", ["-c", script, String(server.port)])
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(
            output.split(separator: "\n"),
            [
                "200 hello", "200 hello", "200 hello", "abcd", "a=1,b=é q=1", "chunked chunk 0|chunk 1|",
                "HEAD 5 b''", "404 application/problem+json",
            ])
    }
}
