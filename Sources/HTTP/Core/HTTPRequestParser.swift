/// What the parser knows about a request once its head is complete.
struct HTTPRequestHead: Sendable {
    var method: HTTPMethod
    /// The request-target exactly as sent (origin-form: path and optional query).
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var keepAlive: Bool
}

/// Why a request was refused before it reached the app. Every one of these closes the connection: after a framing
/// error the next byte's meaning is unknown, and guessing it is how request smuggling works.
struct HTTPParseError: Error, Equatable, Sendable {
    let status: HTTPStatus
    let detail: String

    static func bad(_ detail: String) -> HTTPParseError { HTTPParseError(status: .badRequest, detail: detail) }
    static let headTooLarge = HTTPParseError(
        status: .requestHeaderFieldsTooLarge, detail: "The request head is larger than the server accepts.")
    static let uriTooLong = HTTPParseError(
        status: .uriTooLong, detail: "The request target is longer than the server accepts.")
    static let contentTooLarge = HTTPParseError(
        status: .contentTooLarge, detail: "The request content is larger than the server accepts.")
}

/// An incremental HTTP/1.1 request parser: a byte-level state machine that never builds a String per line.
///
/// Contract with the caller: `parse` examines `buffer`, and the first `consumed` bytes it reports may be dropped; the
/// rest must be passed again, at the start of the next call, followed by any new bytes. While a head is incomplete the
/// parser consumes nothing and remembers how far it has scanned, so a head arriving byte by byte is scanned once.
/// Body bytes are copied out as they arrive, so a body never has to stay in the caller's buffer.
struct HTTPRequestParser {
    struct Limits: Sendable {
        var maxHeadBytes: Int
        var maxURIBytes: Int
        var maxBodyBytes: Int
        var maxHeaderCount: Int
    }

    enum Event {
        case needMoreData
        /// The head asked for `100 Continue` before its body; the body follows on the next calls.
        case continueExpected
        case request(HTTPRequestHead, body: [UInt8])
        case failure(HTTPParseError)
    }

    /// Where the parser stands, for the connection's timeouts.
    enum Phase: Equatable {
        case idle, head, body, failed
    }

    private enum HeadState {
        case method, target, version, requestLineLF, lineStart, name, valueStart, value, valueLF, endLF
    }

    private enum BodyState {
        case fixed(remaining: Int)
        case chunkSize, chunkSizeWhitespace, chunkExtension, chunkSizeLF
        case chunkData(remaining: Int)
        case chunkDataCR, chunkDataLF
        case trailerLineStart, trailerName, trailerValue, trailerLineLF, trailerEndLF
    }

    private struct FieldOffsets {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    let limits: Limits
    private(set) var phase: Phase = .idle
    private var failure: HTTPParseError?
    private var headState = HeadState.method
    private var bodyState = BodyState.chunkSize
    private var scanned = 0
    private var methodEnd = 0
    private var targetEnd = 0
    private var versionEnd = 0
    private var fieldStart = 0
    private var nameEnd = 0
    private var valueStart = 0
    private var valueEnd = 0
    private var fields: [FieldOffsets] = []
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var chunkSize = 0
    private var chunkSizeDigits = 0
    private var chunkLineBytes = 0
    private var trailerBytes = 0

    init(limits: Limits) {
        self.limits = limits
    }

    mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> (consumed: Int, event: Event) {
        var consumed = 0
        while true {
            switch phase {
            case .failed:
                return (consumed, .failure(failure ?? .bad("The request is malformed.")))
            case .idle:
                // RFC 9112 §2.2: a server should ignore empty lines received before the request line.
                guard consumed < buffer.count else { return (consumed, .needMoreData) }
                if buffer[consumed] == ASCII.cr {
                    guard consumed + 1 < buffer.count else { return (consumed, .needMoreData) }
                    guard buffer[consumed + 1] == ASCII.lf else {
                        return fail(consumed, .bad("Bare CR before the request line."))
                    }
                    consumed += 2
                    continue
                }
                phase = .head
                headState = .method
                scanned = 0
            case .head:
                switch scanHead(buffer, base: consumed) {
                case .incomplete:
                    return (consumed, .needMoreData)
                case .failed(let error):
                    return fail(consumed, error)
                case .complete(let length):
                    let outcome = finishHead(buffer, base: consumed, length: length)
                    consumed += length
                    switch outcome {
                    case .failed(let error):
                        return fail(consumed, error)
                    case .noBody:
                        return (consumed, completeRequest())
                    case .body(let expectsContinue):
                        phase = .body
                        if expectsContinue { return (consumed, .continueExpected) }
                    }
                }
            case .body:
                switch parseBody(buffer, consumed: &consumed) {
                case .incomplete:
                    return (consumed, .needMoreData)
                case .failed(let error):
                    return fail(consumed, error)
                case .complete:
                    return (consumed, completeRequest())
                }
            }
        }
    }

    // MARK: - Head

    private enum HeadScan {
        case incomplete
        case complete(length: Int)
        case failed(HTTPParseError)
    }

    private mutating func scanHead(_ buffer: UnsafeBufferPointer<UInt8>, base: Int) -> HeadScan {
        var index = base + scanned
        let end = buffer.count
        let headLimit = base + limits.maxHeadBytes
        while index < end {
            let byte = buffer[index]
            let offset = index - base
            switch headState {
            case .method:
                if byte == ASCII.space {
                    guard offset > 0 else { return .failed(.bad("The request method is empty.")) }
                    methodEnd = offset
                    headState = .target
                } else if !ASCII.isToken(byte) {
                    return .failed(.bad("The request method is not a token."))
                }
            case .target:
                if byte == ASCII.space {
                    guard offset > methodEnd + 1 else { return .failed(.bad("The request target is empty.")) }
                    targetEnd = offset
                    headState = .version
                } else if byte < 0x21 || byte > 0x7E {
                    return .failed(.bad("The request target contains a character that must be percent-encoded."))
                } else if offset - methodEnd > limits.maxURIBytes {
                    return .failed(.uriTooLong)
                }
            case .version:
                if byte == ASCII.cr {
                    versionEnd = offset
                    headState = .requestLineLF
                } else if offset - targetEnd > 8 || byte < 0x21 || byte > 0x7E {
                    return .failed(.bad("The request line does not end with an HTTP version."))
                }
            case .requestLineLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR in the request line.")) }
                headState = .lineStart
            case .lineStart:
                if byte == ASCII.cr {
                    headState = .endLF
                } else if ASCII.isToken(byte) {
                    fieldStart = offset
                    headState = .name
                } else if byte == ASCII.space || byte == ASCII.tab {
                    return .failed(.bad("Obsolete line folding is not accepted."))
                } else {
                    return .failed(.bad("A header field name is invalid."))
                }
            case .name:
                if byte == ASCII.colon {
                    nameEnd = offset
                    headState = .valueStart
                } else if !ASCII.isToken(byte) {
                    return .failed(.bad("A header field name is invalid."))
                }
            case .valueStart:
                if byte == ASCII.space || byte == ASCII.tab {
                    break
                } else if byte == ASCII.cr {
                    valueStart = offset
                    valueEnd = offset
                    headState = .valueLF
                } else if ASCII.isFieldValue(byte) {
                    valueStart = offset
                    valueEnd = offset + 1
                    headState = .value
                } else {
                    return .failed(.bad("A header field value contains a control character."))
                }
            case .value:
                // The hot loop of the parser: run through the value without going back to the state switch.
                var cursor = index
                while cursor < end {
                    let valueByte = buffer[cursor]
                    if valueByte > ASCII.space && valueByte != 0x7F {
                        valueEnd = cursor - base + 1
                    } else if valueByte != ASCII.space && valueByte != ASCII.tab {
                        break
                    }
                    cursor += 1
                }
                if cursor > headLimit { return .failed(.headTooLarge) }
                index = cursor
                guard index < end else { continue }
                guard buffer[index] == ASCII.cr else {
                    return .failed(.bad("A header field value contains a control character."))
                }
                headState = .valueLF
            case .valueLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR in a header field.")) }
                guard fields.count < limits.maxHeaderCount else { return .failed(.headTooLarge) }
                fields.append(
                    FieldOffsets(
                        nameStart: Int32(fieldStart), nameEnd: Int32(nameEnd), valueStart: Int32(valueStart),
                        valueEnd: Int32(valueEnd)))
                headState = .lineStart
            case .endLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR at the end of the head.")) }
                guard index < headLimit else { return .failed(.headTooLarge) }
                return .complete(length: offset + 1)
            }
            index += 1
            if index > headLimit {
                return .failed(headState == .target ? .uriTooLong : .headTooLarge)
            }
        }
        scanned = index - base
        return .incomplete
    }

    private enum HeadOutcome {
        case noBody
        case body(expectsContinue: Bool)
        case failed(HTTPParseError)
    }

    private mutating func finishHead(_ buffer: UnsafeBufferPointer<UInt8>, base: Int, length: Int) -> HeadOutcome {
        defer { fields.removeAll(keepingCapacity: true) }
        let bytes = UnsafeBufferPointer(rebasing: buffer[base..<(base + length)])
        func slice(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[start..<end])
        }

        guard let version = Self.parseVersion(slice(targetEnd + 1, versionEnd)) else {
            return .failed(.bad("The request line does not end with an HTTP version."))
        }
        guard version.major == 1 else {
            return .failed(
                HTTPParseError(status: .httpVersionNotSupported, detail: "Only HTTP/1.0 and HTTP/1.1 are served."))
        }
        let method = HTTPMethod(token: slice(0, methodEnd))
        let target = String(decoding: slice(methodEnd + 1, targetEnd), as: UTF8.self)

        var headers: [HTTPHeaders.Field] = []
        headers.reserveCapacity(fields.count)
        var contentLength: Int?
        var transferCodings: [Substring] = []
        var hostCount = 0
        var connectionClose = false
        var connectionKeepAlive = false
        var expectation: String?
        for field in fields {
            let name = slice(Int(field.nameStart), Int(field.nameEnd))
            let valueBytes = slice(Int(field.valueStart), Int(field.valueEnd))
            let value = String(decoding: valueBytes, as: UTF8.self)
            headers.append((name: String(decoding: name, as: UTF8.self), value: value))
            switch name.count {
            case 4 where ASCII.equalsLowercased(name, "host"):
                hostCount += 1
            case 6 where ASCII.equalsLowercased(name, "expect"):
                expectation = value
            case 10 where ASCII.equalsLowercased(name, "connection"):
                for option in value.split(separator: ",") {
                    let trimmed = option.utf8.trimmingOWS
                    if ASCII.equalsLowercased(trimmed, "close") { connectionClose = true }
                    if ASCII.equalsLowercased(trimmed, "keep-alive") { connectionKeepAlive = true }
                }
            case 14 where ASCII.equalsLowercased(name, "content-length"):
                guard let length = Self.parseContentLength(valueBytes) else {
                    return .failed(.bad("Content-Length is not a decimal number."))
                }
                if let previous = contentLength, previous != length {
                    return .failed(.bad("Content-Length is repeated with different values."))
                }
                contentLength = length
            case 17 where ASCII.equalsLowercased(name, "transfer-encoding"):
                for coding in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let trimmed = Substring(coding.utf8.trimmingOWS)
                    guard !trimmed.isEmpty else { return .failed(.bad("Transfer-Encoding has an empty coding.")) }
                    transferCodings.append(trimmed)
                }
            default:
                break
            }
        }

        if version == .http1_1 ? hostCount != 1 : hostCount > 1 {
            return .failed(.bad("An HTTP/1.1 request needs exactly one Host header."))
        }
        let keepAlive = version == .http1_1 ? !connectionClose : connectionKeepAlive && !connectionClose
        head = HTTPRequestHead(
            method: method, target: target, version: version, headers: HTTPHeaders(headers), keepAlive: keepAlive)

        let expectsContinue: Bool
        if let expectation {
            guard ASCII.equalsLowercased(expectation.utf8, "100-continue") else {
                return .failed(HTTPParseError(status: .expectationFailed, detail: "Only 100-continue is supported."))
            }
            expectsContinue = version == .http1_1
        } else {
            expectsContinue = false
        }

        if !transferCodings.isEmpty {
            guard version == .http1_1 else { return .failed(.bad("Transfer-Encoding is not allowed in HTTP/1.0.")) }
            guard contentLength == nil else {
                return .failed(.bad("Content-Length and Transfer-Encoding must not both be present."))
            }
            guard let last = transferCodings.last, ASCII.equalsLowercased(last.utf8, "chunked") else {
                return .failed(.bad("The final transfer coding must be chunked."))
            }
            guard transferCodings.count == 1 else {
                return .failed(
                    HTTPParseError(status: .notImplemented, detail: "Only the chunked transfer coding is supported."))
            }
            body = []
            bodyState = .chunkSize
            chunkSize = 0
            chunkSizeDigits = 0
            chunkLineBytes = 0
            trailerBytes = 0
            return .body(expectsContinue: expectsContinue)
        }
        guard let contentLength, contentLength > 0 else { return .noBody }
        guard contentLength <= limits.maxBodyBytes else { return .failed(.contentTooLarge) }
        body = []
        body.reserveCapacity(contentLength)
        bodyState = .fixed(remaining: contentLength)
        return .body(expectsContinue: expectsContinue)
    }

    /// `HTTP/1.1` → 1.1; a higher minor version of HTTP/1 is served as 1.1 (RFC 9110 §2.5).
    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPVersion? {
        guard bytes.count == 8, bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50,
            bytes[4] == 0x2F,
            bytes[6] == 0x2E, (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else { return nil }
        let major = Int(bytes[5] - 0x30)
        let minor = Int(bytes[7] - 0x30)
        if major == 1 { return minor == 0 ? .http1_0 : .http1_1 }
        return HTTPVersion(major: major, minor: minor)
    }

    /// 1*DIGIT and nothing else: no sign, no list, no spaces. Values too large to represent saturate, so they are
    /// refused as too large rather than as malformed.
    private static func parseContentLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            value = overflow1 || overflow2 ? Int.max : sum
        }
        return value
    }

    // MARK: - Body

    private enum BodyScan {
        case incomplete
        case complete
        case failed(HTTPParseError)
    }

    private mutating func parseBody(_ buffer: UnsafeBufferPointer<UInt8>, consumed: inout Int) -> BodyScan {
        let end = buffer.count
        while consumed < end {
            switch bodyState {
            case .fixed(let remaining):
                let count = min(remaining, end - consumed)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[consumed..<(consumed + count)]))
                consumed += count
                if count == remaining { return .complete }
                bodyState = .fixed(remaining: remaining - count)
                return .incomplete
            case .chunkData(let remaining):
                let count = min(remaining, end - consumed)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[consumed..<(consumed + count)]))
                consumed += count
                bodyState = count == remaining ? .chunkDataCR : .chunkData(remaining: remaining - count)
                continue
            default:
                break
            }
            let byte = buffer[consumed]
            consumed += 1
            switch bodyState {
            case .fixed, .chunkData:
                preconditionFailure("handled above")
            case .chunkSize:
                if let digit = Self.hexValue(byte) {
                    guard chunkSizeDigits < 16 else { return .failed(.bad("A chunk size is too long.")) }
                    chunkSize = chunkSize << 4 | digit
                    chunkSizeDigits += 1
                    if chunkSize > limits.maxBodyBytes - body.count { return .failed(.contentTooLarge) }
                } else if chunkSizeDigits == 0 {
                    return .failed(.bad("A chunk size is not hexadecimal."))
                } else if byte == ASCII.cr {
                    bodyState = .chunkSizeLF
                } else if byte == 0x3B {
                    bodyState = .chunkExtension
                } else if byte == ASCII.space || byte == ASCII.tab {
                    bodyState = .chunkSizeWhitespace
                } else {
                    return .failed(.bad("A chunk size is not hexadecimal."))
                }
            case .chunkSizeWhitespace:
                if byte == 0x3B {
                    bodyState = .chunkExtension
                } else if byte != ASCII.space && byte != ASCII.tab {
                    return .failed(.bad("A chunk size is followed by something other than an extension."))
                }
            case .chunkExtension:
                if byte == ASCII.cr {
                    bodyState = .chunkSizeLF
                } else {
                    chunkLineBytes += 1
                    guard ASCII.isFieldValue(byte) else {
                        return .failed(.bad("A chunk extension contains a control character."))
                    }
                    guard chunkLineBytes <= 4096 else { return .failed(.bad("A chunk extension is too long.")) }
                }
            case .chunkSizeLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR after a chunk size.")) }
                bodyState = chunkSize == 0 ? .trailerLineStart : .chunkData(remaining: chunkSize)
                chunkSize = 0
                chunkSizeDigits = 0
                chunkLineBytes = 0
            case .chunkDataCR:
                guard byte == ASCII.cr else { return .failed(.bad("Chunk data is longer than its size.")) }
                bodyState = .chunkDataLF
            case .chunkDataLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR after chunk data.")) }
                bodyState = .chunkSize
            case .trailerLineStart:
                trailerBytes += 1
                if byte == ASCII.cr {
                    bodyState = .trailerEndLF
                } else if ASCII.isToken(byte) {
                    bodyState = .trailerName
                } else {
                    return .failed(.bad("A trailer field is invalid."))
                }
            case .trailerName:
                trailerBytes += 1
                if byte == ASCII.colon {
                    bodyState = .trailerValue
                } else if !ASCII.isToken(byte) {
                    return .failed(.bad("A trailer field name is invalid."))
                }
            case .trailerValue:
                trailerBytes += 1
                if byte == ASCII.cr {
                    bodyState = .trailerLineLF
                } else if !ASCII.isFieldValue(byte) {
                    return .failed(.bad("A trailer field value contains a control character."))
                }
            case .trailerLineLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR in a trailer field.")) }
                bodyState = .trailerLineStart
            case .trailerEndLF:
                guard byte == ASCII.lf else { return .failed(.bad("Bare CR at the end of the trailers.")) }
                return .complete
            }
            if trailerBytes > limits.maxHeadBytes { return .failed(.headTooLarge) }
        }
        return .incomplete
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    // MARK: - Completion

    private mutating func completeRequest() -> Event {
        guard let completed = head else { return .failure(.bad("The request is malformed.")) }
        let content = body
        head = nil
        body = []
        phase = .idle
        headState = .method
        scanned = 0
        return .request(completed, body: content)
    }

    private mutating func fail(_ consumed: Int, _ error: HTTPParseError) -> (consumed: Int, event: Event) {
        phase = .failed
        failure = error
        head = nil
        body = []
        return (consumed, .failure(error))
    }
}

extension Substring.UTF8View {
    /// Without leading and trailing spaces and tabs (OWS).
    var trimmingOWS: Substring.UTF8View {
        var view = self
        while let first = view.first, first == ASCII.space || first == ASCII.tab { view.removeFirst() }
        while let last = view.last, last == ASCII.space || last == ASCII.tab { view.removeLast() }
        return view
    }
}
