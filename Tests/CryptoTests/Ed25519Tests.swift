import Crypto
import XCTest

final class Ed25519Tests: XCTestCase {
    /// RFC 8037 Appendix A.1–A.4.
    func testRFC8037KeyAndSignature() throws {
        let seed = try XCTUnwrap(Base64URL.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
        let key = try Ed25519PrivateKey(seed: seed)
        XCTAssertEqual(Base64URL.encode(key.publicKey.rawRepresentation), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")

        let signingInput = Array("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8)
        let signature = try key.signature(for: signingInput)
        XCTAssertEqual(
            Base64URL.encode(signature),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: signingInput))
    }

    func testVerificationRejectsTamperingAndWrongKeys() throws {
        let key = Ed25519PrivateKey()
        let message = Array("message".utf8)
        let signature = try key.signature(for: message)
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message))
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: Array("messagf".utf8)))
        var flipped = signature
        flipped[0] ^= 0x80
        XCTAssertFalse(key.publicKey.isValidSignature(flipped, for: message))
        XCTAssertFalse(key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        XCTAssertFalse(key.publicKey.isValidSignature([], for: message))
        XCTAssertFalse(Ed25519PrivateKey().publicKey.isValidSignature(signature, for: message))
    }

    func testPEMRoundTrip() throws {
        let key = Ed25519PrivateKey()
        let pem = try key.pemRepresentation()
        XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try Ed25519PrivateKey(pemRepresentation: pem)
        XCTAssertEqual(reloaded.publicKey, key.publicKey)
        let message = Array("round trip".utf8)
        XCTAssertEqual(try reloaded.signature(for: message), try key.signature(for: message))
    }

    func testRejectsBadKeyMaterial() {
        XCTAssertThrowsError(try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 31))) {
            XCTAssertEqual($0 as? CryptoError, .invalidKey)
        }
        XCTAssertThrowsError(try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)))
        XCTAssertThrowsError(try Ed25519PrivateKey(pemRepresentation: "")) {
            XCTAssertEqual($0 as? CryptoError, .invalidPEM)
        }
        XCTAssertThrowsError(
            try Ed25519PrivateKey(pemRepresentation: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
    }
}

final class Ed25519ConcurrencyTests: XCTestCase {
    /// One key shared by many tasks: signing and verifying concurrently must give the same answers (run under
    /// the thread sanitizer to check the Sendable claim).
    func testSharedKeySignsAndVerifiesConcurrently() async throws {
        let key = Ed25519PrivateKey()
        let message = Array("shared".utf8)
        let expected = try key.signature(for: message)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 {
                        guard let signature = try? key.signature(for: message), signature == expected,
                            key.publicKey.isValidSignature(signature, for: message)
                        else { return false }
                    }
                    return true
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        XCTAssertEqual(results, Array(repeating: true, count: 8))
    }
}
