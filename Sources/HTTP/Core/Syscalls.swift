import CShim
import Glibc

/// A system call that failed: the call's name and errno, so an operator can tell `bind` from `epoll_ctl`.
public struct HTTPSystemError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    init(_ call: StaticString, errno: Int32) {
        self.call = "\(call)"
        self.errno = errno
    }

    public var description: String { "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// The outcome of a non-blocking call: done, or "would block" (EAGAIN), which is a result, not an error.
enum IOResult: Equatable {
    case done(Int)
    case wouldBlock
}

/// The one place that turns a C return value into Swift: EINTR is retried, EAGAIN becomes `.wouldBlock`, anything else
/// throws with errno and the call's name. EBADF and EFAULT mean a bug in this module, so debug builds stop there.
@inline(__always)
func systemCall(_ call: StaticString, _ body: () -> Int) throws(HTTPSystemError) -> IOResult {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let error = errno
        switch error {
        case EINTR:
            continue
        case EAGAIN:
            return .wouldBlock
        case EBADF, EFAULT:
            assertionFailure("\(call) failed with errno \(error): a file descriptor or pointer bug")
            throw HTTPSystemError(call, errno: error)
        default:
            throw HTTPSystemError(call, errno: error)
        }
    }
}

/// A blocking-style call (no EAGAIN expected) that returns its non-negative result or throws.
@inline(__always)
func checkedCall(_ call: StaticString, _ body: () -> Int32) throws(HTTPSystemError) -> Int32 {
    while true {
        let result = body()
        if result >= 0 { return result }
        let error = errno
        if error == EINTR { continue }
        throw HTTPSystemError(call, errno: error)
    }
}

enum MonotonicClock {
    /// Nanoseconds on CLOCK_MONOTONIC; the loops read it once per wake-up.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// An epoll instance. It owns its descriptor; the operations are plain system calls on an immutable descriptor, which
/// the kernel makes safe from any thread, so the type is `Sendable` without any locking.
final class Poller: Sendable {
    let descriptor: Int32

    init() throws(HTTPSystemError) {
        descriptor = try checkedCall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
    }

    deinit {
        close(descriptor)
    }

    func add(_ fd: Int32, events: UInt32, data: UInt64) throws(HTTPSystemError) {
        try control(EPOLL_CTL_ADD, fd, events: events, data: data)
    }

    func modify(_ fd: Int32, events: UInt32, data: UInt64) throws(HTTPSystemError) {
        try control(EPOLL_CTL_MOD, fd, events: events, data: data)
    }

    func remove(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, &event)
    }

    private func control(_ operation: Int32, _ fd: Int32, events: UInt32, data: UInt64) throws(HTTPSystemError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = data
        _ = try checkedCall("epoll_ctl") { epoll_ctl(descriptor, operation, fd, &event) }
    }

    /// Waits for readiness; an interrupted wait reports no events.
    func wait(_ events: UnsafeMutableBufferPointer<epoll_event>, timeoutMilliseconds: Int32) -> Int {
        let count = epoll_wait(descriptor, events.baseAddress, Int32(events.count), timeoutMilliseconds)
        return count < 0 ? 0 : Int(count)
    }
}

enum EpollEvents {
    static let readable = EPOLLIN.rawValue
    static let writable = EPOLLOUT.rawValue
    static let peerClosedWrite = EPOLLRDHUP.rawValue
    static let hangUp = EPOLLHUP.rawValue
    static let error = EPOLLERR.rawValue
    static let exclusive = EPOLLEXCLUSIVE.rawValue
}
