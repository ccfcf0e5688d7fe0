import Crypto
import JSONText

/// A signed statement about the log: "the event at `position` has `hash` and was recorded at `recordedAtMicroseconds`",
/// made at `signedAtMicroseconds` with the log signing key `keyID`. An auditor holding it can later prove that the log
/// was not rewritten up to that position, even by someone who can recompute every hash of the chain.
public struct LogCheckpoint: Sendable, Hashable {
    /// The first part of every signed payload, so a checkpoint signature can never be mistaken for another statement.
    public static let payloadTag = "employees-log-checkpoint/1"

    public let position: Int64
    public let hash: [UInt8]
    public let recordedAtMicroseconds: Int64
    public let signedAtMicroseconds: Int64
    public let keyID: String
    public let signature: [UInt8]

    public init(
        position: Int64, hash: [UInt8], recordedAtMicroseconds: Int64, signedAtMicroseconds: Int64, keyID: String,
        signature: [UInt8]
    ) {
        self.position = position
        self.hash = hash
        self.recordedAtMicroseconds = recordedAtMicroseconds
        self.signedAtMicroseconds = signedAtMicroseconds
        self.keyID = keyID
        self.signature = signature
    }

    /// The bytes the Ed25519 signature covers: the tag, the position, the hash (64 lowercase hex digits), the recorded
    /// time and the signing time (decimal microseconds), each preceded by its byte length as a big-endian u32.
    /// See docs/LOG-EVIDENCE.md.
    public static func signingPayload(
        position: Int64, hash: [UInt8], recordedAtMicroseconds: Int64, signedAtMicroseconds: Int64
    ) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(140)
        for part in [
            payloadTag, String(position), Hex.encode(hash), String(recordedAtMicroseconds), String(signedAtMicroseconds),
        ] {
            HashChain.appendLengthPrefixed(part.utf8, to: &payload)
        }
        return payload
    }

    public var signingPayload: [UInt8] {
        Self.signingPayload(
            position: position, hash: hash, recordedAtMicroseconds: recordedAtMicroseconds,
            signedAtMicroseconds: signedAtMicroseconds)
    }

    /// Whether the signature is valid under the key it names, and was made while that key was valid.
    public func isValid(under keys: LogKeySet) -> Bool {
        guard let key = keys[keyID], key.isValid(atMicroseconds: signedAtMicroseconds) else { return false }
        return key.publicKey.isValidSignature(signature, for: signingPayload)
    }

    /// The checkpoint as one NDJSON line (with its newline), the form of exports and of `GET /events/checkpoints`.
    public var ndjsonLine: [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(320)
        line += Array(#"{"record":"checkpoint","position":"#.utf8) + Array(String(position).utf8)
        line += Array(#","hash":""#.utf8) + Array(Hex.encode(hash).utf8)
        line += Array(#"","recorded_at_us":"#.utf8) + Array(String(recordedAtMicroseconds).utf8)
        line += Array(#","signed_at_us":"#.utf8) + Array(String(signedAtMicroseconds).utf8)
        line += Array(#","key_id":"#.utf8)
        JSONStringLiteral.appendQuoted(keyID, to: &line)
        line += Array(#","signature":""#.utf8) + Array(Base64URL.encode(signature).utf8)
        line += Array("\"}\n".utf8)
        return line
    }
}
