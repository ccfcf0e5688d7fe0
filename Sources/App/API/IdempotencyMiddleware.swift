import Accounts
import Crypto
import HTTP
import JSONText
import Operations
import Postgres
import Security

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
    typealias Route = Operations.Route

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
                _ = await settle(claim, response: nil)
                throw error
            }
            return await settle(claim, response: response) ?? response
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

    /// Settles through the store; a storage failure is logged, never answered (see `IdempotencyStore.settle`).
    private func settle(_ claim: IdempotencyStore.Claim, response: HTTPResponse?) async -> HTTPResponse? {
        let succeeded = response.map { (200...299).contains($0.status.code) } ?? false
        do {
            let stored = response.flatMap(StoredResponse.init(storing:))
            return try await store.settle(claim, storing: stored, succeeded: succeeded)?.response
        } catch {
            StandardError.write("idempotency record not settled: \(type(of: error))")
            return nil
        }
    }

    /// The store, with the 303 answer for requests whose response was lost.
    static func store(pool: PostgresPool) -> IdempotencyStore {
        IdempotencyStore(pool: pool) { location in
            let body = AppliedBody(
                detail: "This request was applied, but its response was lost; the resource has the outcome", location: location)
            var headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json")]
            if let location { headers.append((name: "Location", value: location)) }
            let bytes = (try? JSONResponse.bytes(body)) ?? []
            return StoredResponse(status: HTTPStatus.seeOther.code, headers: headers, body: bytes)
        }
    }

    private struct AppliedBody: Encodable {
        let detail: String
        let location: String?
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
