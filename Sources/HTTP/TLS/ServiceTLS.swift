import Dispatch
import Foundation
import Glibc
import Synchronization

/// HTTPS for a server: the certificate and key (from files, or generated self-signed), the reload on `SIGHUP`, and the
/// optional plaintext listener that only redirects to HTTPS.
///
/// Everything that can be wrong with the files is found in `prepare`, before the database starts, and reported as a
/// `TLSConfigurationError` (exit status 2). A reload that fails keeps the certificate in use and says why in the log.
public final class ServiceTLS: Sendable {
    public let identity: TLSIdentity
    private let settings: TLSSettings
    private let host: String
    private let log: @Sendable (String) -> Void
    private let running: RunningTLSParts

    private init(identity: TLSIdentity, settings: TLSSettings, host: String, log: @escaping @Sendable (String) -> Void) {
        self.identity = identity
        self.settings = settings
        self.host = host
        self.log = log
        running = RunningTLSParts()
    }

    /// nil when `settings` ask for plaintext HTTP. A generated certificate is kept in `<dataDirectory>/tls`, for `host`.
    public static func prepare(
        _ settings: TLSSettings, host: String, dataDirectory: String, log: @escaping @Sendable (String) -> Void
    ) throws -> ServiceTLS? {
        let identity: TLSIdentity
        do {
            switch settings.source {
            case .none:
                return nil
            case .files(let certificate, let key):
                identity = try TLSIdentity(certificateChainFile: certificate, privateKeyFile: key)
            case .selfSigned:
                try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
                let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("tls").path
                let files = try TLSSelfSignedCertificate.ensure(directory: directory, hosts: [host])
                identity = try TLSIdentity(certificateChainFile: files.certificate, privateKeyFile: files.key)
                log("TLS: \(files.generated ? "generated a" : "using the") self-signed certificate \(files.certificate)")
            }
        } catch let error as TLSError {
            throw TLSConfigurationError(description: "TLS: \(error.description)")
        }
        log("TLS: certificate SHA-256 fingerprint \(identity.fingerprint)")
        return ServiceTLS(identity: identity, settings: settings, host: host, log: log)
    }

    /// Starts the redirect listener (if asked for) and the reload on SIGHUP; returns the redirect listener's addresses.
    @discardableResult
    public func start(httpsPort: Int) throws -> [HTTPServer.Address] {
        running.reloadSignal.withLock { $0 = ReloadSignal(identity: identity, log: log) }
        guard let port = settings.redirectHTTPPort else { return [] }
        var configuration = HTTPServer.Configuration(host: host, port: port)
        configuration.eventLoops = 1
        configuration.logger = StandardErrorLogger()
        let fallbackHost = ["0.0.0.0", "::", ""].contains(host) ? "localhost" : host
        let server = HTTPServer(
            configuration: configuration, responder: HTTPSRedirectResponder(httpsPort: httpsPort, fallbackHost: fallbackHost))
        let addresses = try server.start()
        running.redirectServer.withLock { $0 = server }
        running.redirectAddresses.withLock { $0 = addresses }
        log("redirecting plaintext HTTP on \(addresses.map(\.description).joined(separator: ", ")) to HTTPS")
        return addresses
    }

    /// Where the plaintext redirect listener listens; empty without one.
    public var redirectAddresses: [HTTPServer.Address] { running.redirectAddresses.withLock { $0 } }

    public func stop() async {
        running.reloadSignal.withLock { $0 = nil }
        let server = running.redirectServer.withLock { server in
            defer { server = nil }
            return server
        }
        await server?.shutdown()
    }
}

/// What `ServiceTLS` starts after it is made.
private final class RunningTLSParts: Sendable {
    let reloadSignal = Mutex<ReloadSignal?>(nil)
    let redirectServer = Mutex<HTTPServer?>(nil)
    let redirectAddresses = Mutex<[HTTPServer.Address]>([])
}

/// SIGHUP → `TLSIdentity.reload()`, with one log line either way. Cancelled when released.
/// `@unchecked Sendable` is safe: `source` is immutable after init, and a dispatch source's `cancel()` may be called from
/// any thread (libdispatch's sources are internally synchronized).
private final class ReloadSignal: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(identity: TLSIdentity, log: @escaping @Sendable (String) -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do throws(TLSError) {
                let fingerprint = try identity.reload()
                log("TLS: SIGHUP: reloaded \(identity.certificateChainFile); SHA-256 fingerprint \(fingerprint)")
            } catch {
                log("TLS: SIGHUP: reload refused, still serving the previous certificate: \(error.description)")
            }
        }
        source.resume()
    }

    deinit {
        source.cancel()
    }
}
