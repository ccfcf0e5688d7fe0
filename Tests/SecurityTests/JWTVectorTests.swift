import Crypto
import Security
import XCTest

/// Published vectors: RFC 7515 A.1, RFC 8037 A, RFC 7638 §3.1.
final class JWTVectorTests: XCTestCase {
    func testRFC7515AppendixA1HS256Signature() throws {
        let key = try XCTUnwrap(
            Base64URL.decode(
                "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"))
        let signingKey = JWTSigningKey.hs256(try HS256Secret(bytes: key))
        let signingInput =
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        let signature = try signingKey.sign(signingInput.utf8)
        XCTAssertEqual(Base64URL.encode(signature), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        XCTAssertTrue(signingKey.verificationKey.isValidSignature(signature, for: signingInput.utf8))
        XCTAssertEqual(signingKey.algorithm, .hs256)
    }

    func testRFC8037Ed25519KeyThumbprintAndSignature() throws {
        let seed = try XCTUnwrap(Base64URL.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
        let signingKey = JWTSigningKey.ed25519(try Ed25519PrivateKey(seed: seed))
        XCTAssertEqual(signingKey.id, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        XCTAssertEqual(signingKey.algorithm, .edDSA)
        let signingInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
        let signature = try signingKey.sign(signingInput.utf8)
        XCTAssertEqual(
            Base64URL.encode(signature),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
        XCTAssertTrue(signingKey.verificationKey.isValidSignature(signature, for: signingInput.utf8))
    }

    func testRFC7638ThumbprintOfRSAKey() {
        let n =
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4"
            + "n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0"
            + "zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-c"
            + "sFCur-kEgU8awapJzKnqDKgw"
        XCTAssertEqual(
            JWKThumbprint.sha256(requiredMembers: ["kty": "RSA", "n": n, "e": "AQAB"]),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }
}
