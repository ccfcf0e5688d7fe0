import App
import HTTP

extension TLSSettings {
    /// The HTTPS options of `serve`, checked for consistency before anything starts.
    init(_ invocation: ParsedInvocation) throws(UsageError) {
        let certificate = invocation.value("tls-cert").flatMap { $0.isEmpty ? nil : $0 }
        let key = invocation.value("tls-key").flatMap { $0.isEmpty ? nil : $0 }
        let source: Source
        switch (certificate, key, invocation.flag("tls-self-signed")) {
        case (nil, nil, false):
            source = .none
        case (nil, nil, true):
            source = .selfSigned
        case (let certificate?, let key?, false):
            source = .files(certificate: certificate, key: key)
        case (_, _, true):
            throw UsageError("--tls-self-signed cannot be combined with --tls-cert or --tls-key")
        case (nil, _, false):
            throw UsageError("--tls-key needs --tls-cert (the certificate chain it belongs to)")
        case (_, nil, false):
            throw UsageError("--tls-cert needs --tls-key (the certificate's private key)")
        }
        var redirectHTTPPort: Int?
        if let text = invocation.value("redirect-http-port"), !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw UsageError("--redirect-http-port must be a number from 0 to 65535, not '\(text)'")
            }
            guard source != .none else {
                throw UsageError("--redirect-http-port needs HTTPS (--tls-cert or --tls-self-signed)")
            }
            redirectHTTPPort = port
        }
        self.init(source: source, redirectHTTPPort: redirectHTTPPort)
    }
}
