import Foundation
import Glibc
import Synchronization

/// Receives `NOTIFY`s on named channels over a dedicated connection, on its own thread.
///
/// The thread waits on the connection's socket (`poll`), reads with `PQconsumeInput` and drains `PQnotifies`.
/// When the connection is lost it reconnects with exponential back-off and then yields `.reconnected`: notifications
/// sent while it was away are lost, so a follower reacts by catching up from its own position. The first successful
/// `LISTEN` yields `.listening`, after which no notification is missed.
/// The stream keeps the newest 1 024 events if its reader falls behind; for a follower that treats a notification as
/// "something new exists", the newest is the one that matters.
public final class PostgresListener: Sendable {
    public enum Event: Sendable, Hashable {
        /// LISTEN is active for the first time.
        case listening
        /// LISTEN is active again after a lost connection; notifications may have been missed.
        case reconnected
        case notification(PostgresNotification)
    }

    public let events: AsyncStream<Event>
    private let isStopped = Mutex(false)

    /// Starts listening at once. `channels` are identifiers, quoted safely, so any name works.
    public init(
        configuration: PostgresConfiguration, channels: [String], initialReconnectDelay: Duration = .milliseconds(100),
        maximumReconnectDelay: Duration = .seconds(5)
    ) {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1024))
        self.events = events
        let thread = Thread { [self] in
            Thread.current.name = "pg-listener"
            run(
                configuration: configuration, channels: channels, continuation: continuation,
                delays: (initialReconnectDelay, maximumReconnectDelay))
            continuation.finish()
        }
        continuation.onTermination = { [weak self] _ in self?.stop() }
        thread.start()
    }

    /// Ends listening: the connection closes and the stream finishes within a fraction of a second.
    public func stop() {
        isStopped.withLock { $0 = true }
    }

    private var shouldStop: Bool { isStopped.withLock { $0 } }

    private func run(
        configuration: PostgresConfiguration, channels: [String], continuation: AsyncStream<Event>.Continuation,
        delays: (initial: Duration, maximum: Duration)
    ) {
        var delay = delays.initial
        var hasListened = false
        while !shouldStop {
            guard let connection = listeningConnection(configuration: configuration, channels: channels) else {
                pause(for: delay)
                delay = min(delay * 2, delays.maximum)
                continue
            }
            delay = delays.initial
            continuation.yield(hasListened ? .reconnected : .listening)
            hasListened = true
            deliver(from: connection, to: continuation)
        }
    }

    private func listeningConnection(configuration: PostgresConfiguration, channels: [String]) -> PostgresConnection? {
        do {
            let connection = try PostgresConnection.connect(to: configuration)
            for channel in channels { try connection.executeSimple("LISTEN \(quotedIdentifier(channel))") }
            return connection
        } catch {
            return nil
        }
    }

    /// Yields notifications until the connection breaks or the listener stops.
    private func deliver(from connection: PostgresConnection, to continuation: AsyncStream<Event>.Continuation) {
        while !shouldStop {
            var descriptor = pollfd(fd: connection.socketDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 200)
            if ready < 0 && errno != EINTR { return }
            if ready > 0 {
                guard connection.consumeInput() else { return }
                while let notification = connection.nextNotification() {
                    continuation.yield(.notification(notification))
                }
            }
            guard connection.isOpen else { return }
        }
    }

    /// Sleeps in short slices so `stop()` takes effect quickly.
    private func pause(for duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while !shouldStop, ContinuousClock.now < deadline {
            usleep(20_000)
        }
    }
}
