import Crypto
import Foundation
import Postgres
import Synchronization

/// Writes one batch inside one transaction, on the connection's own thread.
struct BatchWriter: Sendable {
    let projections: [any InlineProjection]
    let recordedAt: Date

    private struct StaleVersion: Error {
        let actual: Int

        /// A retry of an append that already committed finds the stream advanced by at least its own events.
        func couldBeARetry(of request: AppendRequest) -> Bool {
            switch request.expectedVersion {
            case .noStream: actual >= request.events.count
            case .exactly(let expected): actual >= expected + request.events.count
            case .any: true
            }
        }
    }

    /// Thrown out of the transaction (rolling it back) when a projection refused a request of the set-based path.
    private struct RedoOneByOne: Error {}

    /// Writes one batch in one transaction, the set-based path first. When a projection refuses one of its requests
    /// (a duplicate email), that transaction is rolled back and the batch is written again in a second one with a
    /// savepoint per request, so exactly the refused requests fail. The common case thus pays no savepoint at all.
    func write(_ requests: [AppendRequest], using pool: PostgresPool) async throws -> [Result<AppendResult, AppendError>] {
        do {
            return try await pool.withTransaction { connection in try self.write(requests, on: connection, together: true) }
        } catch is RedoOneByOne {
            return try await pool.withTransaction { connection in try self.write(requests, on: connection, together: false) }
        }
    }

    private func write(
        _ requests: [AppendRequest], on connection: PostgresConnection, together tryTogether: Bool
    ) throws -> [Result<AppendResult, AppendError>] {
        var head = try LogWriting.lockHead(on: connection)
        let microseconds = LogWriting.microseconds(since1970: recordedAt)
        var rows = EventRows()
        var outcomes = [Result<AppendResult, AppendError>?](repeating: nil, count: requests.count)
        var idsInBatch = Set<UUID>()
        var oneByOne = Array(requests.indices)

        if tryTogether, requests.count > 1 {
            let together = try appendTogether(requests, after: head, at: microseconds, on: connection)
            for appended in together.appended {
                rows.append(appended.events, texts: appended.texts)
                appended.events.forEach { idsInBatch.insert($0.id) }
                outcomes[appended.index] = .success(
                    AppendResult(
                        events: appended.events, streamVersion: appended.events.last!.streamVersion, wasAlreadyAppended: false))
            }
            head = together.head
            oneByOne = together.left
        }

        for index in oneByOne {
            let request = requests[index]
            let ids = request.events.map(\.id)
            if ids.contains(where: idsInBatch.contains) {
                outcomes[index] = .failure(.invalidRequest("an event id appears twice in one batch"))
                continue
            }
            if case .any = request.expectedVersion, let earlier = try previouslyAppended(request, on: connection) {
                outcomes[index] = .success(earlier)
                continue
            }
            do {
                let texts = try LogWriting.Texts(of: request)
                let recorded = try connection.withSavepoint {
                    let version = try claimVersions(for: request, on: connection)
                    let recorded = LogWriting.record(
                        request, texts: texts, firstVersion: version - request.events.count + 1, after: head, at: microseconds)
                    for projection in projections { try projection.apply(recorded, of: request, on: connection) }
                    return recorded
                }
                rows.append(recorded, texts: texts)
                head = ChainHead(position: recorded.last!.position, hash: recorded.last!.hash)
                ids.forEach { idsInBatch.insert($0) }
                outcomes[index] = .success(
                    AppendResult(events: recorded, streamVersion: recorded.last!.streamVersion, wasAlreadyAppended: false))
            } catch let stale as StaleVersion {
                if stale.couldBeARetry(of: request), let earlier = try previouslyAppended(request, on: connection) {
                    outcomes[index] = .success(earlier)
                } else {
                    outcomes[index] = .failure(
                        .wrongExpectedVersion(stream: request.stream, expected: request.expectedVersion, actual: stale.actual))
                }
            } catch let rejection as ProjectionRejection {
                outcomes[index] = .failure(.rejected(rejection))
            } catch let invalid as JSONValueError {
                outcomes[index] = .failure(.invalidRequest("event data cannot be stored: \(invalid)"))
            }
        }

        try LogWriting.finish(rows, head: head, projections: projections, on: connection)
        return outcomes.map { $0! }
    }

    private struct Together {
        struct Appended {
            let index: Int
            let events: [RecordedEvent]
            let texts: LogWriting.Texts
        }

        var appended: [Appended] = []
        var head: ChainHead
        /// Requests to go through one at a time: not eligible, or their stream was not at the expected version.
        var left: [Int] = []
    }

    /// The common case at a fraction of the statements: the versions of every request with `.noStream` or `.exactly`
    /// on a stream no other request of the batch touches are claimed with two set-based statements, and each inline
    /// projection applies them all at once (`applyBatch`). The rest (stale versions, `.any`, repeated streams or event
    /// ids, unstorable data) goes through the savepoint-per-request path afterwards. If a projection refuses anything,
    /// `RedoOneByOne` rolls the transaction back and the batch is written again through the per-request path, which
    /// refuses exactly the offending requests.
    private func appendTogether(
        _ requests: [AppendRequest], after start: ChainHead, at microseconds: Int64, on connection: PostgresConnection
    ) throws -> Together {
        var together = Together(head: start)
        var eligible: [(index: Int, texts: LogWriting.Texts)] = []
        var streams = Set<StreamID>()
        var ids = Set<UUID>()
        for (index, request) in requests.enumerated() {
            let fresh = request.events.allSatisfy { ids.insert($0.id).inserted }
            switch request.expectedVersion {
            case .noStream, .exactly:
                if fresh, streams.insert(request.stream).inserted, let texts = try? LogWriting.Texts(of: request) {
                    eligible.append((index, texts))
                    continue
                }
            case .any: break
            }
            together.left.append(index)
        }
        guard !eligible.isEmpty else { return together }
        do {
            let claimed = try claimTogether(eligible.map { requests[$0.index] }, on: connection)
            var head = start
            for (index, texts) in eligible {
                let request = requests[index]
                guard let version = claimed[request.stream] else {
                    together.left.append(index)
                    continue
                }
                let events = LogWriting.record(
                    request, texts: texts, firstVersion: version - request.events.count + 1, after: head, at: microseconds)
                together.appended.append(.init(index: index, events: events, texts: texts))
                head = ChainHead(position: events.last!.position, hash: events.last!.hash)
            }
            let appendedEvents = together.appended.map(\.events)
            let appendedRequests = together.appended.map { requests[$0.index] }
            for projection in projections { try projection.applyBatch(appendedEvents, of: appendedRequests, on: connection) }
            together.head = head
            together.left.sort()
            return together
        } catch is ProjectionRejection {
            throw RedoOneByOne()
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RedoOneByOne()
        }
    }

    /// Claims the versions of requests on distinct streams with one statement per kind; returns the new version of
    /// each stream that was at the expected version.
    private func claimTogether(_ requests: [AppendRequest], on connection: PostgresConnection) throws -> [StreamID: Int] {
        var newIDs: [String] = []
        var newCounts: [Int32] = []
        var existingIDs: [String] = []
        var expected: [Int32] = []
        var existingCounts: [Int32] = []
        for request in requests {
            switch request.expectedVersion {
            case .noStream, .exactly(0):
                newIDs.append(request.stream.rawValue)
                newCounts.append(Int32(request.events.count))
            case .exactly(let version):
                existingIDs.append(request.stream.rawValue)
                expected.append(Int32(version))
                existingCounts.append(Int32(request.events.count))
            case .any:
                preconditionFailure("claimed one at a time")
            }
        }
        var claimed: [StreamID: Int] = [:]
        if !newIDs.isEmpty {
            let rows = try connection.query(
                """
                INSERT INTO streams (stream_id, version) SELECT * FROM unnest(\(newIDs), \(newCounts))
                ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id, version
                """)
            for row in rows { claimed[StreamID(try row.decode(String.self, column: 0))] = try row.decode(Int.self, column: 1) }
        }
        if !existingIDs.isEmpty {
            let rows = try connection.query(
                """
                UPDATE streams SET version = streams.version + claim.count
                FROM unnest(\(existingIDs), \(expected), \(existingCounts)) AS claim(stream_id, expected, count)
                WHERE streams.stream_id = claim.stream_id AND streams.version = claim.expected
                RETURNING streams.stream_id, streams.version
                """)
            for row in rows { claimed[StreamID(try row.decode(String.self, column: 0))] = try row.decode(Int.self, column: 1) }
        }
        return claimed
    }

    /// Moves the stream's version forward by the request's event count, or throws `StaleVersion`. Never raises a
    /// database error for a conflict, so a conflict costs no rollback.
    private func claimVersions(for request: AppendRequest, on connection: PostgresConnection) throws -> Int {
        let count = request.events.count
        let stream = request.stream.rawValue
        let claimed: PostgresRows
        switch request.expectedVersion {
        case .noStream, .exactly(0):
            claimed = try connection.query(
                "INSERT INTO streams (stream_id, version) VALUES (\(stream), \(count)) ON CONFLICT (stream_id) DO NOTHING RETURNING version"
            )
        case .exactly(let expected):
            claimed = try connection.query(
                "UPDATE streams SET version = version + \(count) WHERE stream_id = \(stream) AND version = \(expected) RETURNING version"
            )
        case .any:
            claimed = try connection.query(
                """
                INSERT INTO streams (stream_id, version) VALUES (\(stream), \(count))
                ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + excluded.version RETURNING version
                """)
        }
        if let row = claimed.first { return try row.decode(Int.self, column: 0) }
        let current = try connection.query("SELECT version FROM streams WHERE stream_id = \(stream)")
        throw StaleVersion(actual: try current.first?.decode(Int.self, column: 0) ?? 0)
    }

    /// The events of an earlier append with the same event ids, when this request is a retry of it.
    private func previouslyAppended(_ request: AppendRequest, on connection: PostgresConnection) throws -> AppendResult? {
        let ids = request.events.map(\.id)
        let events = try EventReader.decode(
            connection.query("\(unsafeSQL: EventReader.selectColumns) WHERE event_id = ANY(\(ids)) ORDER BY position"))
        guard events.count == ids.count, Set(events.map(\.id)) == Set(ids), events.allSatisfy({ $0.streamID == request.stream })
        else { return nil }
        return AppendResult(events: events, streamVersion: events.last!.streamVersion, wasAlreadyAppended: true)
    }
}
