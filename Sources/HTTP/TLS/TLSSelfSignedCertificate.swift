import CLibSSL
import Glibc

/// A self-signed certificate for a first run on a laptop (`--tls-self-signed`): an ECDSA P-256 key and a certificate
/// for `localhost`, the loopback addresses and the listen address, made with OpenSSL's EVP and X.509 APIs.
///
/// Kept in a folder (the key file readable by its owner only) and reused while it still covers the names and has more
/// than 30 days left, so a browser's exception for it survives restarts.
public enum TLSSelfSignedCertificate {
    public static let certificateFileName = "self-signed-certificate.pem"
    public static let keyFileName = "self-signed-key.pem"
    static let validDays = 365

    /// The certificate and key file paths in `directory`, generating them if missing, stale or not covering `hosts`.
    public static func ensure(directory: String, hosts: [String]) throws(TLSError) -> (
        certificate: String, key: String, generated: Bool
    ) {
        let certificatePath = directory + "/" + certificateFileName
        let keyPath = directory + "/" + keyFileName
        let names = subjectNames(for: hosts)
        if access(keyPath, R_OK) == 0, let existing = readCertificate(certificatePath) {
            defer { X509_free(existing) }
            if covers(existing, names) { return (certificatePath, keyPath, false) }
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw TLSError("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        try generate(names: names, certificatePath: certificatePath, keyPath: keyPath)
        return (certificatePath, keyPath, true)
    }

    enum SubjectName: Equatable {
        case dns(String)
        case ip(String)

        var configText: String {
            switch self {
            case .dns(let name): "DNS:\(name)"
            case .ip(let address): "IP:\(address)"
            }
        }
    }

    /// localhost and both loopbacks always; the listen address too unless it is a wildcard. Only names made of
    /// letters, digits, dots, hyphens and colons get in (they end up in an OpenSSL configuration string).
    static func subjectNames(for hosts: [String]) -> [SubjectName] {
        var names: [SubjectName] = [.dns("localhost"), .ip("127.0.0.1"), .ip("::1")]
        for host in hosts where !["", "0.0.0.0", "::", "*"].contains(host) {
            guard
                host.utf8.allSatisfy({ byte in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
                })
            else { continue }
            var buffer = in6_addr()
            let isAddress = inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
            let name: SubjectName = isAddress ? .ip(host) : .dns(host.lowercased())
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    private static func readCertificate(_ path: String) -> OpaquePointer? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        let certificate = PEM_read_X509(file, nil, nil, nil)
        _ = OpenSSLErrorQueue.drain()
        return certificate
    }

    private static func covers(_ certificate: OpaquePointer, _ names: [SubjectName]) -> Bool {
        var soon = time(nil) + 30 * 86_400
        guard X509_cmp_time(X509_get0_notAfter(certificate), &soon) > 0 else { return false }
        return names.allSatisfy { name in
            switch name {
            case .dns(let host): X509_check_host(certificate, host, host.utf8.count, 0, nil) == 1
            case .ip(let address): X509_check_ip_asc(certificate, address, 0) == 1
            }
        }
    }

    private static func generate(names: [SubjectName], certificatePath: String, keyPath: String) throws(TLSError) {
        _ = OpenSSLErrorQueue.drain()
        guard let keyContext = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw .openSSL("cannot make a key") }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1, EVP_PKEY_CTX_set_group_name(keyContext, "P-256") == 1,
            EVP_PKEY_generate(keyContext, &key) == 1, let key
        else { throw .openSSL("cannot generate a P-256 key") }
        defer { EVP_PKEY_free(key) }

        guard let certificate = X509_new() else { throw .openSSL("cannot make a certificate") }
        defer { X509_free(certificate) }
        var serial: UInt64 = 0
        guard RAND_bytes(withUnsafeMutableBytes(of: &serial) { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }, 8) == 1
        else { throw .openSSL("cannot draw a serial number") }
        let subject = X509_get_subject_name(certificate)
        guard X509_set_version(certificate, 2) == 1,
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serial >> 1) == 1,
            X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), validDays * 86_400) != nil,
            X509_set_pubkey(certificate, key) == 1,
            X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, "localhost", -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, subject) == 1
        else { throw .openSSL("cannot fill in the certificate") }
        var extensionContext = X509V3_CTX()
        X509V3_set_ctx(&extensionContext, certificate, certificate, nil, nil, 0)
        let extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_alt_name, names.map(\.configText).joined(separator: ",")),
        ]
        for (nid, value) in extensions {
            guard let made = X509V3_EXT_conf_nid(nil, &extensionContext, nid, value) else {
                throw .openSSL("cannot make a certificate extension")
            }
            defer { X509_EXTENSION_free(made) }
            guard X509_add_ext(certificate, made, -1) == 1 else { throw .openSSL("cannot add a certificate extension") }
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw .openSSL("cannot sign the certificate") }

        try write(keyPath, mode: 0o600) { file in PEM_write_PrivateKey(file, key, nil, nil, 0, nil, nil) == 1 }
        try write(certificatePath, mode: 0o644) { file in PEM_write_X509(file, certificate) == 1 }
    }

    /// Writes beside the target and renames, so a crash never leaves half a key; the mode is set at creation.
    private static func write(
        _ path: String, mode: mode_t, _ body: (UnsafeMutablePointer<FILE>) -> Bool
    ) throws(TLSError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0, let file = fdopen(fd, "w") else {
            if fd >= 0 { close(fd) }
            throw TLSError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let written = body(file)
        let flushed = fflush(file) == 0 && fsync(fd) == 0
        fclose(file)
        guard written, flushed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .openSSL("cannot write \(path)")
        }
    }
}
