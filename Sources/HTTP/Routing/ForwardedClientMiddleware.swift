/// Behind a reverse proxy, takes the client's address from `X-Forwarded-For`, but only on requests that come from a
/// proxy the operator named; every other peer's header is ignored, since any client can send one.
///
/// Why it matters: the access log, the security log and the per-address login throttle all key on the client address.
/// Behind a proxy that is the proxy's address for everyone, so one attacker's failures would throttle every user and
/// the logs would not name anybody. The header is read from the right: each trusted proxy appends the address it
/// received the request from, so the rightmost address that is not a trusted proxy is the first one no trusted party
/// vouches for, the client. Whatever a client wrote further left is not believed. A header that is malformed or holds
/// only trusted addresses leaves the peer's address in place. Only `X-Forwarded-For` is read (what nginx and most load
/// balancers send); `Forwarded`, `X-Real-IP` and `X-Forwarded-Proto` are ignored from everyone.
public struct ForwardedClientMiddleware<Route: Sendable>: HTTPMiddleware {
    public let trustedProxies: [IPNetwork]

    public init(trustedProxies: [IPNetwork]) {
        self.trustedProxies = trustedProxies
    }

    public func handle(
        _ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>
    ) async throws -> HTTPResponse {
        guard isTrusted(request.remoteAddress), let client = client(forwardedFor: request.headers.values("X-Forwarded-For"))
        else { return try await next(request, context) }
        var forwarded = request
        forwarded.remoteAddress = client
        return try await next(forwarded, context)
    }

    /// The client in the forwarding chain, or nil when the chain names none that can be used.
    func client(forwardedFor fields: [String]) -> String? {
        let hops = fields.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingASCIISpaces() }
        for hop in hops.reversed() {
            guard IPNetwork.isAddress(hop) else { return nil }
            if !isTrusted(hop) { return hop }
        }
        return nil
    }

    private func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
