import Dispatch
import Foundation
import Postgres
import Synchronization

/// Replays the log into rebuilders with reading, decoding and folding overlapped: the connection's thread fetches the
/// next page while Dispatch threads decode the pages already fetched (each page on its own) and a folding thread feeds
/// the decoded events, in position order, to the rebuilders. Decoding (JSON, UUIDs, hashes) costs more than the
/// database's part of a page, so this more than halves the replay.
///
/// `@unchecked Sendable`, and why that is safe: `rebuilders` and `failure` are touched only by the folding thread
/// from `start()` until it signals `finished`, and by the caller only after `finish()` has waited for that signal
/// (the semaphore orders the accesses). The page queue and the stop flag are behind `Mutex`es.
final class PipelinedReplay: @unchecked Sendable {
    private var rebuilders: [any ProjectionRebuilder]
    private var failure: (any Error)?
    private let head: Int64
    private let pages = Mutex<[DecodedPage?]>([])
    private let stopped = Mutex(false)
    private let queued = DispatchSemaphore(value: 0)
    private let freeSlots = DispatchSemaphore(value: 3)
    private let finished = DispatchSemaphore(value: 0)

    /// Folds every event up to `head` into `rebuilders`, reading pages of `pageSize` on `connection` (inside the
    /// caller's transaction), and returns the rebuilders.
    static func replay(
        into rebuilders: [any ProjectionRebuilder], upTo head: Int64, pageSize: Int, on connection: PostgresConnection
    ) throws -> [any ProjectionRebuilder] {
        let replay = PipelinedReplay(rebuilders: rebuilders, head: head)
        replay.start()
        do {
            var cursor: Int64 = 0
            while cursor < head, !replay.stopped.withLock({ $0 }) {
                let page = try connection.query(
                    "\(unsafeSQL: EventReader.selectColumns) WHERE position > \(cursor) ORDER BY position LIMIT \(Int64(pageSize))"
                )
                guard let last = page.last else { break }
                cursor = try last.decode(Int64.self, column: 0)
                replay.submit(page)
            }
        } catch {
            _ = try? replay.finish()
            throw error
        }
        return try replay.finish()
    }

    private init(rebuilders: [any ProjectionRebuilder], head: Int64) {
        self.rebuilders = rebuilders
        self.head = head
    }

    private func start() {
        Thread { self.fold() }.start()
    }

    /// Starts decoding a page and queues it for the folding thread; waits while three pages are already in flight.
    private func submit(_ page: PostgresRows?) {
        freeSlots.wait()
        let decoding = page.map(DecodedPage.init)
        pages.withLock { $0.append(decoding) }
        queued.signal()
    }

    /// Ends the input, waits for the folding thread, and returns the rebuilders or the first error it met.
    private func finish() throws -> [any ProjectionRebuilder] {
        submit(nil)
        finished.wait()
        if let failure { throw failure }
        return rebuilders
    }

    private func fold() {
        defer { finished.signal() }
        while true {
            queued.wait()
            let page = pages.withLock { $0.removeFirst() }
            // Every slot taken by `submit` is given back, the end marker's too: libdispatch traps when a semaphore
            // is released below its initial value.
            let decoded = page?.result()
            freeSlots.signal()
            guard let decoded else { return }
            guard failure == nil else { continue }
            do {
                for event in try decoded.get() where event.position <= head {
                    for index in rebuilders.indices { try rebuilders[index].consume(event) }
                }
            } catch {
                failure = error
                stopped.withLock { $0 = true }
            }
        }
    }
}

/// One page of rows being decoded on a Dispatch thread.
///
/// `@unchecked Sendable`, and why that is safe: `decoded` is written once by the worker before it signals `done`,
/// and read only after waiting for that signal.
private final class DecodedPage: @unchecked Sendable {
    private var decoded: Result<[RecordedEvent], any Error> = .success([])
    private let done = DispatchSemaphore(value: 0)

    init(_ rows: PostgresRows) {
        DispatchQueue.global().async {
            self.decoded = Result { try EventReader.decode(rows) }
            self.done.signal()
        }
    }

    func result() -> Result<[RecordedEvent], any Error> {
        done.wait()
        return decoded
    }
}
