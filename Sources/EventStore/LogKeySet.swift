import Crypto
import Foundation
import JSONText

/// The log's public keys by `kid`, as `GET /.well-known/log-keys.json` serves them: a JWK Set (RFC 7517) of Ed25519
/// OKP keys (RFC 8037), each with `valid_from` and `valid_until` (RFC 3339, microseconds, UTC; `null` while in use).
public struct LogKeySet: Sendable, Equatable {
    public let keys: [LogPublicKey]

    public init(keys: [LogPublicKey]) {
        self.keys = keys
    }

    public subscript(keyID: String) -> LogPublicKey? {
        keys.first { $0.keyID == keyID }
    }

    /// The JWK Set document.
    public func jwksJSON() -> [UInt8] {
        var output = Array(#"{"keys":["#.utf8)
        for (index, key) in keys.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output +=
                Array(#"{"kty":"OKP","crv":"Ed25519","x":""#.utf8) + Array(Base64URL.encode(key.publicKey.rawRepresentation).utf8)
            output += Array(#"","kid":"#.utf8)
            JSONStringLiteral.appendQuoted(key.keyID, to: &output)
            output += Array(#","alg":"EdDSA","use":"sig","valid_from":""#.utf8)
            output += Array(UnixMicroseconds.rfc3339(key.validFromMicroseconds).utf8)
            output += Array(#"","valid_until":"#.utf8)
            output += Array((key.validUntilMicroseconds.map { "\"\(UnixMicroseconds.rfc3339($0))\"" } ?? "null").utf8)
            output.append(UInt8(ascii: "}"))
        }
        output += Array("]}\n".utf8)
        return output
    }

    /// Reads a JWK Set of log keys; every key must be an Ed25519 OKP key with a `kid` and a valid `valid_from`.
    public init(jwksJSON bytes: [UInt8]) throws(LogKeySetError) {
        guard let document = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let entries = document["keys"] as? [[String: Any]]
        else { throw LogKeySetError(description: "not a JWK Set: expected an object with a \"keys\" array") }
        var keys: [LogPublicKey] = []
        for (index, entry) in entries.enumerated() {
            func fail(_ reason: String) -> LogKeySetError { LogKeySetError(description: "key \(index + 1): \(reason)") }
            guard entry["kty"] as? String == "OKP", entry["crv"] as? String == "Ed25519" else {
                throw fail("not an Ed25519 OKP key")
            }
            guard let keyID = entry["kid"] as? String, !keyID.isEmpty else { throw fail("no kid") }
            guard let x = entry["x"] as? String, let raw = Base64URL.decode(x),
                let publicKey = try? Ed25519PublicKey(rawRepresentation: raw)
            else { throw fail("x is not a 32-byte base64url public key") }
            guard let fromText = entry["valid_from"] as? String, let from = UnixMicroseconds.parse(rfc3339: fromText) else {
                throw fail("valid_from is not a time like 2026-01-31T12:00:00.000000Z")
            }
            var until: Int64?
            if let untilText = entry["valid_until"] as? String {
                guard let parsed = UnixMicroseconds.parse(rfc3339: untilText) else { throw fail("valid_until is not a time") }
                until = parsed
            } else if let value = entry["valid_until"], !(value is NSNull) {
                throw fail("valid_until must be a time or null")
            }
            guard keys.allSatisfy({ $0.keyID != keyID }) else { throw fail("kid \(keyID) appears twice") }
            keys.append(
                LogPublicKey(keyID: keyID, publicKey: publicKey, validFromMicroseconds: from, validUntilMicroseconds: until))
        }
        self.keys = keys
    }
}
