import Synchronization

/// The server's certificate and key, loaded from two files, and reloadable while the server runs.
///
/// `reload()` reads the files again and swaps the new context in only if it is complete and consistent; otherwise the
/// old one stays and the error says why. Connections already open keep the context they started with, so a reload
/// drops none of them; new connections get the new certificate. Ticket keys are shared across reloads.
public final class TLSIdentity: Sendable {
    public let certificateChainFile: String
    public let privateKeyFile: String
    private let ticketKeys: TLSTicketKeys
    private let context: Mutex<TLSContext>

    /// Loads both files now: a bad file is an error here, at start-up, never at the first handshake.
    public init(
        certificateChainFile: String, privateKeyFile: String, ticketKeyRotation: Duration = .seconds(12 * 3600)
    ) throws(TLSError) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        ticketKeys = TLSTicketKeys(rotation: ticketKeyRotation)
        let first = try TLSContext(
            certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile, ticketKeys: ticketKeys)
        context = Mutex(first)
    }

    /// The context new connections start with.
    public var current: TLSContext { context.withLock { $0 } }

    /// SHA-256 fingerprint of the certificate in use.
    public var fingerprint: String { current.fingerprint }

    /// Reads the files again; on success new connections use them and the new fingerprint is returned.
    @discardableResult
    public func reload() throws(TLSError) -> String {
        let fresh = try TLSContext(
            certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile, ticketKeys: ticketKeys)
        context.withLock { $0 = fresh }
        return fresh.fingerprint
    }
}
