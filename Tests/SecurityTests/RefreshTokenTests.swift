import Crypto
import Security
import XCTest

final class RefreshTokenTests: XCTestCase {
    func testGeneratedTokensAreRandomAndHashedForStorage() {
        let first = RefreshToken.generate()
        let second = RefreshToken.generate()
        XCTAssertNotEqual(first.token, second.token)
        XCTAssertEqual(first.token.utf8.count, 43)
        XCTAssertEqual(Base64URL.decode(first.token)?.count, 32)
        XCTAssertEqual(first.storageHash, SHA256.hash(first.token.utf8))
        XCTAssertEqual(RefreshToken.storageHash(of: first.token), first.storageHash)
        XCTAssertFalse(String(describing: first).contains(first.token))
    }

    func testPresentedJunkHasNoStorageHash() {
        XCTAssertNil(RefreshToken.storageHash(of: ""))
        XCTAssertNil(RefreshToken.storageHash(of: "' OR 1=1 --"))
        XCTAssertNil(RefreshToken.storageHash(of: String(repeating: "A", count: 42) + "B"), "non-canonical tail")
        XCTAssertNil(RefreshToken.storageHash(of: RefreshToken.generate().token + "A"))
    }
}
