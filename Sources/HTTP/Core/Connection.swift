import CShim
import Glibc

/// One client connection, confined to its event loop's thread.
///
/// At most one request is with the app at a time ("the exchange"); requests pipelined behind it are parsed and wait in
/// `queued`, and reading stops when that queue, its bodies or the unsent output reach their bounds (back-pressure).
/// Every entry point ends with `settle()`, which moves the connection on and recomputes its epoll interest and its
/// single deadline.
final class Connection {
    private struct QueuedRequest {
        let head: HTTPRequestHead
        let body: [UInt8]
    }

    private struct Exchange {
        let id: UInt32
        let version: HTTPVersion
        var keepAlive: Bool
        let isHead: Bool
        var task: Task<Void, Never>?
        var streaming = false
        /// A streaming producer waiting for the output to drain below the low-water mark.
        var parkedWriter: CheckedContinuation<Void, any Error>?
    }

    unowned let loop: EventLoop
    let fd: Int32
    let token: ConnectionToken
    let remoteAddress: String
    private(set) var registeredEvents = EpollEvents.readable | EpollEvents.peerClosedWrite
    /// Monotonic nanoseconds at which `timedOut()` is due, or 0.
    private(set) var deadline: UInt64 = 0

    private var parser: HTTPRequestParser
    private var input: [UInt8] = []
    private var queued: [QueuedRequest] = []
    private var queuedBodyBytes = 0
    private var pendingFailure: HTTPParseError?
    private var exchange: Exchange?
    private var exchangeCount: UInt32 = 0
    private var output: [UInt8] = []
    private var outputStart = 0
    private var lastWriteProgress: UInt64 = 0
    private var closeWhenFlushed = false
    private var lingering = false
    private var lingerDeadline: UInt64 = 0
    private var lingerDiscarded = 0
    private var readClosed = false
    private var peerHangUpMuted = false
    private var phase = HTTPRequestParser.Phase.idle
    private var phaseSince: UInt64
    /// Whether the last deadline update found the server working for this client (see `updateDeadline`).
    private var busy = false
    private var isClosed = false
    /// TLS on this connection (see `TLSConnection`); nil for plaintext HTTP.
    private var tls: TLSConnection?
    /// Until the TLS handshake completes, the connection only runs the handshake, bounded by `handshakeDeadline`.
    private var handshake: TLSConnection.HandshakeStep?
    private var handshakeDeadline: UInt64 = 0

    init(loop: EventLoop, fd: Int32, token: ConnectionToken, remoteAddress: String, tls: TLSConnection? = nil) {
        self.loop = loop
        self.fd = fd
        self.token = token
        self.remoteAddress = remoteAddress
        self.tls = tls
        parser = HTTPRequestParser(limits: loop.core.parserLimits)
        phaseSince = loop.now
        if tls != nil {
            handshake = .wantsReadable
            handshakeDeadline = loop.now + timeouts.tlsHandshake.nanoseconds
        }
        updateDeadline()
    }

    private var limits: HTTPServer.Limits { loop.core.configuration.limits }
    private var timeouts: HTTPServer.Timeouts { loop.core.configuration.timeouts }
    private var pendingOutput: Int { output.count - outputStart }

    private var wantsRead: Bool {
        !readClosed && !lingering && !closeWhenFlushed && pendingFailure == nil && !loop.shuttingDown
            && queued.count < limits.maxQueuedRequests && queuedBodyBytes < limits.maxBodyBytes
            && pendingOutput <= limits.outputHighWaterMark
    }

    // MARK: - Entry points

    func handle(events: UInt32) {
        if events & (EpollEvents.error | EpollEvents.hangUp) != 0 {
            close()
            return
        }
        if handshake != nil {
            continueHandshake()
            guard handshake == nil else {
                settle()
                return
            }
        }
        if events & EpollEvents.writable != 0 {
            flush()
        }
        let readable = EpollEvents.readable | EpollEvents.peerClosedWrite
        if !isClosed && (events & readable != 0 || (events & EpollEvents.writable != 0 && tls?.readWantsWritable == true)) {
            readAvailable(peerClosed: events & EpollEvents.peerClosedWrite != 0)
        }
        settle()
    }

    func receive(_ response: HTTPResponse, token: ConnectionToken) {
        guard let current = exchange, current.id == token.exchange, !current.streaming else { return }
        write(response)
        settle()
    }

    func receiveChunk(_ bytes: [UInt8], token: ConnectionToken, continuation: CheckedContinuation<Void, any Error>) {
        guard let current = exchange, current.id == token.exchange, current.streaming else {
            continuation.resume(throwing: HTTPClientDisconnected())
            return
        }
        if current.version == .http1_1 {
            ResponseHead.appendHex(bytes.count, to: &output)
            output.append(contentsOf: ResponseHead.crlf)
            output.append(contentsOf: bytes)
            output.append(contentsOf: ResponseHead.crlf)
        } else {
            output.append(contentsOf: bytes)
        }
        flush()
        if isClosed {
            continuation.resume(throwing: HTTPClientDisconnected())
        } else if pendingOutput <= limits.outputHighWaterMark {
            continuation.resume()
        } else {
            exchange?.parkedWriter = continuation
        }
        settle()
    }

    func endStream(token: ConnectionToken, completed: Bool) {
        guard let current = exchange, current.id == token.exchange, current.streaming else { return }
        if completed && current.version == .http1_1 {
            output.append(contentsOf: Self.lastChunk)
            finishExchange(keepAlive: current.keepAlive)
        } else {
            // A failed producer must not look like a complete body: end without the last chunk. An HTTP/1.0 body
            // has no framing and ends with the connection.
            exchange = nil
            closeWhenFlushed = true
        }
        settle()
    }

    func timedOut() {
        if lingering || handshake != nil || pendingOutput > 0 || phase == .idle || phase == .failed {
            close()
            return
        }
        pendingFailure = HTTPParseError(status: .requestTimeout, detail: "The request was not received in time.")
        settle()
    }

    func shutdownRequested() {
        if let current = exchange, current.streaming {
            current.task?.cancel()
        }
        settle()
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        if let current = exchange {
            current.task?.cancel()
            current.parkedWriter?.resume(throwing: HTTPClientDisconnected())
        }
        exchange = nil
        tls = nil
        Glibc.close(fd)
        loop.release(self)
    }

    // MARK: - Reading

    private func readAvailable(peerClosed: Bool) {
        if lingering {
            discardInput()
            return
        }
        guard wantsRead else {
            if peerClosed {
                // The client closed its side while we are not reading. A streaming client has left; otherwise stop
                // listening for the hang-up (it is level-triggered) until reading resumes and finds the end.
                if exchange?.streaming == true {
                    close()
                } else {
                    peerHangUpMuted = true
                }
            }
            return
        }
        let capacity = loop.readBuffer.count
        for _ in 0..<4 {
            let result: IOResult
            do {
                if let tls {
                    result = try tls.read(into: loop.readBuffer.baseAddress!, capacity: capacity)
                } else {
                    result = try systemCall("read") { read(fd, loop.readBuffer.baseAddress, capacity) }
                }
            } catch {
                close()
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .done(0):
                readClosed = true
                peerClosedInput()
                return
            case .done(let count):
                let bytes = UnsafeBufferPointer(
                    start: loop.readBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
                ingest(bytes)
                if isClosed || !wantsRead || (count < capacity && tls?.hasBufferedInput != true) { return }
            }
        }
    }

    private func peerClosedInput() {
        if exchange?.streaming == true {
            close()
        } else if exchange == nil && queued.isEmpty && pendingFailure == nil {
            if pendingOutput == 0 { close() } else { closeWhenFlushed = true }
        }
        // Otherwise the requests already received are answered first; dispatchNext closes afterwards.
    }

    /// Parses straight from the loop's read buffer when nothing is retained; only an incomplete tail is copied.
    private func ingest(_ bytes: UnsafeBufferPointer<UInt8>) {
        if input.isEmpty {
            let consumed = parse(bytes)
            if consumed < bytes.count {
                input.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[consumed...]))
            }
        } else {
            input.append(contentsOf: bytes)
            parseRetained()
        }
    }

    private func parseRetained() {
        guard !input.isEmpty else { return }
        let consumed = input.withUnsafeBufferPointer { parse($0) }
        input.removeFirst(consumed)
        if input.isEmpty && input.capacity > 16 * 1024 { input = [] }
    }

    /// Must not touch `input`: it may be the buffer being parsed.
    private func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = 0
        parsing: while queued.count < limits.maxQueuedRequests && queuedBodyBytes < limits.maxBodyBytes
            && pendingFailure == nil
        {
            let (consumed, event) = parser.parse(UnsafeBufferPointer(rebasing: buffer[offset...]))
            offset += consumed
            switch event {
            case .needMoreData:
                break parsing
            case .continueExpected:
                // Only when the client is really waiting on us: nothing ahead of this request.
                if exchange == nil && queued.isEmpty && pendingOutput == 0 {
                    output.append(contentsOf: ResponseHead.continueLine)
                }
            case .request(let head, let body):
                queued.append(QueuedRequest(head: head, body: body))
                queuedBodyBytes += body.count
            case .failure(let error):
                pendingFailure = error
            }
        }
        let current = parser.phase
        if current != phase {
            phase = current
            phaseSince = loop.now
        }
        return offset
    }

    /// After a response, read and drop whatever the client still sends until it closes, so our close does not turn
    /// into a reset that destroys the response before the client has read it. Bounded in time and bytes.
    private func beginLingeringClose() {
        lingering = true
        lingerDeadline = loop.now + timeouts.linger.nanoseconds
        tls?.sendCloseNotify()
        Glibc.shutdown(fd, Int32(SHUT_WR))
        discardInput()
    }

    private func discardInput() {
        while !isClosed {
            let result = try? systemCall("read") { read(fd, loop.readBuffer.baseAddress, loop.readBuffer.count) }
            switch result {
            case .wouldBlock?:
                return
            case .done(let count)? where count > 0:
                lingerDiscarded += count
                if lingerDiscarded > limits.maxBodyBytes { close() }
            default:
                close()
            }
        }
    }

    // MARK: - Dispatching

    private func settle() {
        while !isClosed {
            dispatchNext()
            guard pendingOutput > 0 || (closeWhenFlushed && exchange == nil && !lingering) else { break }
            let wasAboveHighWaterMark = pendingOutput > limits.outputHighWaterMark
            flush()
            // A flush that brings the output below the mark must dispatch again: the requests may all be read
            // already and the output empty, so no socket event would ever come to do it.
            guard wasAboveHighWaterMark && pendingOutput <= limits.outputHighWaterMark else { break }
        }
        guard !isClosed else { return }
        updateInterest()
        updateDeadline()
    }

    private func dispatchNext() {
        while !isClosed && exchange == nil && !lingering && !closeWhenFlushed
            && pendingOutput <= limits.outputHighWaterMark
        {
            if queued.isEmpty { parseRetained() }
            if !queued.isEmpty {
                let next = queued.removeFirst()
                queuedBodyBytes -= next.body.count
                start(next)
            } else if let failure = pendingFailure {
                reject(failure)
            } else if readClosed || loop.shuttingDown {
                if pendingOutput == 0 { close() } else { closeWhenFlushed = true }
            } else {
                return
            }
        }
    }

    private func start(_ next: QueuedRequest) {
        exchangeCount &+= 1
        let head = next.head
        let isHead = head.method == .HEAD
        exchange = Exchange(
            id: exchangeCount, version: head.version, keepAlive: head.keepAlive && !loop.shuttingDown, isHead: isHead,
            task: nil)
        var request: HTTPRequest
        do {
            request = try HTTPRequest(
                method: head.method, target: head.target, version: head.version, headers: head.headers, body: next.body,
                remoteAddress: remoteAddress, requestID: loop.core.requestIDs.next())
            request.isTLS = tls != nil
        } catch {
            loop.core.logger.log(
                .info, "rejected request from \(remoteAddress): \(error.status.code) \(error.detail ?? "")")
            write(error.response)
            return
        }
        let exchangeToken = ConnectionToken(slot: token.slot, generation: token.generation, exchange: exchangeCount)
        let mailbox = loop.mailbox
        let responder = loop.core.responder
        let executor: (any TaskExecutor)? = loop.core.configuration.runsHandlersOnEventLoops ? loop.executor : nil
        let task = Task(executorPreference: executor) {
            await Connection.serve(
                request, token: exchangeToken, isHead: isHead, mailbox: mailbox, responder: responder)
        }
        exchange?.task = task
    }

    /// Runs in the request's task: the app's responder, then the streamed body if there is one.
    private static func serve(
        _ request: HTTPRequest, token: ConnectionToken, isHead: Bool, mailbox: LoopMailbox, responder: any HTTPResponder
    ) async {
        let response = await responder.respond(to: request)
        guard mailbox.post(.response(token, response)) else { return }
        guard case .stream(let stream) = response.body, !isHead, !response.status.forbidsContent else { return }
        do {
            try await stream.produce(HTTPBodyWriter(mailbox: mailbox, token: token))
            _ = mailbox.post(.streamEnd(token, completed: true))
        } catch {
            _ = mailbox.post(.streamEnd(token, completed: false))
        }
    }

    private func reject(_ failure: HTTPParseError) {
        loop.core.logger.log(.info, "rejected request from \(remoteAddress): \(failure.status.code) \(failure.detail)")
        exchangeCount &+= 1
        exchange = Exchange(id: exchangeCount, version: .http1_1, keepAlive: false, isHead: false, task: nil)
        write(HTTPError(failure.status, detail: failure.detail).response)
    }

    // MARK: - Writing

    private func write(_ response: HTTPResponse) {
        guard let current = exchange else { return }
        var keepAlive = current.keepAlive && !loop.shuttingDown
        var body: [UInt8] = []
        var streaming = false
        let framing: ResponseFraming
        switch response.body {
        case .bytes(let bytes):
            if response.status.forbidsContent {
                framing = .none
            } else {
                framing = .length(bytes.count)
                if !current.isHead { body = bytes }
            }
        case .stream:
            if response.status.forbidsContent {
                framing = .none
            } else if current.version == .http1_1 {
                framing = .chunked
                streaming = !current.isHead
            } else {
                framing = .none
                streaming = !current.isHead
                keepAlive = false
            }
        }
        let connectionHeader: ResponseHead.ConnectionHeader =
            !keepAlive ? .close : current.version == .http1_0 ? .keepAlive : .omitted
        guard
            ResponseHead.write(
                into: &loop.headScratch, status: response.status, headers: response.headers, framing: framing,
                connection: connectionHeader, date: loop.date)
        else {
            loop.core.logger.log(.error, "a response had an invalid status or header; sent 500 instead")
            current.task?.cancel()
            write(HTTPError(.internalServerError).response)
            return
        }
        send(head: loop.headScratch, body: body)
        if streaming {
            exchange?.streaming = true
            exchange?.keepAlive = keepAlive
        } else {
            finishExchange(keepAlive: keepAlive)
        }
    }

    private func finishExchange(keepAlive: Bool) {
        exchange = nil
        if !keepAlive || loop.shuttingDown { closeWhenFlushed = true }
    }

    /// Head and body leave in one `sendmsg` when nothing is waiting; only what the socket did not take is copied.
    private func send(head: [UInt8], body: [UInt8]) {
        guard pendingOutput == 0 && !isClosed && tls == nil else {
            output.append(contentsOf: head)
            output.append(contentsOf: body)
            return
        }
        let total = head.count + body.count
        let result: IOResult
        do {
            result = try systemCall("sendmsg") {
                head.withUnsafeBytes { headBytes in
                    body.withUnsafeBytes { bodyBytes in
                        var vectors = (
                            iovec(
                                iov_base: UnsafeMutableRawPointer(mutating: headBytes.baseAddress),
                                iov_len: headBytes.count),
                            iovec(
                                iov_base: UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress),
                                iov_len: bodyBytes.count)
                        )
                        return withUnsafeMutablePointer(to: &vectors) { pointer in
                            pointer.withMemoryRebound(to: iovec.self, capacity: 2) { iov in
                                var message = msghdr()
                                message.msg_iov = iov
                                message.msg_iovlen = bodyBytes.isEmpty ? 1 : 2
                                return Glibc.sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                            }
                        }
                    }
                }
            }
        } catch {
            close()
            return
        }
        lastWriteProgress = loop.now
        let written: Int
        switch result {
        case .done(let count): written = count
        case .wouldBlock: written = 0
        }
        guard written < total else { return }
        if written < head.count {
            output.append(contentsOf: head[written...])
            output.append(contentsOf: body)
        } else {
            output.append(contentsOf: body[(written - head.count)...])
        }
    }

    private func flush() {
        while pendingOutput > 0 && !isClosed {
            let result: IOResult
            do {
                if let tls {
                    result = try output.withUnsafeBytes { bytes throws(TLSError) in
                        try tls.write(bytes.baseAddress! + outputStart, count: bytes.count - outputStart)
                    }
                } else {
                    result = try systemCall("send") {
                        output.withUnsafeBytes { bytes in
                            Glibc.send(fd, bytes.baseAddress! + outputStart, bytes.count - outputStart, Int32(MSG_NOSIGNAL))
                        }
                    }
                }
            } catch {
                close()
                return
            }
            guard case .done(let count) = result else { break }
            outputStart += count
            lastWriteProgress = loop.now
        }
        if pendingOutput == 0 {
            // Over TLS every response passes through `output`: free it, so an idle TLS connection holds no buffer.
            if output.capacity > 64 * 1024 || tls != nil { output = [] } else { output.removeAll(keepingCapacity: true) }
            outputStart = 0
        } else if outputStart > 64 * 1024 && outputStart * 2 > output.count {
            output.removeFirst(outputStart)
            outputStart = 0
        }
        if pendingOutput <= limits.outputHighWaterMark / 2, let writer = exchange?.parkedWriter {
            exchange?.parkedWriter = nil
            writer.resume()
        }
        if pendingOutput == 0 && closeWhenFlushed && exchange == nil && !lingering {
            beginLingeringClose()
        }
    }

    // MARK: - Interest and deadline

    private func updateInterest() {
        var events: UInt32 = 0
        if let handshake {
            events = handshake == .wantsWritable ? EpollEvents.writable : EpollEvents.readable
        } else if lingering {
            events = EpollEvents.readable | EpollEvents.peerClosedWrite
        } else {
            if wantsRead {
                events |= EpollEvents.readable
                peerHangUpMuted = false
            }
            if !readClosed && !peerHangUpMuted { events |= EpollEvents.peerClosedWrite }
            if pendingOutput > 0 || tls?.readWantsWritable == true { events |= EpollEvents.writable }
        }
        guard events != registeredEvents else { return }
        do {
            try loop.poller.modify(fd, events: events, data: token.pollData)
            registeredEvents = events
        } catch {
            close()
        }
    }

    /// While the server is busy with this connection the client owes nothing, so the head, body and idle clocks
    /// restart from the moment the server is ready for the client again.
    private func updateDeadline() {
        if handshake != nil {
            deadline = handshakeDeadline
        } else if lingering {
            deadline = lingerDeadline
        } else if pendingOutput > 0 {
            deadline = lastWriteProgress + timeouts.write.nanoseconds
            busy = true
        } else if exchange != nil || !queued.isEmpty {
            deadline = 0
            busy = true
        } else {
            if busy {
                busy = false
                phaseSince = loop.now
            }
            switch phase {
            case .idle: deadline = phaseSince + timeouts.idle.nanoseconds
            case .head: deadline = phaseSince + timeouts.head.nanoseconds
            case .body: deadline = phaseSince + timeouts.body.nanoseconds
            case .failed: deadline = 0
            }
        }
    }

    private static let lastChunk = Array("0\r\n\r\n".utf8)

    // MARK: - TLS

    /// Runs the handshake as far as the socket allows. A client speaking plaintext HTTP to the TLS port is answered
    /// with a plaintext 400 (through the ordinary rejection path) instead of a handshake failure it cannot read.
    private func continueHandshake() {
        guard let tls else { return }
        if handshake == .wantsReadable && !tls.handshakeStarted {
            switch TLSConnection.classifyFirstBytes(of: fd) {
            case .nothingYet:
                return
            case .closed:
                close()
                return
            case .plaintextHTTP:
                self.tls = nil
                handshake = nil
                pendingFailure = .bad("This port serves HTTPS only: use an https:// URL.")
                return
            case .tlsRecord:
                break
            }
        }
        let step = tls.handshake()
        switch step {
        case .done:
            handshake = nil
            phaseSince = loop.now
        case .wantsReadable, .wantsWritable:
            handshake = step
        case .failed(let reason):
            loop.core.logger.log(.debug, "TLS handshake with \(remoteAddress) failed: \(reason)")
            close()
        }
    }
}
