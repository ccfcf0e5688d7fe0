import Crypto
import EventStore
import Foundation
import HTTP
import Postgres
import Records
import Security
import Synchronization

/// Makes the API's unsafe requests (POST, PUT, PATCH, DELETE) safe to retry: with an `Idempotency-Key` header, a
/// retry of the same request by the same principal gets the first response back and appends nothing.
///
/// It sits after authentication (keys are scoped to the principal) and around every handler, so no route has to
/// remember it. Outcomes for a request carrying a key:
/// - first use: the request runs; a 2xx response is stored once the handler returned, i.e. after its commit;
/// - same key, same request (method, path, body), completed: the stored status, headers and body, plus
///   `Idempotent-Replayed: true`;
/// - same key, another request: 422; same key while the first is still running: 409 with `Retry-After`;
/// - a failed request (4xx, 5xx) is not stored: it appended nothing, so the key is released and a retry runs again.
///   If the log does hold events of the request (it committed, then failed to answer), the key is kept and answers
///   303 See Other to the resource instead;
/// - a pending record whose lease ran out belongs to a request that died: the log decides, as above (events →
///   303; none → the retry runs).
/// Routes without a principal (the token endpoint, whose answers carry secrets) ignore the header.
struct IdempotencyMiddleware: HTTPMiddleware {
    typealias Route = App.Route

    static let headerName = "Idempotency-Key"
    static let replayedHeader = "Idempotent-Replayed"
    static let unsafeMethods: Set<HTTPMethod> = [.POST, .PUT, .PATCH, .DELETE]

    let store: IdempotencyStore

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws -> HTTPResponse {
        guard Self.unsafeMethods.contains(request.method), let principal = context[PrincipalKey.self],
            let key = try Self.key(in: request)
        else {
            return try await next(request, context)
        }
        let outcome: IdempotencyStore.Outcome
        do {
            outcome = try await store.claim(principal: principal.subject, key: key, fingerprint: Self.fingerprint(of: request))
        } catch {
            throw ErrorMapping.httpError(for: error)
        }
        switch outcome {
        case .claimed(let claim):
            let response: HTTPResponse
            do {
                response = try await next(request, context)
            } catch {
                _ = await store.settle(claim, response: nil)
                throw error
            }
            return await store.settle(claim, response: response) ?? response
        case .completed(let stored):
            var response = stored.response
            response.headers.set(Self.replayedHeader, "true")
            return response
        case .differentRequest:
            throw HTTPError(.unprocessableContent, detail: "This Idempotency-Key was already used for a different request")
        case .inFlight:
            throw HTTPError(
                .conflict, detail: "A request with this Idempotency-Key is still being processed; retry shortly",
                headers: ["Retry-After": String(ErrorMapping.retryAfterSeconds)])
        }
    }

    /// The request's key: 1–255 visible ASCII characters. Absent is fine (the request is simply not idempotent);
    /// malformed or repeated is a 400.
    static func key(in request: HTTPRequest) throws(HTTPError) -> String? {
        let values = request.headers.values(headerName)
        guard let key = values.first else { return nil }
        guard values.count == 1, (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw HTTPError(
                .badRequest, detail: "Idempotency-Key must appear once, with 1 to 255 visible ASCII characters",
                fieldErrors: [HTTPFieldError(field: headerName, message: "must be 1 to 255 visible ASCII characters")])
        }
        return key
    }

    /// SHA-256 over the method, the decoded path and the body, each part tagged and length-prefixed so that no two
    /// different requests share an input. A JSON body is hashed by its parsed value (member order and whitespace do
    /// not matter) with the values of members named like `password` left out: a fast hash of a password would undo
    /// Argon2 for anyone who reads this table. Two requests differing only in a password thus count as the same.
    static func fingerprint(of request: HTTPRequest) -> [UInt8] {
        var digest = SHA256()
        digest.add(request.method.rawValue)
        digest.add(request.path)
        if let json = try? StrictJSONParser.parse(request.body, maximumDepth: 16) {
            digest.add(tag: "j")
            digest.add(json)
        } else {
            digest.add(tag: "b")
            digest.add(bytes: request.body)
        }
        return digest.finalize()
    }
}

extension SHA256 {
    fileprivate mutating func add(tag: Character) {
        update(Array(tag.utf8))
    }

    fileprivate mutating func add(bytes: [UInt8]) {
        withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { update($0) }
        update(bytes)
    }

    fileprivate mutating func add(_ text: String) {
        add(bytes: Array(text.utf8))
    }

    fileprivate mutating func add(_ value: StrictJSONValue) {
        switch value {
        case .null: add(tag: "n")
        case .bool(let flag): add(tag: flag ? "t" : "f")
        case .integer(let number):
            add(tag: "i")
            withUnsafeBytes(of: number.bigEndian) { update($0) }
        case .fractional(let number):
            add(tag: "d")
            withUnsafeBytes(of: number.bitPattern.bigEndian) { update($0) }
        case .string(let text):
            add(tag: "s")
            add(text)
        case .array(let elements):
            add(tag: "a")
            withUnsafeBytes(of: UInt64(elements.count).bigEndian) { update($0) }
            for element in elements { add(element) }
        case .object(let members):
            add(tag: "o")
            withUnsafeBytes(of: UInt64(members.count).bigEndian) { update($0) }
            for name in members.keys.sorted() {
                add(name)
                if name.lowercased().contains("password") {
                    add(tag: "r")
                } else {
                    add(members[name]!)
                }
            }
        }
    }
}

/// A response kept for replay: status, the headers a client needs again, and the body.
struct StoredResponse: Sendable {
    static let keptHeaders = ["Content-Type", "Location", "ETag"]

    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The parts of `response` worth replaying, or nil when it must not be stored: not a 2xx, streamed, or marked
    /// `Cache-Control: no-store` (a response carrying a secret).
    init?(storing response: HTTPResponse) {
        guard (200...299).contains(response.status.code), case .bytes(let body) = response.body,
            !(response.headers["Cache-Control"]?.lowercased().contains("no-store") ?? false)
        else { return nil }
        status = response.status.code
        headers = Self.keptHeaders.compactMap { name in response.headers[name].map { (name: name, value: $0) } }
        self.body = body
    }

    var response: HTTPResponse {
        let reason = HTTPStatus.reasonPhrases[status] ?? ""
        return HTTPResponse(
            status: HTTPStatus(code: status, reasonPhrase: reason), headers: HTTPHeaders(headers), body: body)
    }
}

extension HTTPStatus {
    /// Reason phrases of the statuses a stored response can have.
    fileprivate static let reasonPhrases: [Int: String] = Dictionary(
        uniqueKeysWithValues: [HTTPStatus.ok, .created, .accepted, .noContent, .seeOther].map { ($0.code, $0.reasonPhrase) })
}

/// The `idempotency_keys` table (`sql/0006_idempotency.sql`): claims, stored responses, releases, and the log check
/// that settles requests whose outcome is unknown.
final class IdempotencyStore: Sendable {
    /// A record answers retries for this long; then the key may be reused for anything.
    static let retentionSeconds = 24 * 60 * 60
    /// How long a pending record protects a running request. Far beyond any request's duration (database waits are
    /// bounded by the pool's 5 s acquire timeout), so a live request is never taken over.
    static let leaseSeconds = 60
    /// One claim in this many also purges expired records.
    static let purgeInterval = 1_000

    /// A key this request holds until it settles it.
    struct Claim: Sendable {
        let principal: String
        let key: String
        let id: UUID
        /// The log's head when the key was claimed: events of this request can only come after it.
        let logPosition: Int64
    }

    enum Outcome: Sendable {
        case claimed(Claim)
        case completed(StoredResponse)
        case differentRequest
        case inFlight
    }

    let pool: PostgresPool
    private let claims = Atomic<Int>(0)

    init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Claims `key` for this request, or says what the record holding it answers.
    func claim(principal: String, key: String, fingerprint: [UInt8]) async throws -> Outcome {
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
                if let outcome = try Self.recover(stale, on: connection) { return outcome }
            }
            return .inFlight
        }
    }

    /// Records how the claimed request ended. A storable 2xx is kept for replay. Otherwise the log decides: if the
    /// request appended events, a 303 to the resource is kept for retries (and returned in place of a failure the
    /// handler answered after its commit); if not, the key is released. Storage failures are logged, never
    /// answered: the command's outcome stands, and a later retry settles the record from the log.
    func settle(_ claim: Claim, response: HTTPResponse?) async -> HTTPResponse? {
        let succeeded = response.map { (200...299).contains($0.status.code) } ?? false
        do {
            return try await pool.withConnection { connection in
                if let response, let stored = StoredResponse(storing: response) {
                    try Self.complete(claim, with: stored, on: connection)
                    return nil
                }
                if let applied = try Self.appliedResponse(claim, on: connection) {
                    try Self.complete(claim, with: applied, on: connection)
                    return succeeded ? nil : applied.response
                }
                try connection.execute(
                    """
                    DELETE FROM idempotency_keys
                    WHERE principal = \(claim.principal) AND key = \(claim.key) AND claim = \(claim.id)
                    """)
                return nil
            }
        } catch {
            StandardError.write("idempotency record not settled: \(type(of: error))")
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
    private static func recover(_ stale: Claim, on connection: PostgresConnection) throws -> Outcome? {
        if let applied = try appliedResponse(stale, on: connection) {
            return try complete(stale, with: applied, on: connection) ? .completed(applied) : nil
        }
        let id = UUID()
        let row = try connection.query(
            """
            UPDATE idempotency_keys SET claim = \(id), lease_expires_at = now() + \(leaseSeconds) * interval '1 second',
                log_position = (SELECT position FROM event_log_head)
            WHERE principal = \(stale.principal) AND key = \(stale.key) AND claim = \(stale.id) AND state = 'pending'
            RETURNING log_position
            """
        ).first
        guard let row else { return nil }
        return .claimed(Claim(principal: stale.principal, key: stale.key, id: id, logPosition: try row.decode(Int64.self, column: 0)))
    }

    @discardableResult
    private static func complete(_ claim: Claim, with response: StoredResponse, on connection: PostgresConnection) throws -> Bool {
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
    private static func appliedResponse(_ claim: Claim, on connection: PostgresConnection) throws -> StoredResponse? {
        let streams = try connection.query(
            """
            SELECT stream_id FROM events
            WHERE metadata ? 'idempotency_key' AND metadata ->> 'idempotency_key' = \(claim.key)
              AND metadata ->> 'principal' = \(claim.principal) AND position > \(claim.logPosition)
            ORDER BY position LIMIT 1
            """
        ).map { try $0.decode(String.self, column: 0) }
        guard let stream = streams.first else { return nil }
        let location = (try? EmployeeProjection.employeeNumber(of: StreamID(stream))).map { "/employees/\($0)" }
        let body = AppliedBody(
            detail: "This request was applied, but its response was lost; the resource has the outcome", location: location)
        var headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json")]
        if let location { headers.append((name: "Location", value: location)) }
        return StoredResponse(status: HTTPStatus.seeOther.code, headers: headers, body: try JSONResponse.bytes(body))
    }

    private struct AppliedBody: Encodable {
        let detail: String
        let location: String?
    }
}
