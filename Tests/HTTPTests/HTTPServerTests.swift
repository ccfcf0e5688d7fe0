import Foundation
import Glibc
import HTTP
import Synchronization
import XCTest

/// Raw bytes over a real loopback socket, raw responses back. Every test runs twice: over plaintext HTTP, then over
/// TLS (the same bytes inside TLS records, through OpenSSL on both sides), so framing, smuggling, limits, pipelining,
/// timeouts and shutdown are held to the same promises on the HTTPS port.
final class HTTPServerTests: XCTestCase {
    /// Plaintext, then TLS.
    static let transports = [false, true]

    private func withServer(
        middleware: [any HTTPMiddleware<TestRoute>] = [], calls: Counter = Counter(), transports: [Bool] = transports,
        configure: (inout HTTPServer.Configuration) -> Void = { _ in },
        extraRoutes: (inout RouterBuilder<TestRoute>) throws -> Void = { _ in },
        _ body: (TestServer) throws -> Void
    ) throws {
        for tls in transports {
            let server = try TestServer(tls: tls, middleware: middleware, configure: configure) { builder in
                try standardRoutes(&builder, calls: calls)
                try extraRoutes(&builder)
            }
            defer { server.stop() }
            try body(server)
        }
    }

    func testKeepAliveGetWithServerHeaders() throws {
        try withServer { server in
            let client = try server.connect()
            for _ in 0..<3 {
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                XCTAssertEqual(response.statusLine, "HTTP/1.1 200 OK")
                XCTAssertEqual(response.bodyText, "hello")
                XCTAssertEqual(response.header("Content-Length"), "5")
                XCTAssertEqual(response.header("Content-Type"), "text/plain; charset=utf-8")
                XCTAssertNil(response.header("Connection"))
                let date = try XCTUnwrap(response.header("Date"))
                XCTAssertNotNil(
                    date.range(
                        of: #"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$"#,
                        options: .regularExpression), date)
            }
        }
    }

    func testHandlersOnTheGlobalExecutor() throws {
        try withServer(configure: { $0.runsHandlersOnEventLoops = false }) { server in
            let client = try server.connect()
            try client.send(
                "GET /slow/5 HTTP/1.1\r\nHost: t\r\n\r\nGET /stream/2 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            XCTAssertEqual(
                try (0..<3).map { _ in try client.readResponse().bodyText }, ["slow 5", "chunk 0\nchunk 1\n", "hello"])
        }
    }

    func testConnectionCloseAndHTTP10() throws {
        try withServer { server in
            let closing = try server.connect()
            try closing.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(try closing.readResponse().header("Connection"), "close")
            XCTAssertTrue(closing.isClosedByServer())

            let old = try server.connect()
            try old.send("GET /hello HTTP/1.0\r\n\r\n")
            let response = try old.readResponse()
            XCTAssertEqual(response.header("Connection"), "close")
            XCTAssertTrue(old.isClosedByServer())

            let oldKeepAlive = try server.connect()
            for _ in 0..<2 {
                try oldKeepAlive.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                XCTAssertEqual(try oldKeepAlive.readResponse().header("Connection"), "keep-alive")
            }
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send(
                "GET /slow/60 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd"
                    + "GET /slow/20 HTTP/1.1\r\nHost: t\r\n\r\nGET /slow/1 HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(
                try (0..<5).map { _ in try client.readResponse().bodyText },
                ["slow 60", "hello", "abcd", "slow 20", "slow 1"])
        }
    }

    func testExpectContinue() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try client.readResponse()
            XCTAssertEqual(interim.statusLine, "HTTP/1.1 100 Continue")
            try client.send("12345")
            XCTAssertEqual(try client.readResponse().bodyText, "12345")

            // Too large: refused at once, no 100 Continue, no body read.
            let refused = try server.connect()
            try refused.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n")
            let response = try refused.readResponse()
            XCTAssertEqual(response.status, 413)
            XCTAssertEqual(response.header("Connection"), "close")
        }
    }

    func testHeadSendsGetHeadersWithoutBody() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(head: true)
            XCTAssertEqual(head.status, 200)
            XCTAssertEqual(head.header("Content-Length"), "5")
            XCTAssertEqual(head.header("Content-Type"), "text/plain; charset=utf-8")
            // The next response starts right away: no body bytes were sent.
            try client.send("HEAD /stream/3 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse(head: true).header("Transfer-Encoding"), "chunked")
            XCTAssertEqual(try client.readResponse().bodyText, "hello")
        }
    }

    func testChunkedRequestBody() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nT: 1\r\n\r\n"
            )
            XCTAssertEqual(try client.readResponse().bodyText, "Wikipedia")
        }
    }

    func testStreamedResponseIsChunkedAndCloseDelimitedForHTTP10() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET /stream/3 HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.header("Transfer-Encoding"), "chunked")
            XCTAssertNil(response.header("Content-Length"))
            XCTAssertEqual(response.header("Content-Type"), "application/x-ndjson")
            XCTAssertEqual(response.bodyText, "chunk 0\nchunk 1\nchunk 2\n")
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse().bodyText, "hello")

            let old = try server.connect()
            try old.send("GET /stream/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let oldResponse = try old.readResponse()
            XCTAssertNil(oldResponse.header("Transfer-Encoding"))
            XCTAssertEqual(oldResponse.header("Connection"), "close")
            XCTAssertEqual(oldResponse.bodyText, "chunk 0\nchunk 1\n")
        }
    }

    func testClientDisconnectEndsTheStreamProducer() throws {
        let terminated = Counter()
        let produced = Counter()
        try withServer(extraRoutes: { builder in
            try builder.add(
                .GET, "/events",
                TestRoute { _, _ in
                    let events = AsyncStream<[UInt8]> { continuation in
                        let producer = Task {
                            while !Task.isCancelled {
                                produced.increment()
                                continuation.yield(Array("{\"event\":1}\n".utf8))
                                try? await Task.sleep(for: .milliseconds(5))
                            }
                        }
                        continuation.onTermination = { _ in
                            producer.cancel()
                            terminated.increment()
                        }
                    }
                    return HTTPResponse(
                        headers: ["Content-Type": "application/x-ndjson"], stream: HTTPBodyStream(events))
                })
        }) { server in
            let ended = terminated.count
            var client: RawClient? = try server.connect()
            try client?.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client?.readResponseHead()
            XCTAssertEqual(try client?.readChunk().map { String(decoding: $0, as: UTF8.self) }, "{\"event\":1}\n")
            XCTAssertEqual(terminated.count, ended)
            client = nil
            XCTAssertTrue(eventually { terminated.count == ended + 1 }, "the producer was not ended")
            let afterEnd = produced.count
            usleep(50_000)
            XCTAssertLessThanOrEqual(produced.count, afterEnd + 1)
        }
    }

    func testSlowReaderSuspendsTheStreamProducer() throws {
        let written = Counter()
        try withServer(
            configure: { $0.limits.outputHighWaterMark = 16 * 1024 },
            extraRoutes: { builder in
                try builder.add(
                    .GET, "/flood",
                    TestRoute { _, _ in
                        HTTPResponse(
                            stream: HTTPBodyStream { writer in
                                while true {
                                    try await writer.write([UInt8](repeating: 0x78, count: 4096))
                                    written.increment()
                                }
                            })
                    })
            }
        ) { server in
            let client = try server.connect(receiveBuffer: 4096)
            try client.send("GET /flood HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertTrue(eventually { written.count > 0 })
            // The producer stops once kernel buffers and the high-water mark are full, and stays stopped.
            var previous = -1
            XCTAssertTrue(
                eventually {
                    let now = written.count
                    defer { previous = now }
                    usleep(100_000)
                    return now == previous && written.count == now
                })
            XCTAssertLessThan(written.count * 4096, 16 * 1024 * 1024, "output was buffered without bound")
            let stalled = written.count
            // Reading resumes the producer.
            _ = try client.readResponseHead()
            for _ in 0..<200 { _ = try client.readChunk() }
            XCTAssertTrue(eventually { written.count > stalled })
        }
    }

    /// Plaintext only: the test writes from a second thread while reading, which one TLS session cannot do.
    func testPipeliningClientThatDoesNotReadCannotQueueUnboundedWork() throws {
        let calls = Counter()
        try withServer(
            calls: calls, transports: [false],
            configure: { configuration in
                configuration.limits.maxQueuedRequests = 2
                configuration.limits.outputHighWaterMark = 8 * 1024
            }
        ) { server in
            let client = try server.connect(receiveBuffer: 4096)
            let requests = 300
            let request = "GET /big/64 HTTP/1.1\r\nHost: t\r\n\r\n"
            let fd = client.fd
            let sender = Thread { try? sendAll(fd, Array(String(repeating: request, count: requests).utf8)) }
            sender.start()
            var previous = -1
            XCTAssertTrue(
                eventually {
                    let now = calls.count
                    defer { previous = now }
                    usleep(100_000)
                    return now > 0 && now == previous
                })
            XCTAssertLessThan(calls.count, requests, "the server kept answering a client that does not read")
            for _ in 0..<requests {
                XCTAssertEqual(try client.readResponse().body.count, 64 * 1024)
            }
            XCTAssertEqual(calls.count, requests)
        }
    }

    /// The last chunk of a stream is queued, not sent, so the connection is above a zero high-water mark when the
    /// exchange ends; the flush that follows empties the output. The request already read behind the stream must
    /// then be dispatched, although no socket event will come (nothing left to write, nothing left to read).
    func testRequestQueuedBehindAStreamIsDispatchedWhenTheOutputDrains() throws {
        try withServer(configure: { $0.limits.outputHighWaterMark = 0 }) { server in
            let client = try server.connect()
            try client.send(
                "GET /stream/2 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /stream/1 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(
                try (0..<4).map { _ in try client.readResponse().bodyText },
                ["chunk 0\nchunk 1\n", "hello", "chunk 0\n", "hello"])
        }
    }

    func testLimitsAreAnsweredWithTheirStatusAndClose() throws {
        try withServer(configure: { configuration in
            configuration.limits.maxBodyBytes = 1024
        }) { server in
            let cases: [(String, Int)] = [
                ("GET /hello HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "v", count: 17 * 1024) + "\r\n\r\n", 431),
                ("GET /" + String(repeating: "a", count: 9 * 1024) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
                ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n", 413),
                (
                    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n"
                        + String(repeating: "z", count: 1024)
                        + "\r\n1\r\n", 413
                ),
                ("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                ("GET /hello HTTP/1.1\r\nHost: t\r\n\tfolded\r\n\r\n", 400),
                ("GET /hello HTTP/9.9\r\nHost: t\r\n\r\n", 505),
            ]
            for (request, status) in cases {
                let client = try server.connect()
                try client.send(request)
                let response = try client.readResponse()
                XCTAssertEqual(response.status, status, String(request.prefix(40)))
                XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
                XCTAssertEqual(response.header("Connection"), "close")
                XCTAssertTrue(client.isClosedByServer())
            }
        }
    }

    func testSmugglingAttemptIsRefusedAndTheSmuggledRequestNeverRuns() throws {
        let calls = Counter()
        try withServer(calls: calls) { server in
            let client = try server.connect()
            try client.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 400)
            XCTAssertTrue(client.isClosedByServer())
            XCTAssertEqual(calls.count, 0)
        }
    }

    func testBadPercentEncodingIs400ButKeepsTheConnection() throws {
        try withServer { server in
            let client = try server.connect()
            try client.send("GET /hel%zzlo HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 400)
            XCTAssertEqual(try client.readResponse().bodyText, "hello")
        }
    }

    func testHeadTimeoutAnswers408() throws {
        try withServer(configure: { $0.timeouts.head = .milliseconds(150) }) { server in
            let client = try server.connect()
            try client.send("GET /hello HTTP/1.1\r\nHo")
            usleep(50_000)
            try client.send("st: t\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 408)
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testHeadTimeoutCountsOnlyWhileTheServerWaitsForTheClient() throws {
        try withServer(configure: { $0.timeouts.head = .milliseconds(300) }) { server in
            let client = try server.connect()
            // The second head is incomplete while the first request keeps the server busy for longer than the timeout.
            try client.send("GET /slow/400 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHo")
            XCTAssertEqual(try client.readResponse().bodyText, "slow 400")
            usleep(100_000)
            try client.send("st: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse().bodyText, "hello")
        }
    }

    func testBodyTimeoutAnswers408() throws {
        try withServer(configure: { $0.timeouts.body = .milliseconds(150) }) { server in
            let client = try server.connect()
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
            XCTAssertEqual(try client.readResponse().status, 408)
            XCTAssertTrue(client.isClosedByServer())
        }
    }

    func testIdleKeepAliveConnectionIsClosed() throws {
        try withServer(configure: { $0.timeouts.idle = .milliseconds(150) }) { server in
            let client = try server.connect()
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
            XCTAssertTrue(client.isClosedByServer())
            // An idle connection that never sent anything is closed too.
            XCTAssertTrue(try server.connect().isClosedByServer())
        }
    }

    func testConnectionsBeyondTheLimitAreRefusedWithoutHarmingOthers() throws {
        try withServer(configure: { $0.maxConnections = 2 }) { server in
            let first = try server.connect()
            let second = try server.connect()
            for client in [first, second] {
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                XCTAssertEqual(try client.readResponse().status, 200)
            }
            let third = try server.connect()
            let refusal = try third.readToEnd()
            XCTAssertTrue(refusal.isEmpty || refusal.hasPrefix("HTTP/1.1 503 "), refusal)
            for client in [first, second] {
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                XCTAssertEqual(try client.readResponse().bodyText, "hello")
            }
        }
    }

    func testGracefulShutdownFinishesInFlightRequestsAndClosesIdleOnes() throws {
        for tls in Self.transports { try gracefulShutdown(tls: tls) }
    }

    private func gracefulShutdown(tls: Bool) throws {
        let server = try TestServer(tls: tls) { builder in try standardRoutes(&builder) }
        let idle = try server.connect()
        try idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try idle.readResponse().status, 200)
        let busy = try server.connect()
        try busy.send("GET /slow/300 HTTP/1.1\r\nHost: t\r\n\r\n")
        usleep(50_000)
        let stopped = DispatchSemaphore(value: 0)
        let stopper = Thread {
            server.stop()
            stopped.signal()
        }
        stopper.start()
        XCTAssertTrue(idle.isClosedByServer(), "an idle connection must be closed at shutdown")
        let response = try busy.readResponse()
        XCTAssertEqual(response.bodyText, "slow 300")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertEqual(stopped.wait(timeout: .now() + 5), .success)
        XCTAssertThrowsError(try server.connect(), "the port must be closed after shutdown")
    }

    func testLifecycleMisuseIsHarmless() async throws {
        let unused = HTTPServer(
            configuration: HTTPServer.Configuration(port: 0), responder: try TestServer.emptyApplication())
        await unused.shutdown()
        XCTAssertThrowsError(try unused.start())
        var configuration = HTTPServer.Configuration(port: 0)
        configuration.logger = CapturingLogger()
        let twice = HTTPServer(configuration: configuration, responder: try TestServer.emptyApplication())
        try twice.start()
        XCTAssertThrowsError(try twice.start())
        await twice.shutdown()
        await twice.shutdown()
    }

    func testShutdownEndsStreams() throws {
        for tls in Self.transports { try shutdownEndsStreams(tls: tls) }
    }

    private func shutdownEndsStreams(tls: Bool) throws {
        let server = try TestServer(tls: tls) { builder in
            try builder.add(
                .GET, "/forever",
                TestRoute { _, _ in
                    HTTPResponse(
                        stream: HTTPBodyStream(
                            AsyncStream<[UInt8]> { continuation in
                                continuation.yield(Array("first\n".utf8))
                            }))
                })
        }
        let client = try server.connect()
        try client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readResponseHead()
        XCTAssertEqual(try client.readChunk(), Array("first\n".utf8))
        server.stop()
        XCTAssertNil(try client.readChunk(), "the stream ends cleanly at shutdown")
    }

    func testResponseHeaderInjectionIsRefused() throws {
        try withServer(extraRoutes: { builder in
            try builder.add(
                .GET, "/inject/value",
                TestRoute { _, _ in
                    HTTPResponse(headers: ["X-Name": "a\r\nSet-Cookie: stolen=1"], body: Array("x".utf8))
                })
            try builder.add(
                .GET, "/inject/name",
                TestRoute { _, _ in
                    HTTPResponse(headers: ["Bad Name": "x"], body: Array("x".utf8))
                })
            try builder.add(
                .GET, "/inject/status",
                TestRoute { _, _ in
                    HTTPResponse(status: HTTPStatus(code: 200, reasonPhrase: "OK\r\nSet-Cookie: stolen=1"))
                })
            try builder.add(
                .GET, "/inject/nul",
                TestRoute { _, _ in
                    HTTPResponse(headers: ["X-Name": "a\u{0}b"])
                })
            try builder.add(
                .GET, "/framing",
                TestRoute { _, _ in
                    HTTPResponse(
                        headers: ["Content-Length": "999", "Transfer-Encoding": "chunked", "Connection": "close"],
                        body: Array("ok".utf8))
                })
        }) { server in
            let client = try server.connect()
            for path in ["/inject/value", "/inject/name", "/inject/status", "/inject/nul"] {
                try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                XCTAssertEqual(response.status, 500, path)
                XCTAssertFalse(response.raw.contains("stolen"), response.raw)
            }
            try client.send("GET /framing HTTP/1.1\r\nHost: t\r\n\r\n")
            let framed = try client.readResponse()
            XCTAssertEqual(framed.header("Content-Length"), "2")
            XCTAssertNil(framed.header("Transfer-Encoding"))
            XCTAssertEqual(framed.bodyText, "ok")
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try client.readResponse().bodyText, "hello")
        }
    }

    func testRequestArrivingInPiecesAtEverySplitPoint() throws {
        try withServer { server in
            let request = Array("POST /echo?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world".utf8)
            for split in 1..<request.count {
                let client = try server.connect()
                try client.send(Array(request[..<split]))
                usleep(1_000)
                try client.send(Array(request[split...]))
                XCTAssertEqual(try client.readResponse().bodyText, "hello world", "split at \(split)")
            }
            let chunked = Array(
                "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8)
            let client = try server.connect()
            for byte in chunked {
                try client.send([byte])
            }
            XCTAssertEqual(try client.readResponse().bodyText, "abc")
        }
    }

    func testIPv6RemoteAddressAndUniqueRequestIDs() throws {
        for tls in Self.transports { try ipv6RemoteAddress(tls: tls) }
    }

    private func ipv6RemoteAddress(tls: Bool) throws {
        let server = try TestServer(host: "::1", tls: tls) { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        let client = try server.connect(host: "::1")
        var ids = Set<String>()
        for _ in 0..<3 {
            try client.send("GET /whoami HTTP/1.1\r\nHost: t\r\n\r\n")
            let parts = try client.readResponse().bodyText.split(separator: " ")
            XCTAssertEqual(parts.first, "::1")
            ids.insert(String(parts[1]))
        }
        XCTAssertEqual(ids.count, 3)
        XCTAssertTrue(ids.allSatisfy { $0.count == 15 })
    }

    func testDualStackListensOnIPv4AndIPv6() throws {
        let server = try TestServer(host: "::") { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        for host in ["127.0.0.1", "::1"] {
            let client = try server.connect(host: host)
            try client.send("GET /whoami HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertTrue(try client.readResponse().bodyText.hasPrefix(host + " "), host)
        }
    }

    func testFormBodyAndQueryOverTheSocket() throws {
        try withServer { server in
            let client = try server.connect()
            let body = "name=J%C3%BCrgen+M&dept=d001"
            try client.send(
                "POST /form?q=a%2Bb HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            XCTAssertEqual(try client.readResponse().bodyText, "name=Jürgen M,dept=d001 q=a+b")
            let repeated = "a=1&a=2"
            try client.send(
                "POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: \(repeated.utf8.count)\r\n\r\n\(repeated)")
            let problem = try client.readResponse()
            XCTAssertEqual(problem.status, 400)
            XCTAssertTrue(
                problem.bodyText.contains(#""errors":[{"field":"a","message":"repeated"}]"#), problem.bodyText)
        }
    }

    func testAccessLogOnTheRealServer() throws {
        let logger = CapturingLogger()
        try withServer(middleware: [AccessLogMiddleware(logger: logger)]) { server in
            let client = try server.connect()
            try client.send("GET /hello?secret=1 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer abc\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
            XCTAssertTrue(eventually { !logger.lines.isEmpty })
            let line = logger.lines[0]
            XCTAssertTrue(line.hasPrefix("method=GET path=/hello status=200 bytes=5 "), line)
            XCTAssertFalse(line.contains("secret") || line.contains("Bearer"), line)
        }
    }
}

extension RawClient {
    /// Reads a status line and headers only (the start of a streamed response).
    func readResponseHead() throws -> RawResponse {
        try readResponse(head: true)
    }
}
