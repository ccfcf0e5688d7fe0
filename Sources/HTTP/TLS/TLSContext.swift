import CLibSSL
import Glibc

/// One `SSL_CTX` built from a certificate chain and its private key, with the service's protocol policy. Immutable
/// once built: a certificate reload builds a new one (see `TLSIdentity`), and each connection keeps the context it
/// started with alive until it ends.
///
/// The policy: TLS 1.2 and 1.3 only; in TLS 1.2 only ECDHE key exchange (forward secrecy) with AEAD ciphers; TLS 1.3's
/// suites are all AEAD; ALPN `http/1.1`; no compression, no renegotiation; session tickets under `TLSTicketKeys`.
/// `@unchecked Sendable` is safe: the `SSL_CTX` is configured completely in `init` and never changed afterwards, and
/// OpenSSL documents `SSL_new` (all the loops do with it) as safe from several threads on one context.
public final class TLSContext: @unchecked Sendable {
    /// TLS 1.2 suites: ECDHE only (no static RSA, no finite-field DHE), AEAD only; ECDSA and RSA certificates.
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    static let tls13Ciphersuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    static let groups = "X25519:P-256:P-384"

    let context: OpaquePointer
    private let ticketKeys: TLSTicketKeys
    /// SHA-256 of the leaf certificate (DER), as colon-separated hex: what `openssl x509 -fingerprint -sha256` prints.
    public let fingerprint: String

    init(certificateChainFile: String, privateKeyFile: String, ticketKeys: TLSTicketKeys) throws(TLSError) {
        try Self.checkReadable(certificateChainFile, what: "certificate")
        try Self.checkReadable(privateKeyFile, what: "private key")
        _ = OpenSSLErrorQueue.drain()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .openSSL("cannot create a TLS context")
        }
        do throws(TLSError) {
            SSL_CTX_set_default_passwd_cb(context, Self.refusePassphrase)
            guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1 else {
                throw TLSError.openSSL("\(certificateChainFile) is not a PEM certificate chain")
            }
            let key = try Self.readPrivateKey(privateKeyFile)
            defer { EVP_PKEY_free(key) }
            guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
                _ = OpenSSLErrorQueue.drain()
                throw TLSError("the private key in \(privateKeyFile) does not match the certificate in \(certificateChainFile)")
            }
            guard let leaf = SSL_CTX_get0_certificate(context) else {
                throw TLSError.openSSL("\(certificateChainFile) holds no certificate")
            }
            fingerprint = try Self.fingerprint(of: leaf)
            try Self.applyPolicy(context)
            cssl_ctx_set_app_data(context, Unmanaged.passUnretained(ticketKeys).toOpaque())
            guard cssl_ctx_set_ticket_key_callback(context, TLSTicketKeys.callback) == 1 else {
                throw TLSError.openSSL("cannot install the session ticket keys")
            }
            SSL_CTX_set_timeout(context, Int(ticketKeys.rotation.nanoseconds / 1_000_000_000))
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
        self.ticketKeys = ticketKeys
    }

    deinit {
        SSL_CTX_free(context)
    }

    private static func applyPolicy(_ context: OpaquePointer) throws(TLSError) {
        guard cssl_ctx_set_protocol_range(context) == 1 else { throw .openSSL("cannot limit TLS to 1.2 and 1.3") }
        cssl_ctx_set_hardening_options(context)
        cssl_ctx_set_modes(context)
        guard SSL_CTX_set_cipher_list(context, tls12Ciphers) == 1,
            SSL_CTX_set_ciphersuites(context, tls13Ciphersuites) == 1
        else { throw .openSSL("cannot set the cipher suites") }
        guard cssl_ctx_set_group_list(context, groups) == 1 else { throw .openSSL("cannot set the key exchange groups") }
        _ = cssl_ctx_disable_session_cache(context)
        SSL_CTX_set_alpn_select_cb(context, selectALPN, nil)
    }

    /// The key alone first, so that "not a key" and "not this certificate's key" get different messages.
    private static func readPrivateKey(_ path: String) throws(TLSError) -> OpaquePointer {
        guard let file = fopen(path, "r") else {
            throw TLSError("cannot read the private key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        guard let key = PEM_read_PrivateKey(file, nil, refusePassphrase, nil) else {
            throw .openSSL("\(path) is not an unencrypted PEM private key (RSA, ECDSA or Ed25519)")
        }
        return key
    }

    /// A readable regular file, or a message that says which file and why not.
    private static func checkReadable(_ path: String, what: String) throws(TLSError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TLSError("cannot read the \(what) file \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        let isRegular = fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        close(fd)
        guard isRegular else { throw TLSError("the \(what) file \(path) is not a regular file") }
    }

    static func fingerprint(of certificate: OpaquePointer) throws(TLSError) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else {
            throw .openSSL("cannot compute the certificate's fingerprint")
        }
        return digest[..<Int(length)].map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// An encrypted key would make OpenSSL ask for a passphrase on the terminal; the service refuses it instead.
    private static let refusePassphrase:
        @convention(c) (
            UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, _, _, _ in 0 }

    /// ALPN: `http/1.1` when the client offers it; a client that offers protocols but not this one gets the fatal
    /// `no_application_protocol` alert (RFC 7301 §3.2); a client without ALPN is served HTTP/1.1.
    private static let selectALPN:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, out, outLength, offered, offeredLength, _ in
            guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_ALERT_FATAL }
            let wanted = Array("http/1.1".utf8)
            var offset = 0
            while offset < Int(offeredLength) {
                let length = Int(offered[offset])
                let start = offset + 1
                guard start + length <= Int(offeredLength) else { break }
                if length == wanted.count && (0..<length).allSatisfy({ offered[start + $0] == wanted[$0] }) {
                    out.pointee = offered + start
                    outLength.pointee = UInt8(length)
                    return SSL_TLSEXT_ERR_OK
                }
                offset = start + length
            }
            return SSL_TLSEXT_ERR_ALERT_FATAL
        }
}
