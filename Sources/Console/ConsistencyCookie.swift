import HTTP

/// The browser's read-your-writes: a page that ran a command remembers the command's `Consistency-Token` in a short
/// cookie, and the next pages send it back as the header the read routing honours, so an HR user who saves a record
/// and lands on it sees the change even when the page is read from a standby (or from another instance).
///
/// The cookie holds nothing secret (a WAL position), lives a minute (past any sane replica lag), and is `HttpOnly`,
/// `SameSite=Strict`, `Path=/`, `Secure` as the session cookie is. Its value is checked to be token-shaped before it
/// becomes a header; an unknown token reads on the primary.
enum ConsistencyCookie {
    static let name = "employees_consistency"
    static let maxAgeSeconds = 60

    /// The remembered token of the request's `Cookie` header(s), if one is there and token-shaped.
    static func token(in request: HTTPRequest) -> String? {
        guard let value = SessionCookie.cookie(named: name, in: request), (1...64).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: ".")
            })
        else { return nil }
        return value
    }

    static func setCookie(_ token: String, settings: ConsoleSettings) -> String {
        "\(name)=\(token); Path=/; Max-Age=\(maxAgeSeconds); HttpOnly; SameSite=Strict\(settings.secureCookie ? "; Secure" : "")"
    }
}
