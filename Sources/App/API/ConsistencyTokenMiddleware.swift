import HTTP
import Operations
import Postgres
import Records

/// Adds a `Consistency-Token` to every 2xx answer of a command (any method but GET, HEAD and OPTIONS), and to the
/// `303 See Other` a console form answers after its command (the page then remembers it, see `ConsistencyCookie`),
/// once the command has committed: the handler returns only after its events are durably committed, so the position read here
/// is at or past the commit (see `WALInsertPosition`). Installed only when the service reads from standbys.
///
/// If the position cannot be read (the primary went away just after the commit), the answer goes out without a token:
/// the command did commit, and the client's next read simply may lag.
struct ConsistencyTokenMiddleware: HTTPMiddleware {
    let positions: WALInsertPosition

    func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws -> HTTPResponse {
        var response = try await next(request, context)
        guard ![HTTPMethod.GET, .HEAD, .OPTIONS].contains(request.method),
            (200..<300).contains(response.status.code) || response.status == .seeOther,
            let position = try? await positions.current()
        else { return response }
        response.headers.set(ConsistencyToken.header, ConsistencyToken(position).headerValue)
        return response
    }
}
