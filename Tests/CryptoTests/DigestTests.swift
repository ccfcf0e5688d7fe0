import Crypto
import XCTest

final class DigestTests: XCTestCase {
    func testSHA256OfABC() {
        XCTAssertEqual(
            Hex.encode(SHA256.hash("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testSHA256OfEmptyInput() {
        XCTAssertEqual(
            Hex.encode(SHA256.hash([UInt8]())),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testIncrementalSHA256MatchesOneShot() {
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        var hasher = SHA256()
        hasher.update(message[..<10])
        hasher.update(message[10...])
        let digest = hasher.finalize()
        XCTAssertEqual(digest, SHA256.hash(message))
        XCTAssertEqual(
            Hex.encode(SHA256.hash(message)), "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592")
    }

    /// RFC 4231 §4.2–4.5, 4.7, 4.8 (test case 5 truncates the tag and is not applicable).
    func testHMACSHA256RFC4231() throws {
        let cases: [(key: [UInt8], message: [UInt8], tag: String)] = [
            (
                [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
            ),
            (
                Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            ),
            (
                [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
            ),
            (
                Array(1...25), [UInt8](repeating: 0xcd, count: 50),
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
            ),
            (
                [UInt8](repeating: 0xaa, count: 131),
                Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
            (
                [UInt8](repeating: 0xaa, count: 131),
                Array(
                    ("This is a test using a larger than block-size key and a larger than block-size data. "
                        + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            ),
        ]
        for (index, testCase) in cases.enumerated() {
            let tag = HMAC.sha256(key: testCase.key, message: testCase.message)
            XCTAssertEqual(Hex.encode(tag), testCase.tag, "RFC 4231 case index \(index)")
            XCTAssertTrue(HMAC.isValidSHA256(tag: tag, key: testCase.key, message: testCase.message))
            var forged = tag
            forged[31] ^= 1
            XCTAssertFalse(HMAC.isValidSHA256(tag: forged, key: testCase.key, message: testCase.message))
        }
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(constantTimeEquals([], []))
        XCTAssertTrue(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2]))
    }

    func testSecureRandomLengthAndVariety() {
        XCTAssertEqual(SecureRandom.bytes(count: 0), [])
        let first = SecureRandom.bytes(count: 32)
        let second = SecureRandom.bytes(count: 32)
        XCTAssertEqual(first.count, 32)
        XCTAssertNotEqual(first, second)
    }

    func testSecureZeroWipes() {
        var secret: [UInt8] = [1, 2, 3, 4]
        secret.withUnsafeMutableBytes { secureZero($0) }
        XCTAssertEqual(secret, [0, 0, 0, 0])
    }
}
