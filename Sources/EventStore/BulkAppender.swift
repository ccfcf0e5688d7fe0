import Foundation
import Postgres

/// Appends many requests that each create a NEW stream (`expectedVersion: .noStream`), for imports.
///
/// The batching appender pays a savepoint and a few statements per request; at hundreds of thousands of rows that
/// dominates. Here a chunk of requests is one transaction with a fixed number of statements: lock the head, claim
/// every stream with one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`, link the events into the chain
/// exactly as the batching appender does, let each projection apply the chunk in bulk, insert the events with one
/// statement, move the head and checkpoints, notify, commit. Streams that already exist are reported as conflicts and
/// skipped. When a projection refuses something in the chunk (a duplicate email) or a unique key is hit, the chunk is
/// rolled back and redone one request per savepoint, so exactly the offending requests are reported.
///
/// Positions stay dense and the chain single: every chunk holds the head row from its first statement to its commit,
/// like every other appending transaction, so bulk and online appends interleave chunk by chunk.
public struct BulkAppender: Sendable {
    private let pool: PostgresPool
    private let projections: [any InlineProjection]
    private let chunkSize: Int
    private let clock: @Sendable () -> Date

    public init(
        pool: PostgresPool, projections: [any InlineProjection], chunkSize: Int = 5_000,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        precondition(chunkSize > 0, "a chunk holds at least one request")
        self.pool = pool
        self.projections = projections
        self.chunkSize = chunkSize
        self.clock = clock
    }

    /// Appends `requests` in chunks, each committed on its own. Returns what was appended and, by index into
    /// `requests`, why the others were not. If a chunk's transaction fails, the chunks before it stay committed and
    /// the error says how far the append got. The next chunk is prepared while the current one commits: checked, its
    /// JSON made canonical, and linked into the chain after the current chunk's last event (kept if no other writer
    /// appended in between, redone inside the transaction otherwise).
    public func append(_ requests: [AppendRequest]) async throws(BulkAppendFailure) -> BulkAppendReport {
        let starts = Array(stride(from: 0, to: requests.count, by: chunkSize))
        func chunk(_ number: Int) -> [AppendRequest] {
            Array(requests[starts[number]..<min(starts[number] + chunkSize, requests.count)])
        }
        var report = BulkAppendReport()
        guard !starts.isEmpty else { return report }
        let currentHead: ChainHead
        do {
            currentHead = try await EventReader(pool: pool).head()
        } catch {
            throw BulkAppendFailure(committed: report, error: .unavailable(error as? PostgresError))
        }
        let clock = clock
        let projections = projections
        var prepared = BulkChunkWriter.prepare(chunk(0), after: currentHead, recordedAt: clock(), projections: projections)
        for number in starts.indices {
            let assumedHead = prepared.speculation.head
            async let following =
                number + 1 < starts.count
                ? BulkChunkWriter.prepare(chunk(number + 1), after: assumedHead, recordedAt: clock(), projections: projections)
                : nil
            do {
                report.merge(try await appendChunk(prepared), offset: starts[number])
            } catch {
                throw BulkAppendFailure(committed: report, error: .unavailable(error as? PostgresError))
            }
            guard let next = await following else { break }
            prepared = next
        }
        return report
    }

    private func appendChunk(_ prepared: PreparedChunk) async throws -> ChunkOutcome {
        let writer = BulkChunkWriter(projections: projections, recordedAt: clock())
        do {
            return try await pool.withTransaction { connection in try writer.write(prepared, on: connection) }
        } catch is BulkChunkWriter.NeedsOneByOne {
            let batchWriter = BatchWriter(projections: projections, recordedAt: clock())
            let requests = prepared.candidates.map { prepared.requests[$0] }
            let results = try await batchWriter.write(requests, using: pool)
            var outcome = ChunkOutcome(failures: prepared.refused)
            for (index, result) in zip(prepared.candidates, results) {
                switch result {
                case .success(let appended):
                    outcome.appendedRequests += 1
                    outcome.appendedEvents += appended.events.count
                    if let last = appended.events.last { outcome.head = ChainHead(position: last.position, hash: last.hash) }
                case .failure(let error):
                    outcome.failures[index] = error
                }
            }
            return outcome
        }
    }
}

/// What a bulk append did.
public struct BulkAppendReport: Sendable {
    public private(set) var appendedRequests = 0
    public private(set) var appendedEvents = 0
    /// The log's head after the last committed chunk that appended something.
    public private(set) var head: ChainHead?
    /// Why a request was not appended, by its index in the input: `.wrongExpectedVersion` for a stream that already
    /// exists (or appears twice in the input), `.rejected` when a projection refused it, `.invalidRequest`.
    public private(set) var failures: [Int: AppendError] = [:]

    public init() {}

    mutating func merge(_ outcome: ChunkOutcome, offset: Int) {
        appendedRequests += outcome.appendedRequests
        appendedEvents += outcome.appendedEvents
        if let chunkHead = outcome.head { head = chunkHead }
        for (index, error) in outcome.failures { failures[offset + index] = error }
    }
}

/// A bulk append stopped by a failed transaction: `committed` is what the earlier chunks appended.
public struct BulkAppendFailure: Error, Sendable {
    public let committed: BulkAppendReport
    public let error: AppendError
}

struct ChunkOutcome: Sendable {
    var appendedRequests = 0
    var appendedEvents = 0
    var head: ChainHead?
    var failures: [Int: AppendError] = [:]
}

/// A chunk checked and made ready before its transaction: which requests can go in, their canonical JSON, and the
/// chunk linked into the chain on an assumption the transaction checks.
struct PreparedChunk: Sendable {
    let requests: [AppendRequest]
    /// Indexes of the requests that may be appended, in order.
    let candidates: [Int]
    /// The canonical texts of each candidate, parallel to `candidates`.
    let texts: [LogWriting.Texts]
    /// Requests refused before anything was written.
    let refused: [Int: AppendError]
    let speculation: Speculation
}

/// Every candidate recorded (positions, versions, hashes, the finishing statement's encoded parameters) ahead of the
/// transaction, assuming the log still ends at `assumedHead` when the transaction locks it and every candidate's
/// stream is new. That holds while a bulk append is the only writer, and takes the hashing and encoding out of the
/// time the head row is locked; when it does not hold, the transaction records the chunk again.
struct Speculation: Sendable {
    let assumedHead: ChainHead
    /// The events of each candidate, parallel to `candidates`.
    let recorded: [[RecordedEvent]]
    /// `LogWriting.finishStatement` for these events.
    let finish: PostgresQuery?
    /// The head after the chunk.
    let head: ChainHead
}

/// Writes one chunk of new-stream requests in one transaction with set-based statements.
struct BulkChunkWriter: Sendable {
    let projections: [any InlineProjection]
    let recordedAt: Date

    /// Thrown out of the transaction (rolling it back) when the chunk must be redone one request at a time.
    struct NeedsOneByOne: Error {}

    /// Checks each request and makes its JSON canonical; needs no connection, so it runs outside the transaction.
    static func prepare(
        _ chunk: [AppendRequest], after assumedHead: ChainHead, recordedAt: Date, projections: [any InlineProjection]
    ) -> PreparedChunk {
        var refused: [Int: AppendError] = [:]
        var candidates: [Int] = []
        var texts: [LogWriting.Texts] = []
        candidates.reserveCapacity(chunk.count)
        texts.reserveCapacity(chunk.count)
        var streamsInChunk = Set<String>(minimumCapacity: chunk.count)
        var lastMetadata: (value: JSONValue, text: String)?
        for (index, request) in chunk.enumerated() {
            guard case .noStream = request.expectedVersion else {
                refused[index] = .invalidRequest("a bulk append only creates new streams (expected version .noStream)")
                continue
            }
            guard !request.events.isEmpty else {
                refused[index] = .invalidRequest("an append needs at least one event")
                continue
            }
            guard streamsInChunk.insert(request.stream.rawValue).inserted else {
                refused[index] = .wrongExpectedVersion(stream: request.stream, expected: .noStream, actual: request.events.count)
                continue
            }
            do {
                // Imports stamp the same metadata on every request: canonicalize it once.
                let metadataText = lastMetadata?.value == request.metadata ? lastMetadata?.text : nil
                let requestTexts = try LogWriting.Texts(of: request, metadataText: metadataText)
                lastMetadata = (request.metadata, requestTexts.metadata)
                texts.append(requestTexts)
                candidates.append(index)
            } catch {
                refused[index] = .invalidRequest("event data cannot be stored: \(error)")
            }
        }
        let microseconds = LogWriting.microseconds(since1970: recordedAt)
        var head = assumedHead
        var rows = EventRows()
        rows.reserveCapacity(candidates.count)
        var recorded: [[RecordedEvent]] = []
        recorded.reserveCapacity(candidates.count)
        for (index, requestTexts) in zip(candidates, texts) {
            let events = LogWriting.record(chunk[index], texts: requestTexts, firstVersion: 1, after: head, at: microseconds)
            rows.append(events, texts: requestTexts)
            head = ChainHead(position: events.last!.position, hash: events.last!.hash)
            recorded.append(events)
        }
        let speculation = Speculation(
            assumedHead: assumedHead, recorded: recorded,
            finish: LogWriting.finishStatement(rows, head: head, projections: projections),
            head: head)
        return PreparedChunk(requests: chunk, candidates: candidates, texts: texts, refused: refused, speculation: speculation)
    }

    func write(_ prepared: PreparedChunk, on connection: PostgresConnection) throws -> ChunkOutcome {
        let chunk = prepared.requests
        let candidates = prepared.candidates
        var outcome = ChunkOutcome(failures: prepared.refused)
        var head = try LogWriting.lockHead(on: connection)
        let claimed = try claimStreams(candidates.map { chunk[$0] }, on: connection)
        if claimed.count < candidates.count {
            let existing = try currentVersions(
                of: candidates.map { chunk[$0].stream.rawValue }.filter { !claimed.contains($0) }, on: connection)
            for index in candidates where !claimed.contains(chunk[index].stream.rawValue) {
                let request = chunk[index]
                outcome.failures[index] = .wrongExpectedVersion(
                    stream: request.stream, expected: .noStream, actual: existing[request.stream.rawValue] ?? 0)
            }
        }

        var appendedRequests: [AppendRequest] = []
        var appendedEvents: [[RecordedEvent]] = []
        let finish: PostgresQuery?
        if head == prepared.speculation.assumedHead, claimed.count == candidates.count {
            appendedRequests = candidates.map { chunk[$0] }
            appendedEvents = prepared.speculation.recorded
            finish = prepared.speculation.finish
            head = prepared.speculation.head
        } else {
            let microseconds = LogWriting.microseconds(since1970: recordedAt)
            var rows = EventRows()
            rows.reserveCapacity(candidates.count)
            for (index, requestTexts) in zip(candidates, prepared.texts) where claimed.contains(chunk[index].stream.rawValue) {
                let request = chunk[index]
                let recorded = LogWriting.record(request, texts: requestTexts, firstVersion: 1, after: head, at: microseconds)
                rows.append(recorded, texts: requestTexts)
                head = ChainHead(position: recorded.last!.position, hash: recorded.last!.hash)
                appendedRequests.append(request)
                appendedEvents.append(recorded)
            }
            finish = LogWriting.finishStatement(rows, head: head, projections: projections)
        }

        do {
            for projection in projections { try projection.applyBulk(appendedEvents, of: appendedRequests, on: connection) }
            try LogWriting.finish(finish, on: connection)
        } catch is ProjectionRejection {
            throw NeedsOneByOne()
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw NeedsOneByOne()
        }
        outcome.appendedRequests = appendedRequests.count
        outcome.appendedEvents = appendedEvents.reduce(0) { $0 + $1.count }
        if !appendedRequests.isEmpty { outcome.head = head }
        return outcome
    }

    /// Creates every stream that does not exist yet, in one statement; returns the ids it created.
    private func claimStreams(_ requests: [AppendRequest], on connection: PostgresConnection) throws -> Set<String> {
        guard !requests.isEmpty else { return [] }
        let ids = requests.map(\.stream.rawValue)
        let versions = requests.map { Int32($0.events.count) }
        let rows = try connection.query(
            """
            INSERT INTO streams (stream_id, version) SELECT * FROM unnest(\(ids), \(versions))
            ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id
            """)
        var claimed = Set<String>(minimumCapacity: rows.count)
        for row in rows { claimed.insert(try row.decode(String.self, column: 0)) }
        return claimed
    }

    private func currentVersions(of streams: [String], on connection: PostgresConnection) throws -> [String: Int] {
        let rows = try connection.query("SELECT stream_id, version FROM streams WHERE stream_id = ANY(\(streams))")
        var versions: [String: Int] = [:]
        for row in rows { versions[try row.decode(String.self, column: 0)] = try row.decode(Int.self, column: 1) }
        return versions
    }
}
