import EventStore
import Foundation
import Postgres
import Records
import Synchronization

/// The `idempotency_keys` table (`sql/0006_idempotency.sql`): claims, stored responses, releases, and the log check
/// that settles requests whose outcome is unknown.
public final class IdempotencyStore: Sendable {
    /// A record answers retries for this long; then the key may be reused for anything.
    static let retentionSeconds = 24 * 60 * 60
    /// How long a pending record protects a running request. Far beyond any request's duration (database waits are
    /// bounded by the pool's 5 s acquire timeout), so a live request is never taken over.
    static let leaseSeconds = 60
    /// One claim in this many also purges expired records.
    static let purgeInterval = 1_000

    /// A key this request holds until it settles it.
    public struct Claim: Sendable {
        let principal: String
        let key: String
        let id: UUID
        /// The log's head when the key was claimed: events of this request can only come after it.
        let logPosition: Int64
    }

    public enum Outcome: Sendable {
        case claimed(Claim)
        case completed(StoredResponse)
        case differentRequest
        case inFlight
    }

    let pool: PostgresPool
    /// The answer kept for a request whose events are in the log but whose response was lost: a 303 to `location`,
    /// the resource the events changed (nil when the stream names none). Made by the HTTP side, which knows bodies.
    let lostResponseAnswer: @Sendable (_ location: String?) -> StoredResponse
    private let claims = Atomic<Int>(0)

    public init(pool: PostgresPool, appliedResponse: @escaping @Sendable (_ location: String?) -> StoredResponse) {
        self.pool = pool
        lostResponseAnswer = appliedResponse
    }

    /// Claims `key` for this request, or says what the record holding it answers.
    public func claim(principal: String, key: String, fingerprint: [UInt8]) async throws -> Outcome {
        let purge = claims.add(1, ordering: .relaxed).newValue % Self.purgeInterval == 0
        return try await pool.withConnection { connection in
            if purge {
                try connection.execute(
                    "DELETE FROM idempotency_keys WHERE created_at < now() - \(Self.retentionSeconds) * interval '1 second'")
            }
            for _ in 0..<3 {
                if let claim = try Self.insertClaim(principal: principal, key: key, fingerprint: fingerprint, on: connection) {
                    return .claimed(claim)
                }
                guard let record = try Self.record(principal: principal, key: key, on: connection) else { continue }
                guard record.fingerprint == fingerprint else { return .differentRequest }
                if let response = record.response { return .completed(response) }
                guard record.leaseExpired else { return .inFlight }
                let stale = Claim(principal: principal, key: key, id: record.claim, logPosition: record.logPosition)
                if let outcome = try self.recover(stale, on: connection) { return outcome }
            }
            return .inFlight
        }
    }

    /// Records how the claimed request ended. A storable 2xx is kept for replay. Otherwise the log decides: if the
    /// request appended events, a 303 to the resource is kept for retries (and returned in place of a failure the
    /// handler answered after its commit); if not, the key is released. Storage failures are logged, never
    /// answered (by the caller): the command's outcome stands, and a later retry settles the record from the log.
    /// `stored` is the response when it may be kept; the result replaces a failed (`succeeded` false) response.
    public func settle(_ claim: Claim, storing stored: StoredResponse?, succeeded: Bool) async throws -> StoredResponse? {
        try await pool.withConnection { connection in
            if let stored {
                try Self.complete(claim, with: stored, on: connection)
                return nil
            }
            if let applied = try self.appliedResponse(claim, on: connection) {
                try Self.complete(claim, with: applied, on: connection)
                return succeeded ? nil : applied
            }
            try connection.execute(
                """
                DELETE FROM idempotency_keys
                WHERE principal = \(claim.principal) AND key = \(claim.key) AND claim = \(claim.id)
                """)
            return nil
        }
    }

    private static func insertClaim(principal: String, key: String, fingerprint: [UInt8], on connection: PostgresConnection)
        throws -> Claim?
    {
        let id = UUID()
        let row = try connection.query(
            """
            INSERT INTO idempotency_keys (principal, key, request_hash, state, claim, lease_expires_at, log_position, created_at)
            VALUES (\(principal), \(key), \(fingerprint), 'pending', \(id), now() + \(leaseSeconds) * interval '1 second',
                    (SELECT position FROM event_log_head), now())
            ON CONFLICT (principal, key) DO UPDATE SET
                request_hash = excluded.request_hash, state = 'pending', claim = excluded.claim,
                lease_expires_at = excluded.lease_expires_at, log_position = excluded.log_position, status = NULL,
                header_names = NULL, header_values = NULL, body = NULL, created_at = excluded.created_at
            WHERE idempotency_keys.created_at < now() - \(retentionSeconds) * interval '1 second'
            RETURNING log_position
            """
        ).first
        guard let row else { return nil }
        return Claim(principal: principal, key: key, id: id, logPosition: try row.decode(Int64.self, column: 0))
    }

    private struct Record {
        let fingerprint: [UInt8]
        let claim: UUID
        let leaseExpired: Bool
        let logPosition: Int64
        let response: StoredResponse?
    }

    private static func record(principal: String, key: String, on connection: PostgresConnection) throws -> Record? {
        guard
            let row = try connection.query(
                """
                SELECT request_hash, claim, lease_expires_at < now(), log_position, state = 'completed', status,
                       header_names, header_values, body
                FROM idempotency_keys
                WHERE principal = \(principal) AND key = \(key)
                  AND created_at >= now() - \(retentionSeconds) * interval '1 second'
                """
            ).first
        else { return nil }
        var response: StoredResponse?
        if try row.decode(Bool.self, column: 4) {
            let names = try row.decode([String].self, column: 6)
            let values = try row.decode([String].self, column: 7)
            response = StoredResponse(
                status: try row.decode(Int.self, column: 5),
                headers: zip(names, values).map { (name: $0, value: $1) }, body: try row.decode([UInt8].self, column: 8))
        }
        return Record(
            fingerprint: try row.decode([UInt8].self, column: 0), claim: try row.decode(UUID.self, column: 1),
            leaseExpired: try row.decode(Bool.self, column: 2), logPosition: try row.decode(Int64.self, column: 3),
            response: response)
    }

    /// Settles a pending record whose request died: completed with a 303 if the log holds its events, otherwise
    /// taken over by this request. Nil when another retry settled or took it first (look again).
    private func recover(_ stale: Claim, on connection: PostgresConnection) throws -> Outcome? {
        if let applied = try appliedResponse(stale, on: connection) {
            return try Self.complete(stale, with: applied, on: connection) ? .completed(applied) : nil
        }
        let id = UUID()
        let row = try connection.query(
            """
            UPDATE idempotency_keys SET claim = \(id), lease_expires_at = now() + \(Self.leaseSeconds) * interval '1 second',
                log_position = (SELECT position FROM event_log_head)
            WHERE principal = \(stale.principal) AND key = \(stale.key) AND claim = \(stale.id) AND state = 'pending'
            RETURNING log_position
            """
        ).first
        guard let row else { return nil }
        return .claimed(
            Claim(principal: stale.principal, key: stale.key, id: id, logPosition: try row.decode(Int64.self, column: 0)))
    }

    @discardableResult
    private static func complete(_ claim: Claim, with response: StoredResponse, on connection: PostgresConnection) throws -> Bool
    {
        try connection.execute(
            """
            UPDATE idempotency_keys SET state = 'completed', status = \(response.status),
                header_names = \(response.headers.map(\.name)), header_values = \(response.headers.map(\.value)),
                body = \(response.body)
            WHERE principal = \(claim.principal) AND key = \(claim.key) AND claim = \(claim.id) AND state = 'pending'
            """) == 1
    }

    /// When the log holds events appended under this claim's key (after its position), the answer for retries:
    /// 303 See Other to the employee they changed. The original response is lost; the resource has the outcome.
    private func appliedResponse(_ claim: Claim, on connection: PostgresConnection) throws -> StoredResponse? {
        let streams = try connection.query(
            """
            SELECT stream_id FROM events
            WHERE metadata ? 'idempotency_key' AND metadata ->> 'idempotency_key' = \(claim.key)
              AND metadata ->> 'principal' = \(claim.principal) AND position > \(claim.logPosition)
            ORDER BY position LIMIT 1
            """
        ).map { try $0.decode(String.self, column: 0) }
        guard let stream = streams.first else { return nil }
        return lostResponseAnswer((try? EmployeeEventCodec.employeeNumber(of: StreamID(stream))).map { "/employees/\($0)" })
    }
}
