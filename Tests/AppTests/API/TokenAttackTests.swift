import Crypto
import Foundation
import Security
import TestSupport
import XCTest

@testable import App

/// Hostile and broken bearer tokens sent over HTTP: every one is a 401 `invalid_token`, never a 5xx. Most are
/// signed with the service's real key, so only the rule under test can refuse them; a control token built by the
/// same helpers is accepted, so the refusals are not an artefact of the helpers.
final class TokenAttackTests: XCTestCase {
    private var harness: ServiceHarness!
    private var empNo = 0

    override func setUp() async throws {
        harness = try await ServiceHarness.start()
        empNo = try await harness.makeEmployee(email: "victim@example.com", scopes: [.userRead])
    }

    override func tearDown() async throws {
        await harness?.stop()
    }

    private var keyID: String { harness.service.keys.signingKey.id }
    private var now: Int { Int(Date().timeIntervalSince1970) }

    private func part(_ json: String) -> String { Base64URL.encode(Array(json.utf8)) }

    private func header(alg: String = "EdDSA", typ: String = "at+jwt", kid: String? = nil, extra: String = "") -> String {
        #"{"alg":"\#(alg)","typ":"\#(typ)","kid":"\#(kid ?? keyID)"\#(extra)}"#
    }

    /// The claims of a valid token, as (name, raw JSON value) pairs in order, for editing.
    private func claimPairs() -> [(String, String)] {
        [
            ("iss", #""employees""#), ("sub", #""employee:\#(empNo)""#), ("aud", #""employees-api""#), ("emp_no", "\(empNo)"),
            ("client_id", #""tests""#), ("scope", #""user:read""#), ("iat", "\(now)"), ("exp", "\(now + 600)"),
            ("jti", #""\#(UUID().uuidString)""#),
        ]
    }

    private func claims(replacing changes: [String: String] = [:], removing removed: Set<String> = [], extra: String = "")
        -> String
    {
        let members = claimPairs().filter { !removed.contains($0.0) }.map { name, value in "\"\(name)\":\(changes[name] ?? value)"
        }
        return "{" + members.joined(separator: ",") + extra + "}"
    }

    /// Signed with the service's own signing key: a genuine signature over whatever header and claims are given.
    private func signed(_ header: String, _ claims: String) throws -> String {
        let input = part(header) + "." + part(claims)
        return input + "." + Base64URL.encode(try harness.service.keys.signingKey.sign(Array(input.utf8)))
    }

    private func assertRefused(_ token: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) async throws
    {
        let response = try await harness.client.send("GET", "/me", headers: [("Authorization", "Bearer \(token)")])
        XCTAssertEqual(response.status, 401, "\(label): \(response.text)", file: file, line: line)
        XCTAssertTrue(
            response.header("WWW-Authenticate")?.contains("error=\"invalid_token\"") == true,
            "\(label): \(response.header("WWW-Authenticate") ?? "none")",
            file: file, line: line)
    }

    func testTheControlTokenBuiltByTheseHelpersIsAccepted() async throws {
        let response = try await harness.client.send(
            "GET", "/me", headers: [("Authorization", "Bearer \(try signed(header(), claims()))")])
        XCTAssertEqual(response.status, 200, response.text)
    }

    func testUnsignedAndAlgorithmConfusionTokensAreRefused() async throws {
        let validClaims = claims()
        for alg in ["none", "None", "NONE", "nOnE"] {
            let unsigned = part(header(alg: alg)) + "." + part(validClaims)
            try await assertRefused(unsigned + ".", "alg \(alg), empty signature")
            try await assertRefused(unsigned, "alg \(alg), two parts")
            let realSignature = try signed(header(), validClaims).split(separator: ".")[2]
            try await assertRefused(unsigned + "." + realSignature, "alg \(alg) with a signature")
        }
        // HS256 keyed with our Ed25519 public key (raw bytes, and the JWK's base64url text): the classic confusion.
        let jwks = try JSONSerialization.jsonObject(with: Data(harness.service.keys.jwksJSON().utf8)) as? [String: Any]
        let x = try XCTUnwrap((jwks?["keys"] as? [[String: Any]])?.first?["x"] as? String)
        let publicKey = try XCTUnwrap(Base64URL.decode(x))
        for (name, secret) in [("raw public key", publicKey), ("JWK x text", Array(x.utf8))] {
            let input = part(header(alg: "HS256")) + "." + part(validClaims)
            try await assertRefused(
                input + "." + Base64URL.encode(HMAC.sha256(key: secret, message: Array(input.utf8))), "HS256 with the \(name)")
        }
        try await assertRefused(try signed(header(alg: "ES256"), validClaims), "alg that is not the key's")
    }

    func testHostileHeadersAreRefusedEvenWithAGenuineSignature() async throws {
        let validClaims = claims()
        for kid in [
            "../../../../etc/passwd", "' OR '1'='1", "x'; DROP TABLE employees;--", String(repeating: "k", count: 2000), "",
        ] {
            try await assertRefused(try signed(header(kid: kid), validClaims), "kid \(kid.prefix(30))")
        }
        try await assertRefused(try signed(#"{"alg":"EdDSA","typ":"at+jwt"}"#, validClaims), "no kid")
        for extra in [
            #","jku":"http://127.0.0.1:1/jwks.json""#, #","x5u":"http://127.0.0.1:1/cert.pem""#,
            #","jwk":{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#, #","x5c":["AAAA"]"#, #","crit":["exp"]"#,
            #","crit":["b64"],"b64":false"#,
        ] {
            try await assertRefused(try signed(header(extra: extra), validClaims), "header with \(extra)")
        }
        for typ in ["JWT", "jwt", "at+jwt2", ""] {
            try await assertRefused(try signed(header(typ: typ), validClaims), "typ \(typ)")
        }
        try await assertRefused(
            try signed(#"{"alg":"EdDSA","alg":"none","typ":"at+jwt","kid":"\#(keyID)"}"#, validClaims), "duplicate alg")
        try await assertRefused(
            try signed(#"{"alg":"EdDSA","typ":"at+jwt","kid":"\#(keyID)","k\u0069d":"x"}"#, validClaims),
            "duplicate kid after unescaping")
        // Balanced nesting must stay under the 8 KiB token limit to reach the parser over HTTP; 10,000 levels
        // (balanced) are checked in-process below, and unclosed over HTTP, where the size limit answers first.
        let deep = { (depth: Int, closed: Bool) in
            #"{"alg":"EdDSA","typ":"at+jwt","kid":"\#(self.keyID)","x":"# + String(repeating: "[", count: depth)
                + (closed ? String(repeating: "]", count: depth) + "}" : "")
        }
        try await assertRefused(try signed(deep(2_500, true), validClaims), "2,500-deep header")
        try await assertRefused(try signed(deep(10_000, false), validClaims), "10,000-deep unclosed header")
        let unlimited = AccessTokenVerifier(
            keys: harness.service.keys, issuer: EmployeeService.issuer, audience: EmployeeService.audience,
            maximumTokenSize: 1 << 20)
        XCTAssertThrowsError(try unlimited.verify(try signed(deep(10_000, true), validClaims))) { error in
            XCTAssertEqual(error as? TokenError, .invalidHeader, "refused by the parser's depth limit, without a stack overflow")
        }
        XCTAssertThrowsError(
            try unlimited.verify(
                try signed(
                    header(),
                    claims(extra: #","x":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))))
        ) { error in
            XCTAssertEqual(error as? TokenError, .invalidClaims)
        }
    }

    func testClaimsThatBreakTheRulesAreRefusedEvenWithAGenuineSignature() async throws {
        let cases: [(String, String)] = [
            ("expired", claims(replacing: ["iat": "\(now - 7200)", "exp": "\(now - 3600)"])),
            ("not yet valid", claims(extra: #","nbf":\#(now + 3600)"#)),
            ("issued in the future", claims(replacing: ["iat": "\(now + 3600)", "exp": "\(now + 7200)"])),
            ("wrong issuer", claims(replacing: ["iss": #""https://evil.example""#])),
            ("wrong audience", claims(replacing: ["aud": #""another-api""#])),
            ("audience list without us", claims(replacing: ["aud": #"["a","b"]"#])),
            ("sub as a number", claims(replacing: ["sub": "\(empNo)"])),
            ("sub of another employee", claims(replacing: ["sub": #""employee:\#(empNo + 1000)""#])),
            ("emp_no as a string", claims(replacing: ["emp_no": #""\#(empNo)""#])),
            ("scope as an array", claims(replacing: ["scope": #"["user:read"]"#])),
            ("unknown scope", claims(replacing: ["scope": #""user:read root""#])),
            ("exp as a string", claims(replacing: ["exp": #""\#(now + 600)""#])),
            ("unknown employee", claims(replacing: ["sub": #""employee:999999""#, "emp_no": "999999"])),
            ("duplicate sub", claims(extra: #","sub":"employee:1""#)),
            ("duplicate emp_no", claims(extra: #","emp_no":1"#)),
            (
                "2,500-deep claims",
                claims(extra: #","x":"# + String(repeating: "[", count: 2_500) + String(repeating: "]", count: 2_500))
            ),
            ("10,000-deep unclosed claims", claims(extra: #","x":"# + String(repeating: "[", count: 10_000))),
            ("claims not an object", "[1,2,3]"),
            ("claims not JSON", "not json"),
        ]
        for name in ["iss", "sub", "aud", "emp_no", "client_id", "scope", "iat", "exp", "jti"] {
            try await assertRefused(try signed(header(), claims(removing: [name])), "missing \(name)")
        }
        for (label, claims) in cases {
            try await assertRefused(try signed(header(), claims), label)
        }
    }

    func testDamagedEncodingsAreRefused() async throws {
        let valid = try signed(header(), claims())
        let parts = valid.split(separator: ".").map(String.init)
        try await assertRefused(parts[0] + "." + parts[1] + ".", "stripped signature")
        try await assertRefused(parts[0] + "." + parts[1], "two parts")
        try await assertRefused(valid + ".", "four parts")
        try await assertRefused(String(valid.dropLast(4)), "truncated signature")
        try await assertRefused(String(valid.dropLast(1)) + (valid.last == "A" ? "B" : "A"), "altered signature")
        try await assertRefused(valid + "==", "padded signature")
        try await assertRefused(parts[0] + "=." + parts[1] + "." + parts[2], "padded header")
        // The 86th character of an Ed25519 signature carries 2 bits; flipping its low bits spells the same bytes
        // in a non-canonical way, which a lenient decoder would accept.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = try XCTUnwrap(alphabet.firstIndex(of: parts[2].last!))
        try await assertRefused(
            parts[0] + "." + parts[1] + "." + String(parts[2].dropLast()) + String(alphabet[last | 1]), "non-canonical signature")
        let standardBase64 = valid.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standardBase64 != valid { try await assertRefused(standardBase64, "standard base64 alphabet") }
        try await assertRefused("\(parts[0]).\(parts[1]).\(parts[2]).\(parts[2])", "five parts")
    }

    func testAnOversizedTokenUnderTheHeadLimitIs401Not431() async throws {
        let padded = try signed(header(), claims(extra: #","pad":""# + String(repeating: "a", count: 9_000) + "\""))
        XCTAssertGreaterThan(padded.utf8.count, 8 * 1024)
        XCTAssertLessThan(padded.utf8.count, 15 * 1024)
        try await assertRefused(padded, "a 12 KiB token")
    }
}
