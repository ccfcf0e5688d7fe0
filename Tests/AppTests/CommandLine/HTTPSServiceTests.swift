import Foundation
import HTTP
import Synchronization
import TestSupport
import XCTest

@testable import App
@testable import EmployeesCLI

/// `serve` over HTTPS: the command line, start-up refusals, and a running service with a self-signed certificate and
/// a redirect listener, checked with curl.
final class HTTPSServiceTests: XCTestCase {
    private func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> TLSSettings {
        guard case .run(let invocation) = try Subcommands.parser.parse(["serve"] + arguments, environment: environment)
        else { throw UsageError("not runnable") }
        return try ServiceConfiguration(invocation).tls
    }

    func testTLSOptionsAndTheirMistakes() throws {
        XCTAssertEqual(try settings([]), TLSSettings())
        XCTAssertEqual(
            try settings(["--tls-cert", "c.pem", "--tls-key", "k.pem", "--redirect-http-port", "8080"]),
            TLSSettings(source: .files(certificate: "c.pem", key: "k.pem"), redirectHTTPPort: 8080))
        XCTAssertEqual(
            try settings([], environment: ["TLS_CERT_FILE": "/etc/c.pem", "TLS_KEY_FILE": "/etc/k.pem"]),
            TLSSettings(source: .files(certificate: "/etc/c.pem", key: "/etc/k.pem")))
        XCTAssertEqual(try settings(["--tls-self-signed"]), TLSSettings(source: .selfSigned))
        let mistakes: [([String], String)] = [
            (["--tls-cert", "c.pem"], "--tls-cert needs --tls-key"),
            (["--tls-key", "k.pem"], "--tls-key needs --tls-cert"),
            (["--tls-self-signed", "--tls-cert", "c", "--tls-key", "k"], "cannot be combined"),
            (["--redirect-http-port", "80"], "needs HTTPS"),
            (["--tls-self-signed", "--redirect-http-port", "x"], "must be a number"),
        ]
        for (arguments, message) in mistakes {
            XCTAssertThrowsError(try settings(arguments), "\(arguments)") { error in
                XCTAssertTrue((error as? UsageError)?.message.contains(message) == true, "\(error)")
            }
        }
    }

    /// Bad files stop `serve` with status 2 before the database is even opened.
    func testBadCertificateFilesExitWithStatus2() async throws {
        let folder = try TestCluster.makeTemporaryFolder()
        let notPEM = folder + "/not.pem"
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: notPEM))
        for arguments in [
            ["--tls-cert", folder + "/missing.pem", "--tls-key", folder + "/missing.key"],
            ["--tls-cert", notPEM, "--tls-key", notPEM],
        ] {
            let status = await Entrypoint.run(
                arguments: ["serve", "--data-dir", folder, "--port", "0"] + arguments, environment: [:])
            XCTAssertEqual(status, 2, "\(arguments)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/postgres"), "nothing was started")
    }

    func testSelfSignedServiceSendsHSTSDocumentsHTTPSAndRedirectsPlaintext() async throws {
        let cluster = try TestCluster.shared()
        let database = try cluster.createDatabase("https_\(UInt32.random(in: 0...UInt32.max))")
        let url = "host=\(cluster.socketDirectory) port=\(cluster.settings.port) user=postgres dbname=\(database.database)"
        let dataDirectory = try TestCluster.makeTemporaryFolder()
        let lines = LogLines()
        let service = try await EmployeeService.start(
            ServiceConfiguration(
                dataDirectory: dataDirectory, databaseURL: url, host: "127.0.0.1", port: 0,
                tls: TLSSettings(source: .selfSigned, redirectHTTPPort: 0)),
            environment: [:], log: { lines.append($0) })
        let port = service.addresses[0].port
        let certificate = dataDirectory + "/tls/self-signed-certificate.pem"
        var status = stat()
        XCTAssertEqual(stat(dataDirectory + "/tls/self-signed-key.pem", &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o600)
        let fingerprint = try XCTUnwrap(service.tls?.identity.fingerprint)
        XCTAssertTrue(lines.all.contains { $0.contains(fingerprint) }, "the fingerprint is printed: \(lines.all)")

        let health = try curl(["-sS", "-D", "-", "--cacert", certificate, "https://localhost:\(port)/healthz"])
        XCTAssertTrue(health.contains("HTTP/1.1 200"), health)
        XCTAssertTrue(health.contains("Strict-Transport-Security: max-age=31536000"), health)
        let missing = try curl(["-sS", "-D", "-", "--cacert", certificate, "https://localhost:\(port)/no-such-thing"])
        XCTAssertTrue(missing.contains("Strict-Transport-Security: max-age="), "on errors too: \(missing)")
        let document = try curl(["-sS", "--cacert", certificate, "https://localhost:\(port)/openapi.json"])
        let servers = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])?["servers"] as? [[String: Any]])
        XCTAssertEqual(servers.first?["url"] as? String, "https://{authority}")

        let redirectPort = try XCTUnwrap(service.tls?.redirectAddresses.first?.port)
        let redirect = try curl(["-sS", "-D", "-", "-o", "/dev/null", "http://localhost:\(redirectPort)/employees?q=a"])
        XCTAssertTrue(redirect.hasPrefix("HTTP/1.1 308 "), redirect)
        XCTAssertTrue(redirect.contains("Location: https://localhost:\(port)/employees?q=a"), redirect)
        let followed = try curl(["-sS", "-L", "--cacert", certificate, "http://localhost:\(redirectPort)/healthz"])
        XCTAssertFalse(followed.isEmpty)
        await service.shutdown()
    }

    private func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "--max-time", "10"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Log lines the service wrote, for assertions.
private final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
