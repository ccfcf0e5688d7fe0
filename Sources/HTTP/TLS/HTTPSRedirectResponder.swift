/// The plaintext listener beside an HTTPS server (`--redirect-http-port`): every request is answered `308 Permanent
/// Redirect` to the same path and query over HTTPS, and nothing else is served, so no credential or personal record
/// ever travels in the clear from this side.
///
/// The host comes from the request's `Host` header when it is a plain name or address (anything else could inject
/// into `Location`), else from `fallbackHost`. 308 keeps the method and body, unlike 301.
public struct HTTPSRedirectResponder: HTTPResponder {
    static let permanentRedirect = HTTPStatus(code: 308, reasonPhrase: "Permanent Redirect")
    public let httpsPort: Int
    public let fallbackHost: String

    public init(httpsPort: Int, fallbackHost: String) {
        self.httpsPort = httpsPort
        self.fallbackHost = fallbackHost
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let host = request.headers["Host"].flatMap(Self.hostName) ?? fallbackHost
        let authority = (host.contains(":") ? "[\(host)]" : host) + (httpsPort == 443 ? "" : ":\(httpsPort)")
        let location = "https://\(authority)\(request.rawPath)" + (request.rawQuery.isEmpty ? "" : "?\(request.rawQuery)")
        return HTTPResponse(
            status: Self.permanentRedirect,
            headers: ["Location": location, "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"],
            body: Array("This service is served over HTTPS: \(location)\n".utf8))
    }

    /// The host part of a `Host` header (`name`, `name:port`, `[v6]`, `[v6]:port`) if it is made of safe characters.
    static func hostName(_ header: String) -> String? {
        var host = Substring(header)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, host.count <= 255,
            host.unicodeScalars.allSatisfy({ scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-"
                        || scalar == ":")
            })
        else { return nil }
        return String(host)
    }
}
