import Foundation
import Glibc

/// A deliberately simple HTTP/1.1 client over a real loopback socket: one request per connection, the body read
/// until the server closes. Independent of the server's own code, so it tests the bytes the server really sends.
public struct HTTPTestClient: Sendable {
    public let port: Int

    public init(port: Int) {
        self.port = port
    }

    /// Sends one request. With `headOnly`, returns as soon as the response head has arrived (for streamed bodies
    /// that never end); the body is then whatever came with the head.
    public func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [], headOnly: Bool = false
    ) async throws -> HTTPTestResponse {
        let port = port
        // A thread of its own per request, not a dispatch queue: the blocking exchange must not occupy the worker
        // threads that Swift concurrency shares with libdispatch on Linux, or a service in this process starves while
        // many requests wait for it (libdispatch adds workers for blocked ones only about once a second).
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        try Self.exchange(
                            port: port, method: method, path: path, headers: headers, body: body, headOnly: headOnly)
                    })
            }.start()
        }
    }

    public func json(
        _ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPTestResponse {
        var fields = headers
        if let token { fields.append(("Authorization", "Bearer \(token)")) }
        var bytes: [UInt8] = []
        if let body {
            bytes = Array(try JSONSerialization.data(withJSONObject: body))
            fields.append(("Content-Type", "application/json"))
        }
        return try await send(method, path, headers: fields, body: bytes)
    }

    public func form(_ path: String, _ fields: [(String, String)], headers: [(String, String)] = []) async throws
        -> HTTPTestResponse
    {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return try await send(
            "POST", path, headers: headers + [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
    }

    public struct ClientError: Error, CustomStringConvertible {
        public let description: String
    }

    static func exchange(
        port: Int, method: String, path: String, headers: [(String, String)], body: [UInt8], headOnly: Bool
    ) throws -> HTTPTestResponse {
        let descriptor: Int32
        do {
            descriptor = try LoopbackSocket.connect(port: port)
        } catch {
            throw ClientError(description: error.description)
        }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw ClientError(description: "send: \(errno)") }
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw ClientError(description: "recv: \(errno)") }
            received.append(contentsOf: buffer[..<count])
            if headOnly, received.count >= 4,
                (3..<received.count).contains(where: { received[$0 - 3...$0].elementsEqual([13, 10, 13, 10]) })
            {
                break
            }
        }
        return try parse(received, method: method)
    }

    static func parse(_ bytes: [UInt8], method: String) throws -> HTTPTestResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...max(0, bytes.count - 4)).first(where: { Array(bytes[$0..<min($0 + 4, bytes.count)]) == separator })
        else {
            throw ClientError(description: "no response head in \(bytes.count) bytes")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ClientError(description: "bad status line \(lines[0])")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(bytes[(end + 4)...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        if method == "HEAD" { body = [] }
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { break }
            if size == 0 { break }
            let start = lineEnd + 2
            output.append(contentsOf: bytes[start..<min(start + size, bytes.count)])
            index = start + size + 2
        }
        return output
    }
}
