/// How `serve` speaks HTTPS (the command line fills it in and checks that the options fit together).
public struct TLSSettings: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case none
        case files(certificate: String, key: String)
        /// Generated into (and reused from) `<data-dir>/tls`.
        case selfSigned
    }

    public let source: Source
    /// A plaintext port that only redirects to HTTPS; nil for none.
    public let redirectHTTPPort: Int?

    public init(source: Source = .none, redirectHTTPPort: Int? = nil) {
        self.source = source
        self.redirectHTTPPort = redirectHTTPPort
    }

    public var isEnabled: Bool { source != .none }
}
