import Crypto
import Foundation
import Security
import XCTest

final class AccessTokenTests: XCTestCase {
    let issuer = "https://employees.example"
    let audience = "employees-api"
    let clock = TestClock()
    let edKey = Ed25519PrivateKey()
    lazy var keys = JWTKeySet(signingKey: .ed25519(edKey))
    lazy var verifier = AccessTokenVerifier(keys: keys, issuer: issuer, audience: audience, now: clock.function)

    private func issue(
        keys: JWTKeySet? = nil, empNo: Int64 = 10001, scopes: ScopeSet = [.userRead]
    ) throws -> IssuedAccessToken {
        try AccessTokenIssuer(keys: keys ?? self.keys, issuer: issuer, audience: audience, now: clock.function)
            .issue(empNo: empNo, clientID: "web", scopes: scopes)
    }

    /// A token with exactly this header and claims text, signed by `key` (or with `signature` if given).
    private func forge(header: String, claims: String, key: JWTSigningKey? = nil, signature: String? = nil) throws
        -> String
    {
        let input = Base64URL.encode(header.utf8) + "." + Base64URL.encode(claims.utf8)
        if let signature { return input + "." + signature }
        return input + "." + Base64URL.encode(try (key ?? .ed25519(edKey)).sign(input.utf8))
    }

    private var now: Int { Int(clock.now.timeIntervalSince1970) }

    private func claims(_ overrides: [String: String] = [:], removing: Set<String> = []) -> String {
        var members: [(String, String)] = [
            ("iss", "\"\(issuer)\""), ("sub", "\"employee:10001\""), ("aud", "\"\(audience)\""), ("emp_no", "10001"),
            ("client_id", "\"web\""), ("scope", "\"user:read\""), ("iat", "\(now)"), ("exp", "\(now + 1800)"),
            ("jti", "\"abc\""),
        ]
        members = members.filter { !removing.contains($0.0) }.map { ($0.0, overrides[$0.0] ?? $0.1) }
        for (name, value) in overrides where !members.contains(where: { $0.0 == name }) {
            members.append((name, value))
        }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private var edHeader: String { "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\"}" }

    private func assertRejected(
        _ token: String, _ expected: TokenError, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try verifier.verify(token), file: file, line: line) { error in
            XCTAssertEqual(error as? TokenError, expected, file: file, line: line)
        }
    }

    // MARK: - Issue and verify

    func testIssuedTokenVerifiesWithExpectedClaims() throws {
        let issued = try issue(scopes: [.userRead, .adminRead])
        let verified = try verifier.verify(issued.token)
        XCTAssertEqual(verified.empNo, 10001)
        XCTAssertEqual(verified.subject, "employee:10001")
        XCTAssertEqual(verified.clientID, "web")
        XCTAssertEqual(verified.scopes, [.userRead, .adminRead])
        XCTAssertEqual(verified.tokenID, issued.tokenID)
        XCTAssertEqual(verified.keyID, keys.signingKey.id)
        XCTAssertEqual(verified.expiresAt.timeIntervalSince(verified.issuedAt), 1800)

        let parts = issued.token.split(separator: ".")
        let header = String(decoding: try XCTUnwrap(Base64URL.decode(parts[0])), as: UTF8.self)
        XCTAssertEqual(header, "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\"}")
        let payload = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(try XCTUnwrap(Base64URL.decode(parts[1])))) as? [String: Any])
        XCTAssertEqual(
            Set(payload.keys), ["iss", "sub", "aud", "emp_no", "client_id", "scope", "iat", "exp", "jti"])
        XCTAssertEqual(payload["scope"] as? String, "user:read admin:read")
        XCTAssertNotEqual(try issue().tokenID, issued.tokenID)
    }

    func testHS256KeySetRoundTrip() throws {
        let hsKeys = JWTKeySet(signingKey: .hs256(try HS256Secret(configured: String(repeating: "k", count: 32))))
        let token = try issue(keys: hsKeys).token
        let hsVerifier = AccessTokenVerifier(keys: hsKeys, issuer: issuer, audience: audience, now: clock.function)
        XCTAssertEqual(try hsVerifier.verify(token).empNo, 10001)
        XCTAssertThrowsError(try verifier.verify(token)) { XCTAssertEqual($0 as? TokenError, .unknownKey) }
    }

    func testHS256SecretMustBeLongAndNotBlank() throws {
        XCTAssertThrowsError(try HS256Secret(configured: "")) { XCTAssertEqual($0 as? KeyError, .blankSecret) }
        XCTAssertThrowsError(try HS256Secret(configured: String(repeating: " ", count: 40))) {
            XCTAssertEqual($0 as? KeyError, .blankSecret)
        }
        XCTAssertThrowsError(try HS256Secret(configured: String(repeating: "x", count: 31))) {
            XCTAssertEqual($0 as? KeyError, .secretTooShort(minimumBytes: 32))
        }
        XCTAssertNoThrow(try HS256Secret(bytes: [UInt8](repeating: 7, count: 32)))
        let secret = try HS256Secret(configured: "supersecretsupersecretsupersecret")
        XCTAssertFalse(String(describing: secret).contains("super"))
    }

    func testKeyRotationRetiredKeyVerifiesActiveKeySigns() throws {
        let oldKeys = JWTKeySet(signingKey: .ed25519(Ed25519PrivateKey()))
        let oldToken = try issue(keys: oldKeys).token
        let rotated = JWTKeySet(signingKey: .ed25519(edKey), retiredKeys: [oldKeys.signingKey.verificationKey])
        let rotatedVerifier = AccessTokenVerifier(keys: rotated, issuer: issuer, audience: audience, now: clock.function)
        XCTAssertEqual(try rotatedVerifier.verify(oldToken).keyID, oldKeys.signingKey.id)
        let newToken = try issue(keys: rotated).token
        XCTAssertEqual(try rotatedVerifier.verify(newToken).keyID, edKey.publicKeyID)
        assertRejected(oldToken, .unknownKey)
    }

    func testJWKSPublishesOnlyPublicEd25519Keys() throws {
        let retired = Ed25519PrivateKey()
        let hsSecret = try HS256Secret(configured: String(repeating: "s", count: 40))
        let set = JWTKeySet(
            signingKey: .ed25519(edKey), retiredKeys: [.ed25519(retired.publicKey), .hs256(hsSecret)])
        let json = set.jwksJSON()
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let published = try XCTUnwrap(document["keys"] as? [[String: String]])
        XCTAssertEqual(published.count, 2)
        for key in published {
            XCTAssertEqual(Set(key.keys), ["kty", "crv", "x", "kid", "alg", "use"])
            XCTAssertEqual(key["kty"], "OKP")
            XCTAssertNil(key["d"])
            XCTAssertNil(key["k"])
        }
        XCTAssertEqual(
            published.map { $0["x"] }, [edKey.publicKey, retired.publicKey].map { Base64URL.encode($0.rawRepresentation) })
        XCTAssertFalse(json.contains("oct"))
        XCTAssertFalse(json.contains(Base64URL.encode(Array(String(repeating: "s", count: 40).utf8))))
    }

    // MARK: - Header attacks

    func testAlgNoneInAnyCasingIsRejected() throws {
        for spelling in ["none", "None", "NONE", "nOnE"] {
            let header = "{\"alg\":\"\(spelling)\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\"}"
            assertRejected(try forge(header: header, claims: claims(), signature: "AA"), .algorithmNone)
            assertRejected(try forge(header: header, claims: claims()), .algorithmNone)
        }
    }

    func testHS256SignedWithOurPublicKeyBytesIsRejected() throws {
        let publicBytes = edKey.publicKey.rawRepresentation
        let confused = JWTSigningKey.hs256(try HS256Secret(bytes: publicBytes))
        let headerWithOurKid = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\"}"
        assertRejected(try forge(header: headerWithOurKid, claims: claims(), key: confused), .algorithmMismatch)
        let headerWithoutKid = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"
        assertRejected(try forge(header: headerWithoutKid, claims: claims(), key: confused), .missingKeyID)
        let headerWithTheirKid = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"\(confused.id)\"}"
        assertRejected(try forge(header: headerWithTheirKid, claims: claims(), key: confused), .unknownKey)
    }

    func testHostileKeyIDsFindNoKey() throws {
        for kid in ["../../etc/passwd", "' OR '1'='1", "x\"; DROP TABLE keys; --", "", String(repeating: "A", count: 2000)] {
            var escaped = ""
            for scalar in kid.unicodeScalars {
                escaped += scalar == "\"" ? "\\\"" : String(scalar)
            }
            let header = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(escaped)\"}"
            assertRejected(try forge(header: header, claims: claims()), .unknownKey)
        }
        assertRejected(try forge(header: "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":7}", claims: claims()), .invalidHeader)
    }

    func testKeyBearingHeadersAreRejected() throws {
        for (name, value) in [
            ("jku", "\"https://evil.example/jwks\""), ("x5u", "\"https://evil.example/cert\""),
            ("jwk", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"}"), ("x5c", "[\"MIIB\"]"),
        ] {
            let header = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\",\"\(name)\":\(value)}"
            assertRejected(try forge(header: header, claims: claims()), .forbiddenHeaderParameter(name))
        }
    }

    func testUnknownCritIsRejected() throws {
        let header = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\",\"crit\":[\"exp\"],\"exp\":1}"
        assertRejected(try forge(header: header, claims: claims()), .unsupportedCriticalHeader)
    }

    func testWrongTypIsRejected() throws {
        for typ in ["JWT", "jwt", "at+JWT-not", ""] {
            let header = "{\"alg\":\"EdDSA\",\"typ\":\"\(typ)\",\"kid\":\"\(keys.signingKey.id)\"}"
            assertRejected(try forge(header: header, claims: claims()), .wrongType)
        }
        let missing = "{\"alg\":\"EdDSA\",\"kid\":\"\(keys.signingKey.id)\"}"
        assertRejected(try forge(header: missing, claims: claims()), .wrongType)
        let mediaType = "{\"alg\":\"EdDSA\",\"typ\":\"application/AT+JWT\",\"kid\":\"\(keys.signingKey.id)\"}"
        XCTAssertNoThrow(try verifier.verify(try forge(header: mediaType, claims: claims())))
    }

    func testDuplicateHeaderKeysAreRejected() throws {
        let header = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\",\"alg\":\"none\"}"
        assertRejected(try forge(header: header, claims: claims()), .invalidHeader)
        let escapedDuplicate = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\",\"\\u0061lg\":\"EdDSA\"}"
        assertRejected(try forge(header: escapedDuplicate, claims: claims()), .invalidHeader)
    }

    func testMalformedHeadersAreRejected() throws {
        for header in [
            "[]", "\"alg\"", "{\"alg\":\"EdDSA\"", "{\"alg\":\"EdDSA\"} x", "{\"alg\":1}", "{}", "{\"alg\":\"EdDSA\",}",
        ] {
            assertRejected(try forge(header: header, claims: claims(), signature: "AA"), .invalidHeader)
        }
        let invalidUTF8 = Base64URL.encode([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])
        assertRejected(invalidUTF8 + "." + Base64URL.encode(claims().utf8) + ".AA", .invalidHeader)
    }

    func testDeepNestingIsRejectedWithoutCrashing() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let header = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"\(keys.signingKey.id)\",\"x\":\(deep)}"
        let token = try forge(header: header, claims: claims())
        assertRejected(token, .tooLarge)
        let lenient = AccessTokenVerifier(
            keys: keys, issuer: issuer, audience: audience, maximumTokenSize: 1 << 20, now: clock.function)
        XCTAssertThrowsError(try lenient.verify(token)) { XCTAssertEqual($0 as? TokenError, .invalidHeader) }
        let deepClaims = try forge(header: edHeader, claims: claims(["x": deep]))
        XCTAssertThrowsError(try lenient.verify(deepClaims)) { XCTAssertEqual($0 as? TokenError, .invalidClaims) }
    }

    // MARK: - Structure and encoding

    func testOversizeTokenIsRejected() throws {
        let padding = String(repeating: "a", count: 9000)
        assertRejected(try forge(header: edHeader, claims: claims(["pad": "\"\(padding)\""])), .tooLarge)
    }

    func testStrippedOrTruncatedSignatureIsRejected() throws {
        let token = try issue().token
        let withoutSignature = String(token[..<token.lastIndex(of: ".")!])
        assertRejected(withoutSignature, .malformed)
        assertRejected(withoutSignature + ".", .malformed)
        let signature = try XCTUnwrap(Base64URL.decode(token[token.index(after: token.lastIndex(of: ".")!)...]))
        assertRejected(withoutSignature + "." + Base64URL.encode(signature.dropLast(3)), .invalidSignature)
        assertRejected(withoutSignature + "." + Base64URL.encode(signature + [0]), .invalidSignature)
        assertRejected(String(token.dropLast(1)), .invalidEncoding)
        var flipped = Array(token.utf8)
        flipped[flipped.count - 10] = flipped[flipped.count - 10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        assertRejected(String(decoding: flipped, as: UTF8.self), .invalidSignature)
    }

    func testStructuralGarbageIsRejected() {
        for garbage in ["", ".", "..", "a.b", "a.b.c.d", "...", "a..c", ".b.c", "a.b.", "\u{0}.\u{0}.\u{0}", "é.é.é"] {
            XCTAssertThrowsError(try verifier.verify(garbage), garbage) { error in
                XCTAssertTrue([.malformed, .invalidEncoding].contains(error as? TokenError), "\(garbage): \(error)")
            }
        }
    }

    func testPaddedOrNonCanonicalBase64IsRejected() throws {
        let token = try issue().token
        let parts = token.split(separator: ".").map(String.init)
        assertRejected(parts[0] + "=." + parts[1] + "." + parts[2], .invalidEncoding)
        assertRejected(parts[0] + "." + parts[1] + "." + parts[2] + "==", .invalidEncoding)
        let standardAlphabet = parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standardAlphabet != parts[2] {
            assertRejected(parts[0] + "." + parts[1] + "." + standardAlphabet, .invalidEncoding)
        }
        // A signature is 64 bytes, so its last character carries 4 unused bits; setting one changes only the
        // spelling, never the bytes, and must still be refused.
        var last = Array(parts[2].utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let value = alphabet.firstIndex(of: last[last.count - 1])!
        last[last.count - 1] = alphabet[value | 1]
        assertRejected(parts[0] + "." + parts[1] + "." + String(decoding: last, as: UTF8.self), .invalidEncoding)
        assertRejected(parts[0] + " ." + parts[1] + "." + parts[2], .invalidEncoding)
    }

    // MARK: - Claims

    func testTimeClaims() throws {
        let token = try issue().token
        clock.advance(seconds: 1800 + 60)
        XCTAssertNoThrow(try verifier.verify(token), "within leeway")
        clock.advance(seconds: 1)
        assertRejected(token, .expired)

        let early = TestClock(clock.now.addingTimeInterval(-10_000))
        let earlyVerifier = AccessTokenVerifier(keys: keys, issuer: issuer, audience: audience, now: early.function)
        XCTAssertThrowsError(try earlyVerifier.verify(try issue().token)) {
            XCTAssertEqual($0 as? TokenError, .issuedInFuture)
        }
        assertRejected(try forge(header: edHeader, claims: claims(["nbf": "\(now + 61)"])), .notYetValid)
        XCTAssertNoThrow(try verifier.verify(try forge(header: edHeader, claims: claims(["nbf": "\(now + 59)"]))))
        assertRejected(try forge(header: edHeader, claims: claims(["exp": "\"tomorrow\""])), .invalidClaim("exp"))
        assertRejected(try forge(header: edHeader, claims: claims(removing: ["exp"])), .missingClaim("exp"))
        assertRejected(try forge(header: edHeader, claims: claims(removing: ["iat"])), .missingClaim("iat"))
    }

    func testIssuerAndAudience() throws {
        assertRejected(try forge(header: edHeader, claims: claims(["iss": "\"https://evil.example\""])), .wrongIssuer)
        assertRejected(try forge(header: edHeader, claims: claims(["aud": "\"other-api\""])), .wrongAudience)
        assertRejected(try forge(header: edHeader, claims: claims(["aud": "[\"a\",\"b\"]"])), .wrongAudience)
        assertRejected(try forge(header: edHeader, claims: claims(["aud": "[\"a\",7]"])), .invalidClaim("aud"))
        assertRejected(try forge(header: edHeader, claims: claims(["aud": "7"])), .invalidClaim("aud"))
        XCTAssertNoThrow(try verifier.verify(try forge(header: edHeader, claims: claims(["aud": "[\"a\",\"\(audience)\"]"]))))
        assertRejected(try forge(header: edHeader, claims: claims(removing: ["aud"])), .missingClaim("aud"))
        assertRejected(try forge(header: edHeader, claims: claims(removing: ["iss"])), .missingClaim("iss"))
    }

    func testRequiredClaimsAndTypes() throws {
        for name in ["sub", "emp_no", "client_id", "scope", "jti"] {
            assertRejected(try forge(header: edHeader, claims: claims(removing: [name])), .missingClaim(name))
        }
        assertRejected(try forge(header: edHeader, claims: claims(["sub": "10001"])), .invalidClaim("sub"))
        assertRejected(try forge(header: edHeader, claims: claims(["sub": "\"employee:10002\""])), .invalidClaim("sub"))
        assertRejected(try forge(header: edHeader, claims: claims(["scope": "[\"user:read\"]"])), .invalidClaim("scope"))
        assertRejected(try forge(header: edHeader, claims: claims(["scope": "\"user:read root\""])), .invalidClaim("scope"))
        assertRejected(try forge(header: edHeader, claims: claims(["emp_no": "\"10001\""])), .invalidClaim("emp_no"))
        assertRejected(try forge(header: edHeader, claims: claims(["emp_no": "10001.5"])), .invalidClaim("emp_no"))
        assertRejected(try forge(header: edHeader, claims: claims(["client_id": "null"])), .invalidClaim("client_id"))
    }

    func testDuplicateClaimsAndMalformedPayloadAreRejected() throws {
        let duplicate = claims().dropLast() + ",\"scope\":\"super:*\"}"
        assertRejected(try forge(header: edHeader, claims: String(duplicate)), .invalidClaims)
        assertRejected(try forge(header: edHeader, claims: "[1,2]"), .invalidClaims)
        assertRejected(try forge(header: edHeader, claims: "{\"iss\":01}"), .invalidClaims)
    }

    func testRandomMutationsAreRejectedWithoutCrashing() throws {
        let original = Array(try issue().token.utf8)
        var generator = TestRandom()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\"\u{0}".utf8)
        for _ in 0..<3000 {
            var mutated = original
            for _ in 0...Int.random(in: 0..<3, using: &generator) {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                mutated[index] = alphabet.randomElement(using: &generator)!
            }
            guard mutated != original else { continue }
            let text = String(decoding: mutated, as: UTF8.self)
            if let verified = try? verifier.verify(text) {
                // Only a change confined to a signature character's unused bits could pass, and strict base64url
                // forbids that, so any acceptance is a bug.
                XCTFail("mutated token accepted (TestRandom seed \(generator.seed)): \(verified)")
            }
        }
    }

    func testEveryPrefixOfAValidTokenIsRejectedWithoutCrashing() throws {
        let token = Array(try issue().token.utf8)
        for length in 0..<token.count {
            XCTAssertThrowsError(try verifier.verify(String(decoding: token[..<length], as: UTF8.self)))
        }
    }
}

extension Ed25519PrivateKey {
    fileprivate var publicKeyID: String { JWTVerificationKey.ed25519(publicKey).id }
}
