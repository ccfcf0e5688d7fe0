import Crypto
import XCTest

final class EncodingTests: XCTestCase {
    func testBase64URLRoundTripsAllLengths() {
        for length in 0..<70 {
            let bytes = SecureRandom.bytes(count: length)
            let text = Base64URL.encode(bytes)
            XCTAssertFalse(text.contains("="))
            XCTAssertEqual(Base64URL.decode(text), bytes, "length \(length)")
        }
    }

    func testBase64URLKnownAnswers() {
        XCTAssertEqual(Base64URL.encode(Array("Example of Ed25519 signing".utf8)), "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")
        XCTAssertEqual(Base64URL.encode([0xfb, 0xff]), "-_8")
        XCTAssertEqual(Base64URL.decode("-_8"), [0xfb, 0xff])
        XCTAssertEqual(Base64URL.decode(""), [])
    }

    func testBase64URLRejectsPaddingAndForeignCharacters() {
        XCTAssertNil(Base64URL.decode("YQ=="))
        XCTAssertNil(Base64URL.decode("YQ="))
        XCTAssertNil(Base64URL.decode("+/8"))
        XCTAssertNil(Base64URL.decode("YW Jj"))
        XCTAssertNil(Base64URL.decode("YWJj\n"))
        XCTAssertNil(Base64URL.decode("Y"))
        XCTAssertNil(Base64URL.decode("YWJjZ"))
        XCTAssertNil(Base64URL.decode("YWé"))
    }

    func testBase64URLRejectsNonCanonicalTrailingBits() {
        XCTAssertEqual(Base64URL.decode("YQ"), Array("a".utf8))
        XCTAssertNil(Base64URL.decode("YR"), "two characters with non-zero unused bits")
        XCTAssertEqual(Base64URL.decode("YWI"), Array("ab".utf8))
        XCTAssertNil(Base64URL.decode("YWJ"), "three characters with non-zero unused bits")
    }

    func testHex() {
        XCTAssertEqual(Hex.encode([0x00, 0xab, 0xff]), "00abff")
        XCTAssertEqual(Hex.decode("00ABff"), [0x00, 0xab, 0xff])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
    }
}
