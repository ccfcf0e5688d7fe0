import CLibPQ

/// Where and as whom to connect. Built from `DATABASE_URL` or from fields, and handed to libpq as keyword/value arrays
/// (never as a conninfo string we assemble, so no value can inject another keyword).
/// `description` never shows the password: the configuration can be logged.
public struct PostgresConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// A TCP host (name or address) or the directory holding the server's Unix socket.
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket is `<directory>/.s.PGSQL.<port>`.
        case unixSocket(directory: String, port: Int)
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var password: String?
    public var applicationName: String?
    /// Seconds libpq waits for a connection to open. libpq treats values below 2 as 2; keep it short so a dead server
    /// is reported quickly.
    public var connectTimeoutSeconds: Int
    /// Further libpq keywords (e.g. `sslmode`), passed through unchanged.
    public var additionalParameters: [String: String]

    public init(
        endpoint: Endpoint, user: String, database: String, password: String? = nil,
        applicationName: String? = nil, connectTimeoutSeconds: Int = 3, additionalParameters: [String: String] = [:]
    ) {
        self.endpoint = endpoint
        self.user = user
        self.database = database
        self.password = password
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.additionalParameters = additionalParameters
    }

    /// Parses a `DATABASE_URL`: a URI (`postgresql://user:secret@host:5432/db?application_name=x`, with
    /// `?host=/socket/dir` or a percent-encoded path as host for a Unix socket) or libpq's `key=value` form.
    /// libpq's own parser does the parsing. Missing parts default to the Debian socket directory
    /// `/var/run/postgresql`, port 5432, user `postgres`, and a database named like the user.
    /// The error never repeats the input, which may hold a password.
    public init(url: String) throws(PostgresError) {
        var parsed: [String: String] = [:]
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresError(kind: .invalidConfiguration, message: "DATABASE_URL is not a valid connection string")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
            option += 1
        }

        let portText = parsed.removeValue(forKey: "port")
        let port: Int
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw PostgresError(kind: .invalidConfiguration, message: "port is not a number between 1 and 65535")
            }
            port = number
        } else {
            port = 5432
        }
        let host = parsed.removeValue(forKey: "host") ?? "/var/run/postgresql"
        endpoint = host.hasPrefix("/") ? .unixSocket(directory: host, port: port) : .tcp(host: host, port: port)
        user = parsed.removeValue(forKey: "user") ?? "postgres"
        database = parsed.removeValue(forKey: "dbname") ?? user
        password = parsed.removeValue(forKey: "password")
        applicationName = parsed.removeValue(forKey: "application_name")
        if let timeoutText = parsed.removeValue(forKey: "connect_timeout") {
            guard let seconds = Int(timeoutText), seconds >= 0 else {
                throw PostgresError(kind: .invalidConfiguration, message: "connect_timeout is not a whole number")
            }
            connectTimeoutSeconds = seconds
        } else {
            connectTimeoutSeconds = 3
        }
        additionalParameters = parsed
    }

    /// The same server, credentials and settings, for another database (tests create a fresh one per suite).
    public func withDatabase(_ name: String) -> PostgresConfiguration {
        var copy = self
        copy.database = name
        return copy
    }

    /// The keyword/value pairs for `PQconnectdbParams`, in a stable order.
    var libpqParameters: [(keyword: String, value: String)] {
        var parameters: [(keyword: String, value: String)]
        switch endpoint {
        case .tcp(let host, let port): parameters = [("host", host), ("port", String(port))]
        case .unixSocket(let directory, let port): parameters = [("host", directory), ("port", String(port))]
        }
        parameters += [("user", user), ("dbname", database), ("connect_timeout", String(connectTimeoutSeconds))]
        if let password { parameters.append(("password", password)) }
        if let applicationName { parameters.append(("application_name", applicationName)) }
        parameters.append(("client_encoding", "UTF8"))
        for key in additionalParameters.keys.sorted() { parameters.append((key, additionalParameters[key] ?? "")) }
        return parameters
    }

    /// A URI-like summary without the password.
    public var description: String {
        var text = "postgresql://\(user)"
        if password != nil { text += ":***" }
        switch endpoint {
        case .tcp(let host, let port): text += "@\(host):\(port)/\(database)"
        case .unixSocket(let directory, let port): text += "@/\(database)?host=\(directory)&port=\(port)"
        }
        if let applicationName { text += (text.contains("?") ? "&" : "?") + "application_name=\(applicationName)" }
        return text
    }
}
