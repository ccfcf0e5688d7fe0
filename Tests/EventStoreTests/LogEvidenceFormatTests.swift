import Crypto
import XCTest

@testable import EventStore

/// The pieces of the evidence format that need no database: times, the key set document, the line parser and the
/// signed payload.
final class LogEvidenceFormatTests: XCTestCase {
    func testTimesRoundTripThroughRFC3339() {
        XCTAssertEqual(UnixMicroseconds.rfc3339(0), "1970-01-01T00:00:00.000000Z")
        XCTAssertEqual(UnixMicroseconds.rfc3339(1_709_210_096_123_456), "2024-02-29T12:34:56.123456Z")
        XCTAssertEqual(UnixMicroseconds.rfc3339(-1), "1969-12-31T23:59:59.999999Z")
        for value: Int64 in [0, 1, -1, 951_782_400_000_000, 1_709_210_096_123_456, 4_102_444_799_999_999] {
            XCTAssertEqual(UnixMicroseconds.parse(rfc3339: UnixMicroseconds.rfc3339(value)), value)
        }
        for bad in [
            "2024-02-30T00:00:00.000000Z", "2023-02-29T00:00:00.000000Z", "2024-01-01T24:00:00.000000Z",
            "2024-01-01T00:00:00Z", "2024-01-01 00:00:00.000000Z", "2024-01-01T00:00:00.000000+00:00",
        ] {
            XCTAssertNil(UnixMicroseconds.parse(rfc3339: bad), bad)
        }
    }

    func testTheKeySetDocumentRoundTripsAndRefusesWhatIsNotAnEd25519Key() throws {
        let key = Ed25519PrivateKey()
        let set = LogKeySet(keys: [
            LogPublicKey(
                keyID: "old", publicKey: Ed25519PrivateKey().publicKey, validFromMicroseconds: 10, validUntilMicroseconds: 20),
            LogPublicKey(keyID: "new", publicKey: key.publicKey, validFromMicroseconds: 20, validUntilMicroseconds: nil),
        ])
        XCTAssertEqual(try LogKeySet(jwksJSON: set.jwksJSON()), set)
        XCTAssertTrue(set["old"]!.isValid(atMicroseconds: 20))
        XCTAssertFalse(set["old"]!.isValid(atMicroseconds: 21))
        XCTAssertFalse(set["new"]!.isValid(atMicroseconds: 19))
        XCTAssertTrue(set["new"]!.isValid(atMicroseconds: .max))
        for bad in [
            #"{"keys":[{"kty":"RSA","kid":"a","x":"AA","valid_from":"2024-01-01T00:00:00.000000Z"}]}"#,
            #"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"AA","valid_from":"2024-01-01T00:00:00.000000Z"}]}"#,
            #"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"\#(Base64URL.encode(key.publicKey.rawRepresentation))"}]}"#,
            #"{"not_keys":[]}"#,
        ] {
            XCTAssertThrowsError(try LogKeySet(jwksJSON: Array(bad.utf8)), bad)
        }
    }

    func testTheLineParserIsStrict() throws {
        func parse(_ text: String) throws -> EvidenceLineParser {
            var parser = EvidenceLineParser()
            try Array(text.utf8).withUnsafeBufferPointer { try parser.parse($0) }
            return parser
        }
        let line = try parse(#"{"a":"x\"y\u00e9\n\t\ud83d\ude00","b":-12,"c":null, "d" : 0}"#)
        XCTAssertEqual(Array(try line.bytes("a")), Array("x\"yé\n\t😀".utf8))
        XCTAssertEqual(try line.integer("b"), -12)
        XCTAssertEqual(line.value("c"), .null)
        XCTAssertEqual(try line.integer("d"), 0)
        XCTAssertThrowsError(try line.integer("a"))
        for bad in [
            #"{"a":1,"a":2}"#, #"{"a":01}"#, #"{"a":1.5}"#, #"{"a":{"b":1}}"#, #"{"a":"x"} x"#, #"{"a":"#, "[1]",
            "{\"a\":\"\u{01}\"}", #"{"a":99999999999999999999}"#, #"{"a":"\ud83d"}"#, #"{"a":"\q"}"#,
        ] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
        XCTAssertThrowsError(try parse(#"{"h":"ABCDEF0000000000000000000000000000000000000000000000000000000000"}"#).hash("h"))
        XCTAssertEqual(try parse(#"{"h":"ab\#(String(repeating: "0", count: 62))"}"#).hash("h").first, 0xAB)
    }

    func testACheckpointSignsExactlyTheDocumentedPayload() throws {
        let hash = [UInt8](repeating: 0xAB, count: 32)
        let payload = LogCheckpoint.signingPayload(position: 42, hash: hash, recordedAtMicroseconds: 7, signedAtMicroseconds: 8)
        var expected: [UInt8] = [0, 0, 0, 26] + Array("employees-log-checkpoint/1".utf8)
        expected += [0, 0, 0, 2] + Array("42".utf8)
        expected += [0, 0, 0, 64] + Array(String(repeating: "ab", count: 32).utf8)
        expected += [0, 0, 0, 1] + Array("7".utf8) + [0, 0, 0, 1] + Array("8".utf8)
        XCTAssertEqual(payload, expected)
        let signer = LogSigner(key: Ed25519PrivateKey(), keyID: "k")
        let checkpoint = try signer.sign(position: 42, hash: hash, recordedAtMicroseconds: 7, signedAtMicroseconds: 8)
        XCTAssertTrue(signer.key.publicKey.isValidSignature(checkpoint.signature, for: expected))
        let bytes = checkpoint.ndjsonLine
        XCTAssertEqual(bytes.last, UInt8(ascii: "\n"))
        var parser = EvidenceLineParser()
        try bytes.dropLast().withUnsafeBufferPointer { try parser.parse($0) }
        let parsed = try ExportVerifier.checkpoint(parser)
        XCTAssertEqual(parsed, checkpoint)
    }
}
