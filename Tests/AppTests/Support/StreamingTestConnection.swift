import Dispatch
import Foundation
import Glibc
import TestSupport

/// A raw loopback connection that reads a response as it arrives, for endless (streamed) bodies that
/// `HTTPTestClient`, which reads until the server closes, cannot consume. Blocking calls run on a dispatch queue,
/// never on the cooperative pool the server's handlers share.
struct StreamingTestConnection: Sendable {
    let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static let queue = DispatchQueue(label: "streaming-test-connection", attributes: .concurrent)

    static func open(port: Int, path: String, headers: [(String, String)]) throws -> StreamingTestConnection {
        let descriptor: Int32
        do {
            descriptor = try LoopbackSocket.connect(port: port)
        } catch {
            throw Failure(description: error.description)
        }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else {
            Glibc.close(descriptor)
            throw Failure(description: "send: \(errno)")
        }
        return StreamingTestConnection(descriptor: descriptor)
    }

    /// Waits up to `timeout` for bytes; returns what arrived (empty on timeout), or nil once the server has closed.
    func receive(timeout: Duration) async -> [UInt8]? {
        let descriptor = descriptor
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return await withCheckedContinuation { continuation in
            Self.queue.async {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, milliseconds) > 0 else { return continuation.resume(returning: []) }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                continuation.resume(returning: count > 0 ? Array(buffer[..<count]) : nil)
            }
        }
    }

    func close() {
        Glibc.close(descriptor)
    }
}

/// Accumulates a chunked HTTP response as it arrives and hands out its head and the complete lines of its body.
struct ChunkedResponseReader {
    private var raw: [UInt8] = []
    private(set) var head: String?
    private var bodyStart = 0
    private(set) var body: [UInt8] = []
    private var cursor = 0
    private(set) var finished = false

    mutating func consume(_ bytes: [UInt8]) {
        raw += bytes
        if head == nil, let end = Self.find([13, 10, 13, 10], in: raw, from: 0) {
            head = String(decoding: raw[..<end], as: UTF8.self)
            bodyStart = end + 4
            cursor = bodyStart
        }
        guard head != nil else { return }
        while let lineEnd = Self.find([13, 10], in: raw, from: cursor),
            let size = Int(String(decoding: raw[cursor..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16)
        {
            if size == 0 {
                finished = true
                return
            }
            let start = lineEnd + 2
            guard raw.count >= start + size + 2 else { return }
            body += raw[start..<start + size]
            cursor = start + size + 2
        }
    }

    /// The body's complete lines so far.
    var lines: [String] {
        body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
