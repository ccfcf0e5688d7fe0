import CLibSSL
import Foundation
import Glibc
import HTTP
import Synchronization
import XCTest

/// HTTPS on the server's own event loops, checked with independent clients: curl, Python's `ssl` module and
/// `openssl s_client`, each verifying the chain against the test CA.
final class TLSServerTests: XCTestCase {
    private func tlsServer(
        configure: (inout HTTPServer.Configuration) -> Void = { _ in },
        middleware: [any HTTPMiddleware<TestRoute>] = []
    ) throws -> TestServer {
        try TestServer(tls: true, middleware: middleware, configure: configure) { builder in
            try standardRoutes(&builder)
            try builder.add(.GET, "/tls", TestRoute { request, _ in .text(request.isTLS ? "tls" : "plain") })
        }
    }

    func testCurlOverTLS12AndTLS13WithALPN() throws {
        let files = try TLSFixtures.load()
        let server = try tlsServer()
        defer { server.stop() }
        let url = "https://localhost:\(server.port)/hello"
        for (flags, version) in [(["--tlsv1.2", "--tls-max", "1.2"], "TLSv1.2"), (["--tlsv1.3"], "TLSv1.3")] {
            let (status, output) = try runTool(
                "curl", ["-sS", "-v", "--max-time", "10", "--cacert", files.caCertificate] + flags + [url, url])
            XCTAssertEqual(status, 0, output)
            XCTAssertTrue(output.contains("SSL connection using \(version)"), output)
            XCTAssertTrue(output.contains("ALPN: server accepted http/1.1"), output)
            let (_, bodies) = try runTool("curl", ["-sS", "--cacert", files.caCertificate] + flags + [url, url])
            XCTAssertEqual(bodies, "hellohello")
            XCTAssertTrue(output.contains("Re-using existing connection"), "keep-alive over TLS: \(output)")
        }
        let (_, tls12) = try runTool(
            "curl", ["-sS", "-v", "--tlsv1.2", "--tls-max", "1.2", "--cacert", files.caCertificate, url])
        XCTAssertTrue(tls12.contains("ECDHE-ECDSA-AES128-GCM-SHA256"), tls12)
        let (status, big) = try runTool(
            "curl", ["-sS", "--cacert", files.caCertificate, "--data-binary", "@-", "https://localhost:\(server.port)/echo"],
            input: String(repeating: "z", count: 300_000))
        XCTAssertEqual(status, 0)
        XCTAssertEqual(big.count, 300_000, "a body larger than many TLS records arrives whole")
        let (_, streamed) = try runTool(
            "curl", ["-sS", "--cacert", files.caCertificate, "https://localhost:\(server.port)/stream/3"])
        XCTAssertEqual(streamed, "chunk 0\nchunk 1\nchunk 2\n")
    }

    func testPythonSSLVerifiesTheChainAndIsRefusedOldProtocolsAndNonAEADSuites() throws {
        let files = try TLSFixtures.load()
        let server = try tlsServer()
        defer { server.stop() }
        let script = """
            import socket, ssl, sys
            port, ca = int(sys.argv[1]), sys.argv[2]
            def attempt(configure, alpn=None):
                ctx = ssl.create_default_context(cafile=ca)
                configure(ctx)
                if alpn: ctx.set_alpn_protocols(alpn)
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                            s.sendall(b"GET /tls HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
                            data = b""
                            while True:
                                chunk = s.recv(4096)
                                if not chunk: break
                                data += chunk
                            body = data.split(b"\\r\\n\\r\\n", 1)[1].decode()
                            return "ok %s %s %s %s" % (s.version(), s.cipher()[0], s.selected_alpn_protocol(), body)
                except (ssl.SSLError, ConnectionError, OSError) as e:
                    return "refused"
            def tls13(ctx): ctx.minimum_version = ssl.TLSVersion.TLSv1_3
            def tls12(ctx):
                ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            def old(version):
                def configure(ctx):
                    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
                    ctx.maximum_version = version
                    ctx.set_ciphers("ALL:@SECLEVEL=0")
                return configure
            def cbc(ctx):
                ctx.maximum_version = ssl.TLSVersion.TLSv1_2
                ctx.set_ciphers("ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA")
            print(attempt(tls13, ["http/1.1"]))
            print(attempt(tls12, ["h2", "http/1.1"]))
            print(attempt(tls12))
            print(attempt(old(ssl.TLSVersion.TLSv1)))
            print(attempt(old(ssl.TLSVersion.TLSv1_1)))
            print(attempt(cbc))
            print(attempt(tls13, ["h2"]))
            plain = ssl.create_default_context()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                    with plain.wrap_socket(raw, server_hostname="localhost") as s:
                        print("unverified chain accepted")
            except ssl.SSLCertVerificationError:
                print("chain not trusted without the test CA")
            """
        let (status, output) = try runTool("python3", ["-W", "ignore", "-c", script, String(server.port), files.caCertificate])
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 8, output)
        guard lines.count == 8 else { return }
        XCTAssertTrue(lines[0].hasPrefix("ok TLSv1.3 TLS_AES_"), lines[0])
        XCTAssertTrue(lines[0].hasSuffix("http/1.1 tls"), lines[0])
        XCTAssertEqual(lines[1], "ok TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 http/1.1 tls")
        XCTAssertEqual(lines[2], "ok TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 None tls", "no ALPN is HTTP/1.1 too")
        XCTAssertEqual(lines[3], "refused", "TLS 1.0")
        XCTAssertEqual(lines[4], "refused", "TLS 1.1")
        XCTAssertEqual(lines[5], "refused", "CBC suites")
        XCTAssertEqual(lines[6], "refused", "ALPN without http/1.1")
        XCTAssertEqual(lines[7], "chain not trusted without the test CA")
    }

    func testOpenSSLProtocolMatrixAndSessionResumption() throws {
        let files = try TLSFixtures.load()
        let server = try tlsServer()
        defer { server.stop() }
        func sClient(_ arguments: [String]) throws -> (Int32, String) {
            try runTool(
                "openssl",
                [
                    "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost", "-CAfile",
                    files.caCertificate, "-verify_return_error", "-ign_eof",
                ] + arguments,
                input: "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        }
        let matrix: [([String], Bool)] = [
            (["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"], false),
            (["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"], false),
            (["-tls1_2"], true),
            (["-tls1_3"], true),
            (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"], false),
            (["-tls1_2", "-cipher", "AES128-GCM-SHA256"], false),
            (["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"], true),
            (["-tls1_2", "-legacy_renegotiation", "-no_ticket"], true),
        ]
        for (arguments, shouldConnect) in matrix {
            let (_, output) = try sClient(arguments)
            XCTAssertEqual(output.contains("HTTP/1.1 200 OK"), shouldConnect, "\(arguments): \(output)")
            if shouldConnect {
                XCTAssertTrue(output.contains("Verify return code: 0 (ok)"), output)
                XCTAssertTrue(output.contains("Compression: NONE") || arguments.contains("-tls1_3"), output)
            }
        }
        let session = try TLSFixtures.load().directory + "/session-\(server.port)"
        for version in ["-tls1_2", "-tls1_3"] {
            let (_, first) = try sClient([version, "-sess_out", session])
            XCTAssertTrue(first.contains("New, TLSv1."), first)
            let (_, resumed) = try sClient([version, "-sess_in", session])
            XCTAssertTrue(resumed.contains("Reused, TLSv1."), "session ticket resumption with \(version): \(resumed)")
        }
    }

    func testRSAAndEd25519KeysServe() throws {
        let files = try TLSFixtures.load()
        for (certificate, key, signature) in [
            (files.rsaCertificate, files.rsaKey, "RSA"), (files.ed25519Certificate, files.ed25519Key, "ED25519"),
        ] {
            let server = try TestServer(
                tls: true, configure: { $0.tls = try? TLSIdentity(certificateChainFile: certificate, privateKeyFile: key) }
            ) { builder in try standardRoutes(&builder) }
            defer { server.stop() }
            let (_, output) = try runTool(
                "openssl",
                [
                    "s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", files.caCertificate, "-verify_return_error",
                    "-tls1_3", "-ign_eof",
                ],
                input: "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            XCTAssertTrue(output.contains("HTTP/1.1 200 OK"), output)
            XCTAssertTrue(output.uppercased().contains("PEER SIGNATURE TYPE: \(signature)") || output.contains(signature), output)
        }
    }

    func testBadCertificateFilesAreRefusedWithAClearMessage() throws {
        let files = try TLSFixtures.load()
        let encrypted = files.directory + "/encrypted.key"
        _ = try runTool("openssl", ["pkey", "-in", files.key, "-aes256", "-passout", "pass:secret", "-out", encrypted])
        let cases: [(String, String, String)] = [
            ("/nonexistent/cert.pem", files.key, "cannot read the certificate file /nonexistent/cert.pem"),
            (files.certificate, "/nonexistent/key.pem", "cannot read the private key file /nonexistent/key.pem"),
            (files.key, files.key, "is not a PEM certificate chain"),
            (files.certificate, files.certificate, "is not an unencrypted PEM private key"),
            (files.certificate, encrypted, "is not an unencrypted PEM private key"),
            (files.certificate, files.otherKey, "does not match the certificate"),
            (files.certificate, files.rsaKey, "does not match the certificate"),
            (files.directory, files.key, "is not a regular file"),
        ]
        for (certificate, key, message) in cases {
            XCTAssertThrowsError(try TLSIdentity(certificateChainFile: certificate, privateKeyFile: key)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
                XCTAssertFalse("\(error)".contains("secret"))
            }
        }
    }

    func testPlaintextHTTPToTheTLSPortGetsAPlaintext400() throws {
        let server = try tlsServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 400)
        XCTAssertTrue(response.bodyText.contains("HTTPS"), response.bodyText)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.isClosedByServer())
    }

    func testHandshakeDeadlineClosesSilentAndHalfHelloClients() throws {
        let server = try tlsServer(configure: { $0.timeouts.tlsHandshake = .milliseconds(300) })
        defer { server.stop() }
        let silent = try RawClient(port: server.port, receiveTimeout: 3)
        let half = try RawClient(port: server.port, receiveTimeout: 3)
        try half.send(Array(TLSProbe.clientHello().prefix(40)))
        let started = Date()
        XCTAssertTrue(silent.isClosedByServer())
        XCTAssertTrue(half.isClosedByServer())
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
        let client = try server.connect()
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "hello")
    }

    func testRequestsKnowTheyCameOverTLSAndGetStrictTransportSecurity() throws {
        let server = try tlsServer(middleware: [StrictTransportSecurityMiddleware()])
        defer { server.stop() }
        let client = try server.connect()
        for path in ["/tls", "/missing"] {
            try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.header("Strict-Transport-Security"), "max-age=31536000", path)
            if path == "/tls" { XCTAssertEqual(response.bodyText, "tls") }
        }
        let plain = try TestServer { builder in
            try builder.add(.GET, "/tls", TestRoute { request, _ in .text(request.isTLS ? "tls" : "plain") })
        }
        defer { plain.stop() }
        let plainClient = try plain.connect()
        try plainClient.send("GET /tls HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try plainClient.readResponse().bodyText, "plain")
    }

    func testReloadKeepsOpenConnectionsAndNewOnesSeeTheNewCertificate() throws {
        let files = try TLSFixtures.load()
        let directory = files.directory + "/reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        try FileManager.default.copyItem(atPath: files.certificate, toPath: certificate)
        try FileManager.default.copyItem(atPath: files.key, toPath: key)
        let identity = try TLSIdentity(certificateChainFile: certificate, privateKeyFile: key)
        let server = try TestServer(tls: true, configure: { $0.tls = identity }) { builder in
            try standardRoutes(&builder)
        }
        defer { server.stop() }
        let before = identity.fingerprint
        let open = try server.connect()
        try open.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try open.readResponse().bodyText, "hello")
        XCTAssertEqual(try TLSProbe.peerFingerprint(port: server.port), before)

        for path in [certificate, key] { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.copyItem(atPath: files.otherCertificate, toPath: certificate)
        try FileManager.default.copyItem(atPath: files.otherKey, toPath: key)
        let after = try identity.reload()
        XCTAssertNotEqual(after, before)
        try open.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try open.readResponse().bodyText, "hello", "an established connection survives a reload")
        XCTAssertEqual(try TLSProbe.peerFingerprint(port: server.port), after)

        // A bad pair (the old key with the new certificate) is refused and the current certificate stays.
        try FileManager.default.removeItem(atPath: key)
        try FileManager.default.copyItem(atPath: files.key, toPath: key)
        XCTAssertThrowsError(try identity.reload())
        XCTAssertEqual(identity.fingerprint, after)
        XCTAssertEqual(try TLSProbe.peerFingerprint(port: server.port), after)
    }

    /// Clients keep making new connections and keep-alive requests while the certificate is swapped back and forth:
    /// not one request fails, and every reload is taken.
    func testReloadUnderLoadFailsNoRequest() throws {
        let files = try TLSFixtures.load()
        let directory = files.directory + "/load-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        func install(_ pair: (String, String)) throws {
            for (source, target) in [(pair.0, certificate), (pair.1, key)] {
                try? FileManager.default.removeItem(atPath: target + ".new")
                try FileManager.default.copyItem(atPath: source, toPath: target + ".new")
                guard rename(target + ".new", target) == 0 else { throw TestError("rename") }
            }
        }
        try install((files.certificate, files.key))
        let identity = try TLSIdentity(certificateChainFile: certificate, privateKeyFile: key)
        let server = try TestServer(tls: true, configure: { $0.tls = identity }) { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        let stop = Atomic<Bool>(false)
        let failures = Counter()
        let answered = Counter()
        let finished = DispatchGroup()
        for _ in 0..<4 {
            finished.enter()
            Thread {
                defer { finished.leave() }
                while !stop.load(ordering: .relaxed) {
                    do {
                        let client = try server.connect()
                        for _ in 0..<5 {
                            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                            guard try client.readResponse().bodyText == "hello" else { throw TestError("wrong body") }
                            answered.increment()
                        }
                    } catch {
                        failures.increment()
                    }
                }
            }.start()
        }
        var reloads = 0
        for round in 0..<20 {
            usleep(40_000)
            try install(round % 2 == 0 ? (files.otherCertificate, files.otherKey) : (files.certificate, files.key))
            try identity.reload()
            reloads += 1
        }
        stop.store(true, ordering: .relaxed)
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(reloads, 20)
        XCTAssertEqual(failures.count, 0)
        XCTAssertGreaterThan(answered.count, 100)
    }

    /// The fuzzing corpus (and its seeds), each file sent whole over TLS: the server answers or closes, never hangs or
    /// falls over, and serves the next client.
    func testCorpusOverTLS() throws {
        let server = try tlsServer(configure: {
            $0.timeouts.head = .milliseconds(500)
            $0.timeouts.body = .milliseconds(500)
        })
        defer { server.stop() }
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Corpus", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent != "README" }
        XCTAssertGreaterThan(files.count, 3)
        var answered = 0
        for file in files {
            let client = try server.connect()
            try client.send(Array(try Data(contentsOf: file)))
            if let response = try? client.readResponse() {
                XCTAssertTrue((100..<600).contains(response.status), file.lastPathComponent)
                answered += 1
            }
        }
        XCTAssertGreaterThan(answered, files.count / 2)
        let client = try server.connect()
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "hello")
    }

    /// Bounded here; `bench/fuzz-tls` runs the same for longer and watches the server's memory.
    func testTruncatedAndRandomClientHellosNeverHurtTheServer() throws {
        let server = try tlsServer(configure: { $0.timeouts.tlsHandshake = .milliseconds(500) })
        defer { server.stop() }
        let hello = TLSProbe.clientHello()
        XCTAssertGreaterThan(hello.count, 100)
        var generator = SystemRandomNumberGenerator()
        var inputs: [[UInt8]] = stride(from: 0, to: hello.count, by: max(1, hello.count / 40)).map { Array(hello.prefix($0)) }
        for _ in 0..<60 {
            var mutated = hello
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            inputs.append(mutated)
            inputs.append(
                [0x16, 0x03, 0x01] + (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255) })
            inputs.append((0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255) })
        }
        for input in inputs {
            let client = try RawClient(port: server.port, receiveTimeout: 2)
            try? client.send(input)
            client.shutdownWrite()
            _ = client.isClosedByServer()
        }
        let client = try server.connect()
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "hello", "the server still serves after \(inputs.count) bad hellos")
    }

    func testRedirectListenerAnswersOnly308ToHTTPS() async throws {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0)
        configuration.logger = CapturingLogger()
        let server = HTTPServer(
            configuration: configuration, responder: HTTPSRedirectResponder(httpsPort: 8443, fallbackHost: "localhost"))
        let port = try server.start()[0].port
        let cases: [(String, String)] = [
            (
                "GET /employees/10001?x=%20y&z HTTP/1.1\r\nHost: example.test:80\r\n\r\n",
                "https://example.test:8443/employees/10001?x=%20y&z"
            ),
            ("POST /oauth/token HTTP/1.1\r\nHost: [::1]:8080\r\nContent-Length: 2\r\n\r\nab", "https://[::1]:8443/oauth/token"),
            ("GET / HTTP/1.1\r\nHost: evil\r\nSet-Cookie: x\r\n\r\n", "https://evil:8443/"),
            ("GET /a HTTP/1.1\r\nHost: bad host/<>\r\n\r\n", "https://localhost:8443/a"),
        ]
        for (request, location) in cases {
            let client = try RawClient(port: port)
            try client.send(request)
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 308)
            XCTAssertEqual(response.header("Location"), location)
        }
        await server.shutdown()
    }

    func testSelfSignedCertificateIsGeneratedOnceWithAPrivateKeyFile() throws {
        let directory = NSTemporaryDirectory() + "self-signed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TLSSelfSignedCertificate.ensure(directory: directory, hosts: ["127.0.0.1", "myhost.test"])
        XCTAssertTrue(first.generated)
        var status = stat()
        XCTAssertEqual(stat(first.key, &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o600)
        let again = try TLSSelfSignedCertificate.ensure(directory: directory, hosts: ["127.0.0.1", "myhost.test"])
        XCTAssertFalse(again.generated, "reused while it still covers the names")
        let widened = try TLSSelfSignedCertificate.ensure(directory: directory, hosts: ["10.1.2.3"])
        XCTAssertTrue(widened.generated, "a new listen address needs a new certificate")
        let identity = try TLSIdentity(certificateChainFile: widened.certificate, privateKeyFile: widened.key)
        let (_, text) = try runTool(
            "openssl", ["x509", "-in", widened.certificate, "-noout", "-text", "-fingerprint", "-sha256"])
        XCTAssertTrue(text.contains("DNS:localhost"), text)
        XCTAssertTrue(text.contains("IP Address:10.1.2.3"), text)
        XCTAssertTrue(text.contains("IP Address:127.0.0.1"), text)
        XCTAssertTrue(text.contains(identity.fingerprint), "our fingerprint is the one openssl prints")
        let server = try TestServer(tls: true, configure: { $0.tls = identity }) { builder in try standardRoutes(&builder) }
        defer { server.stop() }
        let (curlStatus, output) = try runTool(
            "curl", ["-sS", "--cacert", widened.certificate, "https://localhost:\(server.port)/hello"])
        XCTAssertEqual(curlStatus, 0, output)
        XCTAssertEqual(output, "hello")
    }
}

/// TLS client pieces the tests need beyond `RawClient`.
enum TLSProbe {
    /// A real ClientHello as OpenSSL's client writes it (into a memory BIO; no socket involved).
    static func clientHello() -> [UInt8] {
        let context = SSL_CTX_new(TLS_client_method())!
        defer { SSL_CTX_free(context) }
        let ssl = SSL_new(context)!
        defer { SSL_free(ssl) }
        let input = BIO_new(BIO_s_mem())!
        let output = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, input, output)
        SSL_set_connect_state(ssl)
        _ = SSL_do_handshake(ssl)
        ERR_clear_error()
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = BIO_read(output, &bytes, Int32(bytes.count))
        return Array(bytes.prefix(Int(max(0, count))))
    }

    /// The SHA-256 fingerprint of the certificate a fresh connection is shown.
    static func peerFingerprint(port: Int) throws -> String {
        let (status, output) = try runTool(
            "bash",
            [
                "-c",
                "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256",
            ])
        guard status == 0, let value = output.split(separator: "=").last else { throw TestError("no certificate: \(output)") }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs a command-line tool with optional standard input; returns its exit status and combined output.
func runTool(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    let writer = Thread {
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
