import Dispatch
import Foundation
import Glibc
import HTTP
import Synchronization
import XCTest

/// The route payload of the test servers: just a handler.
struct TestRoute: Sendable {
    let handle: @Sendable (HTTPRequest, HTTPRequestContext<TestRoute>) async throws -> HTTPResponse

    init(_ handle: @escaping @Sendable (HTTPRequest, HTTPRequestContext<TestRoute>) async throws -> HTTPResponse) {
        self.handle = handle
    }
}

/// Collects log lines so tests can assert on them.
final class CapturingLogger: HTTPLogger {
    private let storage = Mutex<[String]>([])

    func log(_ level: HTTPLogLevel, _ message: @autoclosure () -> String) {
        let line = message()
        storage.withLock { $0.append(line) }
    }

    var lines: [String] { storage.withLock { $0 } }
}

/// A real server on an ephemeral loopback port, built from a route table.
final class TestServer: Sendable {
    let server: HTTPServer
    let port: Int
    let logger = CapturingLogger()
    /// The CA that verifies the server's certificate when it serves TLS; nil for plaintext.
    let tlsCA: String?

    init(
        host: String = "127.0.0.1", tls: Bool = false, middleware: [any HTTPMiddleware<TestRoute>] = [],
        configure: (inout HTTPServer.Configuration) -> Void = { _ in },
        routes: (inout RouterBuilder<TestRoute>) throws -> Void
    ) throws {
        var builder = RouterBuilder<TestRoute>()
        try routes(&builder)
        var configuration = HTTPServer.Configuration(host: host, port: 0)
        configuration.logger = logger
        configuration.timeouts.shutdownGrace = .seconds(2)
        configuration.timeouts.linger = .milliseconds(200)
        if tls {
            configuration.tls = try TLSFixtures.identity()
            tlsCA = try TLSFixtures.load().caCertificate
        } else {
            tlsCA = nil
        }
        configure(&configuration)
        let application = HTTPApplication(router: builder.build(), middleware: middleware, logger: logger) {
            route, request, context in
            try await route.handle(request, context)
        }
        server = HTTPServer(configuration: configuration, responder: application)
        port = try server.start()[0].port
    }

    static func emptyApplication() throws -> HTTPApplication<TestRoute> {
        HTTPApplication(router: RouterBuilder<TestRoute>().build(), logger: CapturingLogger()) {
            route, request, context in
            try await route.handle(request, context)
        }
    }

    /// Runs the async shutdown from a synchronous test (sync tests leave Swift's pool free for the handlers).
    func stop() {
        let done = DispatchSemaphore(value: 0)
        let server = self.server
        Task {
            await server.shutdown()
            done.signal()
        }
        done.wait()
    }

    func connect(host: String = "127.0.0.1", receiveBuffer: Int32? = nil) throws -> RawClient {
        try RawClient(host: host, port: port, receiveBuffer: receiveBuffer, tlsCA: tlsCA)
    }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A response as read off the wire by `RawClient`.
struct RawResponse {
    let statusLine: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]
    let raw: String

    var status: Int { Int(statusLine.split(separator: " ")[1]) ?? 0 }
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A blocking socket client that sends raw bytes and reads raw responses, with a receive timeout so a test fails
/// instead of hanging.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []
    /// TLS over `fd` when the server serves TLS: then the bytes are sent and read through it.
    private var tls: TLSClientSession?

    init(
        host: String = "127.0.0.1", port: Int, receiveTimeout: Double = 5, receiveBuffer: Int32? = nil,
        tlsCA: String? = nil
    ) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else { throw TestError("resolve") }
        defer { freeaddrinfo(list) }
        fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket errno \(errno)") }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var enabled: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let error = errno
            Glibc.close(fd)
            throw TestError("connect errno \(error)")
        }
        if let tlsCA { tls = try TLSClientSession(fd: fd, caFile: tlsCA) }
    }

    deinit {
        tls = nil
        Glibc.close(fd)
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        if let tls { return try tls.send(bytes) }
        try sendAll(fd, bytes)
    }

    /// Reads more bytes into the buffer; returns false on end of stream or reset.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { bytes in
            if let tls { return tls.receive(into: bytes) }
            return recv(fd, bytes.baseAddress, bytes.count, 0)
        }
        if count > 0 {
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw TestError("receive timed out") }
        return false
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.indices.dropLast().first(where: { buffer[$0] == 0x0D && buffer[$0 + 1] == 0x0A }) {
                let line = String(decoding: buffer[..<index], as: UTF8.self)
                buffer.removeFirst(index + 2)
                return line
            }
            guard try fill() else { throw TestError("connection closed before a line ended") }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw TestError("connection closed inside a body") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    /// Reads one response. `head` is set for a response to HEAD (no body follows whatever the headers say).
    func readResponse(head: Bool = false) throws -> RawResponse {
        var raw = ""
        let statusLine = try readLine()
        raw += statusLine + "\r\n"
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            raw += line + "\r\n"
            if line.isEmpty { break }
            let colon = line.firstIndex(of: ":")!
            headers.append(
                (
                    name: String(line[..<colon]),
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        let find = { (name: String) in headers.first { $0.name.lowercased() == name }?.value }
        var body: [UInt8] = []
        if head || status == 204 || status == 304 || (100..<200).contains(status) {
        } else if let length = find("content-length") {
            body = try readExactly(Int(length)!)
        } else if find("transfer-encoding") == "chunked" {
            while true {
                let size = Int(try readLine(), radix: 16)!
                if size == 0 {
                    _ = try readLine()
                    break
                }
                body += try readExactly(size)
                _ = try readLine()
            }
        } else {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return RawResponse(
            statusLine: statusLine, headers: headers, body: body, raw: raw + String(decoding: body, as: UTF8.self))
    }

    /// Reads one chunk of a chunked body; nil at the last chunk.
    func readChunk() throws -> [UInt8]? {
        let size = Int(try readLine(), radix: 16)!
        if size == 0 { return nil }
        let bytes = try readExactly(size)
        _ = try readLine()
        return bytes
    }

    /// True when the server closed (end of stream or reset) with nothing more to read.
    func isClosedByServer() -> Bool {
        do {
            while try fill() {}
            return true
        } catch {
            return false
        }
    }

    /// Everything until the server closes.
    func readToEnd() throws -> String {
        while try fill() {}
        defer { buffer = [] }
        return String(decoding: buffer, as: UTF8.self)
    }

    func shutdownWrite() {
        Glibc.shutdown(fd, Int32(SHUT_WR))
    }
}

/// Polls `condition` until it holds or `timeout` passes (for effects of the server's own threads).
func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    @discardableResult
    func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
    var count: Int { value.load(ordering: .relaxed) }
}

/// Routes shared by the socket tests.
func standardRoutes(_ builder: inout RouterBuilder<TestRoute>, calls: Counter = Counter()) throws {
    try builder.add(
        .GET, "/hello",
        TestRoute { _, _ in
            calls.increment()
            return .text("hello")
        })
    try builder.add(
        .POST, "/echo",
        TestRoute { request, _ in
            calls.increment()
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        })
    try builder.add(
        .GET, "/slow/{ms:int}",
        TestRoute { request, _ in
            calls.increment()
            let milliseconds = request.pathParameters.int("ms") ?? 0
            try await Task.sleep(for: .milliseconds(milliseconds))
            return .text("slow \(milliseconds)")
        })
    try builder.add(
        .GET, "/stream/{count:int}",
        TestRoute { request, _ in
            calls.increment()
            let count = request.pathParameters.int("count") ?? 0
            let chunks = AsyncStream<[UInt8]> { continuation in
                for index in 0..<count { continuation.yield(Array("chunk \(index)\n".utf8)) }
                continuation.finish()
            }
            return HTTPResponse(headers: ["Content-Type": "application/x-ndjson"], stream: HTTPBodyStream(chunks))
        })
    try builder.add(
        .GET, "/big/{kib:int}",
        TestRoute { request, _ in
            calls.increment()
            return HTTPResponse(body: [UInt8](repeating: 0x61, count: 1024 * (request.pathParameters.int("kib") ?? 0)))
        })
    try builder.add(
        .GET, "/whoami",
        TestRoute { request, _ in
            calls.increment()
            return .text("\(request.remoteAddress) \(request.requestID)")
        })
    try builder.add(
        .POST, "/form",
        TestRoute { request, _ in
            calls.increment()
            let form = try URLEncodedForm(parsing: request.body)
            guard form.repeatedNames.isEmpty else {
                throw HTTPError(
                    .badRequest, detail: "repeated",
                    fieldErrors: form.repeatedNames.map { HTTPFieldError(field: $0, message: "repeated") })
            }
            return .text(
                form.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + " q="
                    + (request.query["q"] ?? "-"))
        })
}

/// Blocking send of everything, usable from another thread than the client's owner.
func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        let sent = bytes.withUnsafeBytes {
            Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
        }
        guard sent > 0 else { throw TestError("send errno \(errno)") }
        offset += sent
    }
}
