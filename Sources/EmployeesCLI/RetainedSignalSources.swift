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

/// Keeps the signal sources alive for as long as the stream is, and cancels them when it ends.
/// `@unchecked Sendable` is safe: `sources` is immutable after init, and a dispatch source's `cancel()` may be called
/// from any thread (libdispatch's sources are internally synchronized); Swift only lacks the annotation.
final class RetainedSignalSources: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func cancelAll() {
        sources.forEach { $0.cancel() }
    }
}
