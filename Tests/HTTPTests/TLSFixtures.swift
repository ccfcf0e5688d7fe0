import CLibSSL
import Foundation
import Glibc
import HTTP
import XCTest

/// A test CA and server certificates made with the `openssl` command line (an independent implementation of the
/// certificate side), once per test process, in a temporary folder.
enum TLSFixtures {
    struct Files: Sendable {
        let directory: String
        let caCertificate: String
        /// Leaf then intermediate-free chain: the leaf signed by the test CA.
        let certificate: String
        let key: String
        let rsaCertificate: String
        let rsaKey: String
        let ed25519Certificate: String
        let ed25519Key: String
        /// A second leaf for reload tests.
        let otherCertificate: String
        let otherKey: String
    }

    static let files: Result<Files, TestError> = make()

    static func load() throws -> Files {
        try files.get()
    }

    static func identity() throws -> TLSIdentity {
        let files = try load()
        return try TLSIdentity(certificateChainFile: files.certificate, privateKeyFile: files.key)
    }

    private static func make() -> Result<Files, TestError> {
        let directory = NSTemporaryDirectory() + "tls-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(directory)'
            cat > leaf.ext <<EXT
            basicConstraints=critical,CA:FALSE
            subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
            extendedKeyUsage=serverAuth
            EXT
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
              -subj /CN=test-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
            leaf() {
              openssl req -new -key "$1.key" -out "$1.csr" -subj /CN=localhost 2>/dev/null
              openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile leaf.ext \
                -out "$1.pem" 2>/dev/null
            }
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null; leaf ec
            openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null; leaf rsa
            openssl genpkey -algorithm ED25519 -out ed25519.key 2>/dev/null; leaf ed25519
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null; leaf other
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(TestError("openssl: \(error)"))
        }
        guard process.terminationStatus == 0 else { return .failure(TestError("openssl failed to make the fixtures")) }
        let path = { (name: String) in directory + "/" + name }
        return .success(
            Files(
                directory: directory, caCertificate: path("ca.pem"), certificate: path("ec.pem"), key: path("ec.key"),
                rsaCertificate: path("rsa.pem"), rsaKey: path("rsa.key"), ed25519Certificate: path("ed25519.pem"),
                ed25519Key: path("ed25519.key"), otherCertificate: path("other.pem"), otherKey: path("other.key")))
    }
}

/// The client side of TLS for `RawClient`: OpenSSL on the blocking test socket, verifying the server against the test
/// CA. The handshake happens at the first read or write, so a server that refuses before any TLS is observable.
final class TLSClientSession {
    private let context: OpaquePointer
    let ssl: OpaquePointer
    private var handshakeDone = false

    init(fd: Int32, caFile: String) throws {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TestError("SSL_CTX_new") }
        self.context = context
        SSL_CTX_load_verify_locations(context, caFile, nil)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let ssl = SSL_new(context) else { throw TestError("SSL_new") }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        SSL_set1_host(ssl, "localhost")
        SSL_set_connect_state(ssl)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Completes the handshake; false if the server ended the connection instead.
    func handshake() -> Bool {
        if handshakeDone { return true }
        ERR_clear_error()
        handshakeDone = SSL_do_handshake(ssl) == 1
        if !handshakeDone { ERR_clear_error() }
        return handshakeDone
    }

    func send(_ bytes: [UInt8]) throws {
        guard handshake() else { throw TestError("TLS handshake failed") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32($0.count - offset)) }
            guard written > 0 else {
                ERR_clear_error()
                throw TestError("SSL_write failed")
            }
            offset += Int(written)
        }
    }

    /// Like `recv`: a count, 0 at the end, -1 with errno EAGAIN on the receive timeout.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard handshake() else { return 0 }
        ERR_clear_error()
        let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
        if count > 0 { return Int(count) }
        let error = SSL_get_error(ssl, count)
        let savedErrno = errno
        ERR_clear_error()
        if error == SSL_ERROR_SYSCALL && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK) {
            errno = EAGAIN
            return -1
        }
        if error == SSL_ERROR_WANT_READ {
            errno = EAGAIN
            return -1
        }
        return 0
    }
}
