import Accounts
import App
import Crypto
import Dispatch
import Employees
import EventStore
import Foundation
import Glibc
import Postgres
import Records

/// SIGTERM and SIGINT as an async stream, so `serve` can shut down gracefully instead of dying mid-request.
enum ShutdownSignals {
    static func stream() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        let retained = RetainedSignalSources(sources)
        continuation.onTermination = { _ in retained.cancelAll() }
        return stream
    }
}
