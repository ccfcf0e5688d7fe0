import HTTP

/// Where the service keeps its state, how it reaches PostgreSQL and where it listens (the command line validates it).
public struct ServiceConfiguration: Sendable, Equatable {
    public let dataDirectory: String
    /// nil means: start the embedded cluster inside `dataDirectory`.
    public let databaseURL: String?
    public let host: String
    public let port: Int
    /// How `serve` speaks: plaintext HTTP, or HTTPS (see `ServiceTLS`).
    public let tls: TLSSettings
    /// Hot standbys for reads that may lag; empty: every read on the primary.
    public let readDatabaseURLs: [String]
    /// Streaming standbys of the embedded cluster to start and read from.
    public let embeddedReplicas: Int

    public init(
        dataDirectory: String, databaseURL: String?, host: String = "127.0.0.1", port: Int = 8080,
        tls: TLSSettings = TLSSettings(), readDatabaseURLs: [String] = [], embeddedReplicas: Int = 0
    ) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.tls = tls
        self.readDatabaseURLs = readDatabaseURLs
        self.embeddedReplicas = embeddedReplicas
    }
}
