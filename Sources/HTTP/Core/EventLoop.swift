import CShim
import Glibc
import Synchronization

extension ConnectionToken {
    /// The epoll user data: slot in the high half, generation in the low half.
    var pollData: UInt64 { UInt64(slot) << 32 | UInt64(generation) }
}

/// What the loops share: immutable configuration and a few atomics. Everything else lives on one loop's thread.
final class ServerCore: Sendable {
    let configuration: HTTPServer.Configuration
    let responder: any HTTPResponder
    let listeners: [Int32]
    let mailboxes: [LoopMailbox]
    let maxConnections: Int
    let parserLimits: HTTPRequestParser.Limits
    let tickNanoseconds: UInt64
    let requestIDs = RequestIDGenerator()
    let openConnections = Atomic<Int>(0)
    private let nextLoop = Atomic<Int>(0)
    private let exitState: Mutex<(running: Int, waiters: [CheckedContinuation<Void, Never>])>

    var logger: any HTTPLogger { configuration.logger }

    init(
        configuration: HTTPServer.Configuration, responder: any HTTPResponder, listeners: [Int32],
        mailboxes: [LoopMailbox], maxConnections: Int
    ) {
        self.configuration = configuration
        self.responder = responder
        self.listeners = listeners
        self.mailboxes = mailboxes
        self.maxConnections = maxConnections
        let limits = configuration.limits
        parserLimits = HTTPRequestParser.Limits(
            maxHeadBytes: limits.maxHeadBytes, maxURIBytes: limits.maxURIBytes, maxBodyBytes: limits.maxBodyBytes,
            maxHeaderCount: limits.maxHeaderCount)
        let timeouts = configuration.timeouts
        let shortest = [timeouts.head, timeouts.idle, timeouts.body, timeouts.write, timeouts.linger, timeouts.tlsHandshake]
            .min()!
        tickNanoseconds = min(max(shortest.nanoseconds / 4, 1_000_000), 250_000_000)
        exitState = Mutex((running: mailboxes.count, waiters: []))
    }

    /// Round robin over the loops, whichever loop accepted.
    func loopForNextConnection() -> Int {
        nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % mailboxes.count
    }

    func connectionClosed() {
        openConnections.subtract(1, ordering: .relaxed)
    }

    func loopExited() {
        let waiters: [CheckedContinuation<Void, Never>] = exitState.withLock { state in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitForLoops() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = exitState.withLock { state in
                if state.running == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// Request ids: a random prefix per process and a counter, 15 characters so the String is stored inline.
final class RequestIDGenerator: Sendable {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private let prefix: UInt64
    private let counter = Atomic<UInt64>(0)

    init() {
        prefix = UInt64.random(in: 0..<(1 << 30))
    }

    func next() -> String {
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 15) { buffer in
            for index in 0..<6 { buffer[index] = Self.alphabet[Int(prefix >> (5 * UInt64(5 - index)) & 31)] }
            for index in 0..<9 { buffer[6 + index] = Self.alphabet[Int(number >> (5 * UInt64(8 - index)) & 31)] }
            return 15
        }
    }
}

/// One epoll readiness loop on its own thread. It owns its connections; other threads reach it only through its
/// mailbox. Handlers run in tasks on Swift's global executor and post their responses back here.
final class EventLoop {
    static let wakeTag: UInt32 = 0xFFFF_FFFF
    static let listenerTagBase: UInt32 = 0xFFFF_FF00
    private static let readBufferSize = 64 * 1024
    private static let maxEvents = 256

    let index: Int
    let core: ServerCore
    let poller: Poller
    let mailbox: LoopMailbox
    let executor: LoopExecutor
    private(set) var now: UInt64
    private(set) var date = HTTPDate()
    /// Response heads are serialized here, then usually written with the body in one `sendmsg`.
    var headScratch: [UInt8] = []
    /// Every read lands here first; only the unparsed tail of a request is copied into its connection.
    let readBuffer: UnsafeMutableRawBufferPointer
    private let events: UnsafeMutableBufferPointer<epoll_event>
    private var connections: [Connection?] = []
    private var freeSlots: [Int] = []
    private var generation: UInt32 = 0
    private(set) var liveConnections = 0
    private var inbox: [LoopMessage] = []
    private(set) var shuttingDown = false
    private var shutdownDeadline: UInt64 = 0
    private var nextSweep: UInt64
    /// Held open so that, when the process runs out of descriptors, one can be freed to accept and close a
    /// connection instead of leaving it in the backlog, where level-triggered epoll would report it forever.
    private var reserveDescriptor: Int32

    init(index: Int, core: ServerCore, poller: Poller, mailbox: LoopMailbox, executor: LoopExecutor) {
        self.index = index
        self.core = core
        self.poller = poller
        self.mailbox = mailbox
        self.executor = executor
        now = MonotonicClock.now()
        nextSweep = now + core.tickNanoseconds
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        events = .allocate(capacity: Self.maxEvents)
        events.initialize(repeating: epoll_event())
        headScratch.reserveCapacity(1024)
        reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        date.refresh()
    }

    deinit {
        readBuffer.deallocate()
        events.deallocate()
        if reserveDescriptor >= 0 { close(reserveDescriptor) }
    }

    func run() {
        mailbox.setOwner(pthread_self())
        var pendingMessages = false
        while !(shuttingDown && liveConnections == 0) {
            let timeout =
                pendingMessages ? 0 : nextSweep > now ? Int32(clamping: (nextSweep - now + 999_999) / 1_000_000) : 0
            let count = poller.wait(events, timeoutMilliseconds: timeout)
            now = MonotonicClock.now()
            date.refresh()
            for position in 0..<count {
                dispatch(events[position])
            }
            // What this thread posted to itself (request tasks running here, their responses) is handled now, a few
            // rounds at most so that sockets are not starved; the rest after a non-blocking poll.
            pendingMessages = false
            for _ in 0..<4 {
                pendingMessages = drainMailbox()
                if !pendingMessages { break }
            }
            if now >= nextSweep {
                sweep()
                nextSweep = now + core.tickNanoseconds
            }
        }
        for message in mailbox.close() {
            abandon(message)
        }
    }

    private func dispatch(_ event: epoll_event) {
        let data = event.data.u64
        let tag = UInt32(truncatingIfNeeded: data >> 32)
        if tag == Self.wakeTag {
            mailbox.resetWake()
            drainMailbox()
        } else if tag >= Self.listenerTagBase {
            acceptConnections(listener: core.listeners[Int(tag - Self.listenerTagBase)])
        } else if Int(tag) < connections.count, let connection = connections[Int(tag)],
            connection.token.generation == UInt32(truncatingIfNeeded: data)
        {
            connection.handle(events: event.events)
        }
    }

    // MARK: - Mailbox

    /// Handles one batch of messages; returns whether there was any.
    @discardableResult
    private func drainMailbox() -> Bool {
        guard mailbox.takeAll(into: &inbox) else { return false }
        for message in inbox {
            switch message {
            case .adopt(let fd, let remoteAddress):
                adopt(fd, remoteAddress: remoteAddress)
            case .response(let token, let response):
                connection(for: token)?.receive(response, token: token)
            case .chunk(let token, let bytes, let continuation):
                if let connection = connection(for: token) {
                    connection.receiveChunk(bytes, token: token, continuation: continuation)
                } else {
                    continuation.resume(throwing: HTTPClientDisconnected())
                }
            case .streamEnd(let token, let completed):
                connection(for: token)?.endStream(token: token, completed: completed)
            case .shutdown(let deadline):
                beginShutdown(deadline: deadline)
            case .job(let job):
                job.runSynchronously(on: executor.asUnownedTaskExecutor())
            }
        }
        inbox.removeAll(keepingCapacity: true)
        return true
    }

    private func connection(for token: ConnectionToken) -> Connection? {
        guard Int(token.slot) < connections.count, let connection = connections[Int(token.slot)],
            connection.token.generation == token.generation
        else { return nil }
        return connection
    }

    /// A message that can no longer be delivered: free what it owns.
    private func abandon(_ message: LoopMessage) {
        switch message {
        case .adopt(let fd, _):
            close(fd)
            core.connectionClosed()
        case .chunk(_, _, let continuation):
            continuation.resume(throwing: HTTPClientDisconnected())
        case .job(let job):
            globalConcurrentExecutor.enqueue(job)
        case .response, .streamEnd, .shutdown:
            break
        }
    }

    // MARK: - Accepting

    private func acceptConnections(listener: Int32) {
        guard !shuttingDown else { return }
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    cshim_accept4(listener, address, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                }
            }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN:
                    return
                case EMFILE, ENFILE:
                    shedOneConnection(listener: listener)
                    return
                case EINVAL:
                    poller.remove(listener)
                    return
                case let error:
                    core.logger.log(.error, "\(HTTPSystemError("accept4", errno: error))")
                    return
                }
            }
            admit(fd, remoteAddress: SocketAddress(storage).host)
        }
    }

    private func admit(_ fd: Int32, remoteAddress: String) {
        if core.openConnections.wrappingAdd(1, ordering: .relaxed).newValue > core.maxConnections {
            refuse(fd)
            core.connectionClosed()
            return
        }
        var enabled: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
        let target = core.loopForNextConnection()
        if target == index {
            adopt(fd, remoteAddress: remoteAddress)
        } else if !core.mailboxes[target].post(.adopt(fd: fd, remoteAddress: remoteAddress)) {
            close(fd)
            core.connectionClosed()
        }
    }

    /// Over the connection limit: a 503 that fits any socket buffer, then close. The other connections never notice.
    /// A TLS client could not read a plaintext 503, so on a TLS listener the connection is only closed.
    private func refuse(_ fd: Int32) {
        guard core.configuration.tls == nil else {
            close(fd)
            return
        }
        var head: [UInt8] = []
        let body = HTTPError(.serviceUnavailable, detail: "The server is at its connection limit.").response
        if case .bytes(let bytes) = body.body,
            ResponseHead.write(
                into: &head, status: body.status, headers: body.headers, framing: .length(bytes.count),
                connection: .close, date: date)
        {
            head.append(contentsOf: bytes)
            _ = head.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        }
        close(fd)
    }

    private func shedOneConnection(listener: Int32) {
        core.logger.log(.warning, "out of file descriptors: refusing a connection")
        guard reserveDescriptor >= 0 else { return }
        close(reserveDescriptor)
        let fd = cshim_accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        if fd >= 0 { close(fd) }
        reserveDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    private func adopt(_ fd: Int32, remoteAddress: String) {
        guard !shuttingDown else {
            close(fd)
            core.connectionClosed()
            return
        }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = connections.count
            connections.append(nil)
        }
        generation &+= 1
        let token = ConnectionToken(slot: UInt32(slot), generation: generation, exchange: 0)
        var tls: TLSConnection?
        if let identity = core.configuration.tls {
            tls = TLSConnection(context: identity.current, fd: fd)
            if tls == nil {
                core.logger.log(.error, "cannot start TLS on a connection from \(remoteAddress)")
                close(fd)
                core.connectionClosed()
                freeSlots.append(slot)
                return
            }
        }
        let connection = Connection(loop: self, fd: fd, token: token, remoteAddress: remoteAddress, tls: tls)
        do {
            try poller.add(fd, events: connection.registeredEvents, data: token.pollData)
        } catch {
            core.logger.log(.error, "\(error)")
            close(fd)
            core.connectionClosed()
            freeSlots.append(slot)
            return
        }
        connections[slot] = connection
        liveConnections += 1
    }

    /// Called by a connection that closed its descriptor.
    func release(_ connection: Connection) {
        let slot = Int(connection.token.slot)
        connections[slot] = nil
        freeSlots.append(slot)
        liveConnections -= 1
        core.connectionClosed()
    }

    // MARK: - Time

    /// Every tick, compare each connection's one deadline with the clock: O(connections) per tick, about 20 µs for
    /// 10,000 connections, and no timer structure to keep in step with every state change.
    private func sweep() {
        for slot in connections.indices {
            guard let connection = connections[slot], connection.deadline != 0, connection.deadline <= now else {
                continue
            }
            connection.timedOut()
        }
        if shuttingDown && now >= shutdownDeadline {
            for slot in connections.indices {
                connections[slot]?.close()
            }
        }
    }

    // MARK: - Shutdown

    private func beginShutdown(deadline: UInt64) {
        shuttingDown = true
        shutdownDeadline = deadline
        for listener in core.listeners {
            poller.remove(listener)
        }
        for slot in connections.indices {
            connections[slot]?.shutdownRequested()
        }
    }
}

/// A socket address as text, for logs and `HTTPRequest.remoteAddress`. IPv4-mapped IPv6 addresses are shown as IPv4.
struct SocketAddress {
    let host: String
    let port: Int

    init(_ storage: sockaddr_storage) {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            let (address, port) = withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    ($0.pointee.sin_addr, $0.pointee.sin_port)
                }
            }
            var ipv4 = address
            inet_ntop(AF_INET, &ipv4, &text, socklen_t(text.count))
            self.port = Int(UInt16(bigEndian: port))
        case AF_INET6:
            let (address, port) = withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    ($0.pointee.sin6_addr, $0.pointee.sin6_port)
                }
            }
            var ipv6 = address
            inet_ntop(AF_INET6, &ipv6, &text, socklen_t(text.count))
            self.port = Int(UInt16(bigEndian: port))
        default:
            self.port = 0
        }
        let host = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.host = host.hasPrefix("::ffff:") && host.contains(".") ? String(host.dropFirst(7)) : host
    }
}
