import CLibSSL
import Glibc

/// TLS on one accepted, non-blocking socket: OpenSSL reads and writes the descriptor itself (nginx's shape), and the
/// connection's event loop stays in charge of readiness. `SSL_ERROR_WANT_READ`/`WANT_WRITE` are not errors but the
/// epoll interest to wait for, which the connection turns into its poller registration.
///
/// Confined to its connection's loop thread, like the connection. It keeps its `TLSContext` alive, so a certificate
/// reload never frees a context a connection still uses.
final class TLSConnection {
    enum HandshakeStep: Equatable {
        case done
        case wantsReadable
        case wantsWritable
        case failed(String)
    }

    /// What the first bytes of a new connection look like, before OpenSSL sees them.
    enum FirstBytes {
        case nothingYet
        case closed
        case tlsRecord
        case plaintextHTTP
    }

    let context: TLSContext
    private let ssl: OpaquePointer
    /// The last read or write stopped because OpenSSL must write first (a TLS 1.3 key update answer, for example).
    private(set) var readWantsWritable = false
    private var closeNotifySent = false
    /// Whether OpenSSL has been asked to read yet (until then the first bytes can still be classified).
    private(set) var handshakeStarted = false

    init?(context: TLSContext, fd: Int32) {
        guard let ssl = SSL_new(context.context) else {
            _ = OpenSSLErrorQueue.drain()
            return nil
        }
        guard SSL_set_fd(ssl, fd) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        self.context = context
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
    }

    /// A TLS connection starts with a handshake record (content type 22); an HTTP request starts with a method's
    /// upper-case letters. Peeked, so OpenSSL still reads every byte.
    static func classifyFirstBytes(of fd: Int32) -> FirstBytes {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK))
        if count == 0 { return .closed }
        if count < 0 { return errno == EAGAIN || errno == EINTR ? .nothingYet : .closed }
        return (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? .plaintextHTTP : .tlsRecord
    }

    func handshake() -> HandshakeStep {
        handshakeStarted = true
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .done }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantsReadable
        case SSL_ERROR_WANT_WRITE:
            return .wantsWritable
        case SSL_ERROR_SYSCALL:
            let reason = OpenSSLErrorQueue.drain()
            return .failed(reason.isEmpty ? "the connection ended during the handshake" : reason)
        default:
            let reason = OpenSSLErrorQueue.drain()
            return .failed(reason.isEmpty ? "handshake failed" : reason)
        }
    }

    /// The negotiated protocol version, e.g. `TLSv1.3`.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// Decrypted bytes, `.done(0)` at the end of the stream, `.wouldBlock` when nothing complete has arrived.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TLSError) -> IOResult {
        ERR_clear_error()
        readWantsWritable = false
        let result = SSL_read(ssl, buffer, Int32(clamping: capacity))
        if result > 0 { return .done(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wouldBlock
        case SSL_ERROR_WANT_WRITE:
            readWantsWritable = true
            return .wouldBlock
        case SSL_ERROR_ZERO_RETURN:
            return .done(0)
        default:
            throw .openSSL("TLS read failed")
        }
    }

    /// Encrypts and sends; `.done(n)` counts plaintext bytes taken. A retry after `.wouldBlock` must offer the same
    /// bytes again (possibly from a moved buffer, possibly followed by more): the connection's output does exactly that.
    func write(_ bytes: UnsafeRawPointer, count: Int) throws(TLSError) -> IOResult {
        ERR_clear_error()
        let result = SSL_write(ssl, bytes, Int32(clamping: count))
        if result > 0 { return .done(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .wouldBlock
        default:
            throw .openSSL("TLS write failed")
        }
    }

    /// Whether OpenSSL holds received bytes the socket will not signal again.
    var hasBufferedInput: Bool { SSL_has_pending(ssl) == 1 }

    /// Sends close_notify once, best effort: the socket is closed right after either way.
    func sendCloseNotify() {
        guard !closeNotifySent else { return }
        closeNotifySent = true
        ERR_clear_error()
        if SSL_shutdown(ssl) < 0 { ERR_clear_error() }
    }
}
