import CShim
import Glibc
import Synchronization

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    case addressResolution(host: String, reason: String)
    case system(HTTPSystemError)
    case alreadyStarted

    public var description: String {
        switch self {
        case .addressResolution(let host, let reason): "cannot resolve \(host): \(reason)"
        case .system(let error): error.description
        case .alreadyStarted: "the server was already started"
        }
    }
}

/// An HTTP/1.1 server on non-blocking sockets and one epoll loop per core, with no thread per connection.
///
/// `start()` binds and returns the bound addresses (port 0 picks a free port, which is how tests run servers side by
/// side); `shutdown()` stops accepting, lets in-flight requests finish within the grace period, closes idle
/// connections and returns once every loop has stopped.
public final class HTTPServer: Sendable {
    /// Sizes the server accepts and keeps. A request beyond a limit is answered with its 4xx and the connection closed.
    public struct Limits: Sendable {
        /// Request line plus header fields (431 above).
        public var maxHeadBytes = 16 * 1024
        /// The request-target (414 above).
        public var maxURIBytes = 8 * 1024
        /// The body, after chunked decoding (413 above, answered without reading it).
        public var maxBodyBytes = 1024 * 1024
        /// Header fields in one head (431 above).
        public var maxHeaderCount = 100
        /// Parsed requests waiting behind the one being handled; reading pauses beyond this.
        public var maxQueuedRequests = 8
        /// Unsent response bytes beyond which reading pauses and a streaming producer is suspended; it resumes at
        /// half this value.
        public var outputHighWaterMark = 256 * 1024

        public init() {}
    }

    public struct Timeouts: Sendable {
        /// From a request's first byte to the end of its head (slowloris); answered 408.
        public var head: Duration = .seconds(10)
        /// A keep-alive connection with no request; closed silently.
        public var idle: Duration = .seconds(60)
        /// From the end of the head to the end of the body; answered 408.
        public var body: Duration = .seconds(30)
        /// Unsent output that makes no progress; the connection is closed.
        public var write: Duration = .seconds(30)
        /// How long a closing connection keeps reading and discarding, so the client sees the last response.
        public var linger: Duration = .seconds(2)
        /// How long `shutdown()` lets in-flight requests run before closing their connections.
        public var shutdownGrace: Duration = .seconds(10)
        /// From accepting a TLS connection to the end of its handshake; closed silently after.
        public var tlsHandshake: Duration = .seconds(5)

        public init() {}
    }

    public struct Configuration: Sendable {
        /// A numeric address or a name; `0.0.0.0` (IPv4), `::` (IPv6 and IPv4), `localhost` (both loopbacks).
        public var host: String
        /// 0 picks a free port; read it from `start()`'s result.
        public var port: Int
        public var eventLoops: Int
        /// Connections held at once; more are answered 503 and closed. Capped by the descriptor limit.
        public var maxConnections = 16_384
        public var backlog: Int32 = 4096
        /// Run each request's task on the thread of the loop that read it (no thread hop, no wake-up per request), or
        /// on Swift's global executor. On the loop, a handler that computes for long (password hashing) delays every
        /// connection of that loop: such work belongs on its own thread either way, since the global executor has
        /// only one thread per core too.
        public var runsHandlersOnEventLoops = true
        public var limits = Limits()
        public var timeouts = Timeouts()
        /// Serve HTTPS with this certificate and key on every listener; nil serves plaintext HTTP.
        public var tls: TLSIdentity?
        public var logger: any HTTPLogger = StandardErrorLogger()

        public init(host: String = "127.0.0.1", port: Int = 8080) {
            self.host = host
            self.port = port
            eventLoops = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        }
    }

    /// An address the server listens on.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public let host: String
        public let port: Int

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    private enum State {
        case idle
        case running(core: ServerCore, listeners: [ListeningSocket])
        case stopping
        case stopped
    }

    private let configuration: Configuration
    private let responder: any HTTPResponder
    private let state = Mutex(State.idle)
    private let stoppedWaiters = Mutex<[CheckedContinuation<Void, Never>]?>([])

    public init(configuration: Configuration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }

    /// Binds, starts the loops and returns the addresses listened on.
    @discardableResult
    public func start() throws(HTTPServerError) -> [Address] {
        let alreadyStarted = state.withLock { state in
            if case .idle = state { return false }
            return true
        }
        guard !alreadyStarted else { throw .alreadyStarted }
        signal(SIGPIPE, SIG_IGN)

        let descriptorLimit = Self.raiseDescriptorLimit()
        let maxConnections = max(1, min(configuration.maxConnections, descriptorLimit - 128))
        let listeners = try Self.listen(configuration)
        let loopCount = max(1, configuration.eventLoops)
        var pollers: [Poller] = []
        var mailboxes: [LoopMailbox] = []
        do {
            for _ in 0..<loopCount {
                let poller = try Poller()
                let mailbox = try LoopMailbox()
                try poller.add(
                    mailbox.wakeDescriptor, events: EpollEvents.readable, data: UInt64(EventLoop.wakeTag) << 32)
                for (position, listener) in listeners.enumerated() {
                    try poller.add(
                        listener.descriptor, events: EpollEvents.readable | EpollEvents.exclusive,
                        data: UInt64(EventLoop.listenerTagBase + UInt32(position)) << 32)
                }
                pollers.append(poller)
                mailboxes.append(mailbox)
            }
        } catch {
            throw .system(error)
        }

        let core = ServerCore(
            configuration: configuration, responder: responder, listeners: listeners.map(\.descriptor),
            mailboxes: mailboxes, maxConnections: maxConnections)
        let started = state.withLock { state in
            guard case .idle = state else { return false }
            state = .running(core: core, listeners: listeners)
            return true
        }
        guard started else { throw .alreadyStarted }
        for index in 0..<loopCount {
            let poller = pollers[index]
            let mailbox = mailboxes[index]
            let executor = LoopExecutor(mailbox: mailbox)
            LoopThread.spawn {
                EventLoop(index: index, core: core, poller: poller, mailbox: mailbox, executor: executor).run()
                core.loopExited()
            }
        }
        let addresses = listeners.map(\.address)
        configuration.logger.log(
            .info,
            "\(configuration.tls == nil ? "HTTP" : "HTTPS") listening on \(addresses.map(\.description).joined(separator: ", ")) with \(loopCount) event loops; "
                + "RLIMIT_NOFILE \(descriptorLimit), holding up to \(maxConnections) connections")
        return addresses
    }

    /// Stops accepting, answers the requests in flight (streams are ended), closes idle connections, and returns
    /// when every loop has stopped, at the latest after `Timeouts.shutdownGrace`. Safe to call more than once.
    public func shutdown() async {
        let running: (core: ServerCore, listeners: [ListeningSocket])?? = state.withLock { state in
            switch state {
            case .running(let core, let listeners):
                state = .stopping
                return (core, listeners)
            case .idle:
                state = .stopped
                return .some(nil)
            case .stopping, .stopped:
                return nil
            }
        }
        guard let running else {
            await waitUntilStopped()
            return
        }
        guard let running else {
            resumeStoppedWaiters()
            return
        }
        for listener in running.listeners {
            Glibc.shutdown(listener.descriptor, Int32(SHUT_RDWR))
        }
        let deadline = MonotonicClock.now() + configuration.timeouts.shutdownGrace.nanoseconds
        for mailbox in running.core.mailboxes {
            _ = mailbox.post(.shutdown(deadline: deadline))
        }
        await running.core.waitForLoops()
        state.withLock { $0 = .stopped }
        configuration.logger.log(.info, "HTTP server stopped")
        resumeStoppedWaiters()
    }

    private func resumeStoppedWaiters() {
        let waiters = stoppedWaiters.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `shutdown()` has completed.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = stoppedWaiters.withLock { waiters in
                guard waiters != nil else { return true }
                waiters?.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit and returns the soft limit in force.
    private static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    private static func listen(_ configuration: Configuration) throws(HTTPServerError) -> [ListeningSocket] {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let host = configuration.host.isEmpty ? nil : configuration.host
        let status = getaddrinfo(host, String(configuration.port), &hints, &list)
        guard status == 0, let list else {
            throw .addressResolution(host: configuration.host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var infos: [addrinfo] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let info = cursor {
            infos.append(info.pointee)
            cursor = info.pointee.ai_next
        }
        var listeners: [ListeningSocket] = []
        var port = configuration.port
        var seen = Set<Address>()
        for info in infos where info.ai_family == AF_INET || info.ai_family == AF_INET6 {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: info.ai_addr, count: Int(info.ai_addrlen)))
            }
            SocketAddress.setPort(port, in: &storage)
            guard seen.insert(Address(host: SocketAddress(storage).host, port: port)).inserted || port == 0 else {
                continue
            }
            do {
                let listener = try ListeningSocket(
                    storage: storage, length: info.ai_addrlen, dualStack: infos.count == 1,
                    backlog: configuration.backlog)
                port = listener.address.port
                listeners.append(listener)
            } catch {
                throw .system(error)
            }
        }
        guard !listeners.isEmpty else {
            throw .addressResolution(host: configuration.host, reason: "no IPv4 or IPv6 address")
        }
        return listeners
    }
}

/// A bound, listening, non-blocking socket. It owns its descriptor and closes it when the server lets go of it
/// (after every loop has stopped, so no loop can touch a reused descriptor number).
final class ListeningSocket: Sendable {
    let descriptor: Int32
    let address: HTTPServer.Address

    init(storage: sockaddr_storage, length: socklen_t, dualStack: Bool, backlog: Int32) throws(HTTPSystemError) {
        var storage = storage
        let family = Int32(storage.ss_family)
        let fd = try checkedCall("socket") {
            socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            var enabled: Int32 = 1
            _ = try checkedCall("setsockopt") {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enabled, socklen_t(MemoryLayout<Int32>.size))
            }
            if family == AF_INET6 {
                var v6Only: Int32 = dualStack ? 0 : 1
                _ = try checkedCall("setsockopt") {
                    setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6Only, socklen_t(MemoryLayout<Int32>.size))
                }
            }
            _ = try checkedCall("bind") {
                withUnsafePointer(to: &storage) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
                }
            }
            _ = try checkedCall("listen") { Glibc.listen(fd, backlog) }
            var bound = sockaddr_storage()
            var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = try checkedCall("getsockname") {
                withUnsafeMutablePointer(to: &bound) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) }
                }
            }
            let described = SocketAddress(bound)
            address = HTTPServer.Address(host: described.host, port: described.port)
        } catch {
            Glibc.close(fd)
            throw error
        }
        descriptor = fd
    }

    deinit {
        Glibc.close(descriptor)
    }
}

extension SocketAddress {
    static func setPort(_ port: Int, in storage: inout sockaddr_storage) {
        let networkPort = UInt16(truncatingIfNeeded: port).bigEndian
        switch Int32(storage.ss_family) {
        case AF_INET:
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = networkPort }
            }
        case AF_INET6:
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = networkPort }
            }
        default:
            break
        }
    }
}

/// A detached pthread running one closure: the loops are long-lived and block in epoll_wait, so they must not sit on
/// Swift's cooperative pool.
enum LoopThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func spawn(_ run: @escaping @Sendable () -> Void) {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Body(run)).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        precondition(status == 0, "pthread_create failed with \(status)")
        pthread_detach(thread)
    }
}
