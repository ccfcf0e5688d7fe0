import App
import HTTP
import Postgres

/// The subcommands of the `employees` executable and their options, declared once.
public enum Subcommands {
    static let dataDirectory = OptionSpec(
        "data-dir", environment: "EMPLOYEES_DATA_DIR", kind: .value(placeholder: "PATH"), default: ".data",
        help: "folder for the embedded PostgreSQL cluster and generated keys")
    static let databaseURL = OptionSpec(
        "database-url", environment: "DATABASE_URL", kind: .value(placeholder: "URL"),
        help: "external PostgreSQL (URI or key=value); absent: the embedded cluster in the data folder")
    static let host = OptionSpec(
        "host", environment: "HOST", kind: .value(placeholder: "ADDRESS"), default: "127.0.0.1",
        help: "address to listen on (IPv4 or IPv6)")
    static let port = OptionSpec(
        "port", environment: "PORT", kind: .value(placeholder: "NUMBER"), default: "8080", help: "TCP port to listen on")

    static let readDatabaseURL = OptionSpec(
        "read-database-url", environment: "DATABASE_READ_URLS", kind: .repeatable(placeholder: "URL"),
        help: "a hot standby of the database for reads that may lag (repeatable; env: comma-separated)")
    static let embeddedReplicas = OptionSpec(
        "embedded-replicas", environment: "EMPLOYEES_EMBEDDED_REPLICAS", kind: .value(placeholder: "COUNT"), default: "0",
        help: "streaming standbys of the embedded cluster to start and read from (0 to 3)")
    static let tlsCertificate = OptionSpec(
        "tls-cert", environment: "TLS_CERT_FILE", kind: .value(placeholder: "FILE"),
        help: "serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key; SIGHUP reloads both")
    static let tlsKey = OptionSpec(
        "tls-key", environment: "TLS_KEY_FILE", kind: .value(placeholder: "FILE"),
        help: "the PEM private key (RSA, ECDSA or Ed25519, unencrypted) of --tls-cert")
    static let tlsSelfSigned = OptionSpec(
        "tls-self-signed", kind: .flag,
        help: "serve HTTPS with a self-signed certificate for localhost, generated into <data-dir>/tls")
    static let redirectHTTPPort = OptionSpec(
        "redirect-http-port", environment: "REDIRECT_HTTP_PORT", kind: .value(placeholder: "NUMBER"),
        help: "with HTTPS: also listen for plaintext HTTP on this port and answer only 308 to the https URL")
    static let tls = [tlsCertificate, tlsKey, tlsSelfSigned, redirectHTTPPort]

    static let database = [dataDirectory, databaseURL]
    static let sample = OptionSpec(
        "sample", kind: .value(placeholder: "PATH"),
        help: "the sample CSV (default: ../shared/data/employees.csv from the working directory or the executable's folders)")
    static let authority = OptionSpec(
        "authority", kind: .flag,
        help: "also check that every event's actor held the scopes its command required at that position")

    public static let all: [SubcommandSpec] =
        [
            SubcommandSpec(
                name: "serve", summary: "migrate the database, then serve the HTTP API",
                options: database + [readDatabaseURL, embeddedReplicas, host, port] + tls),
            SubcommandSpec(name: "migrate", summary: "apply the SQL migrations in sql/ and exit", options: database),
            SubcommandSpec(
                name: "verify-log",
                summary: "recompute the event log's hash chain, check positions are gapless, print the head (exit 1 if broken)",
                options: database + [authority, EvidenceSubcommands.trustedKeys]),
            SubcommandSpec(
                name: "rebuild-projections", summary: "replay the whole log into fresh read models and swap them in atomically",
                options: database),
            SubcommandSpec(
                name: "seed-demo", summary: "import the sample employees (once) and ensure the original system's demo users",
                options: database + [sample]),
        ] + DataSubcommands.specs + EvidenceSubcommands.specs

    public static let parser = CommandLineParser(subcommands: all)
}

extension ServiceConfiguration {
    /// The configuration a parsed `serve` (or any database subcommand) names, validated.
    init(_ invocation: ParsedInvocation) throws(UsageError) {
        guard let dataDirectory = invocation.value("data-dir"), !dataDirectory.isEmpty else {
            throw UsageError("--data-dir must not be empty")
        }
        let databaseURL = invocation.value("database-url")
        let host = invocation.value("host") ?? "127.0.0.1"
        guard !host.isEmpty, host.allSatisfy({ !$0.isWhitespace }) else { throw UsageError("--host must be an address") }
        let portText = invocation.value("port") ?? "8080"
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw UsageError("--port must be a number from 0 to 65535, not '\(portText)'")
        }
        let readURLs = invocation.values("read-database-url")
        guard readURLs.allSatisfy({ (try? PostgresConfiguration(url: $0)) != nil }) else {
            throw UsageError("a --read-database-url (DATABASE_READ_URLS) is not a valid connection string")
        }
        let replicasText = invocation.value("embedded-replicas") ?? "0"
        guard let replicas = Int(replicasText), (0...3).contains(replicas) else {
            throw UsageError("--embedded-replicas must be a number from 0 to 3, not '\(replicasText)'")
        }
        if replicas > 0 && databaseURL != nil {
            throw UsageError("--embedded-replicas needs the embedded cluster; with --database-url, give --read-database-url")
        }
        self.init(
            dataDirectory: dataDirectory, databaseURL: databaseURL, host: host, port: port, tls: try TLSSettings(invocation),
            readDatabaseURLs: readURLs, embeddedReplicas: replicas)
    }
}
