import CLibSSL

/// Why a certificate and key could not be used. Said once, clearly, at start-up or at a reload; the message names the
/// file and OpenSSL's reason, never key material.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    /// `message`, then OpenSSL's reason for the failure that just happened (its error queue is emptied).
    static func openSSL(_ message: String) -> TLSError {
        let reason = OpenSSLErrorQueue.drain()
        return TLSError(reason.isEmpty ? message : "\(message): \(reason)")
    }
}
