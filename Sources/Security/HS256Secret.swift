import Crypto
import JSONText

/// A shared HMAC secret for HS256, at least 32 bytes. Its description is redacted so it cannot leak into a log.
public struct HS256Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// RFC 7518 §3.2: a key of the same size as the hash output or larger.
    public static let minimumByteCount = 32

    let bytes: [UInt8]

    /// A secret from raw bytes.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard !bytes.isEmpty else { throw .blankSecret }
        guard bytes.count >= Self.minimumByteCount else { throw .secretTooShort(minimumBytes: Self.minimumByteCount) }
        self.bytes = bytes
    }

    /// A secret from configuration text (its UTF-8 bytes, used exactly as given). Blank text is refused.
    public init(configured text: String) throws(KeyError) {
        guard text.contains(where: { !$0.isWhitespace }) else { throw .blankSecret }
        try self.init(bytes: Array(text.utf8))
    }

    public var description: String { "HS256Secret(redacted)" }
    public var debugDescription: String { description }
}
