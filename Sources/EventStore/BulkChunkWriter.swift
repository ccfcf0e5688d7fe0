import Foundation
import Postgres

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
