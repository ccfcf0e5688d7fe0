import Dispatch
import Glibc
import HTTP

// A minimal server for `bench/http`: `GET /healthz` answers `ok`.
// Usage: HTTPBenchServer [port] [--access-log] [--global-executor] [--tls-cert FILE --tls-key FILE]
let arguments = CommandLine.arguments.dropFirst()
let port = arguments.first.flatMap { Int($0) } ?? 8080
let logger = StandardErrorLogger()
var builder = RouterBuilder<BenchRoute>()
try builder.add(.GET, "/healthz", BenchRoute())
let middleware: [any HTTPMiddleware<BenchRoute>] =
    arguments.contains("--access-log") ? [AccessLogMiddleware(logger: logger)] : []
let application = HTTPApplication(router: builder.build(), middleware: middleware, logger: logger) { _, _, _ in
    HTTPResponse.text("ok")
}
var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: port)
configuration.maxConnections = 20_000
configuration.runsHandlersOnEventLoops = !arguments.contains("--global-executor")
configuration.logger = logger
// With TLS, SIGHUP reloads the certificate and key (bench/https swaps them under load).
var reloadSignal: (any DispatchSourceSignal)?
if let certificate = arguments.firstIndex(of: "--tls-cert").map({ arguments[$0 + 1] }),
    let key = arguments.firstIndex(of: "--tls-key").map({ arguments[$0 + 1] })
{
    let identity = try TLSIdentity(certificateChainFile: certificate, privateKeyFile: key)
    configuration.tls = identity
    reloadSignal = reloadOnHangUp(identity, logger: logger)
}

/// Outside top-level code, so the handler is not main-actor isolated: it runs on a dispatch queue.
func reloadOnHangUp(_ identity: TLSIdentity, logger: StandardErrorLogger) -> any DispatchSourceSignal {
    signal(SIGHUP, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
    source.setEventHandler {
        do throws(TLSError) {
            let fingerprint = try identity.reload()
            logger.log(.info, "reloaded the certificate: SHA-256 \(fingerprint)")
        } catch {
            logger.log(.warning, "reload refused: \(error)")
        }
    }
    source.resume()
    return source
}
let server = HTTPServer(configuration: configuration, responder: application)
try server.start()
await server.waitUntilStopped()
