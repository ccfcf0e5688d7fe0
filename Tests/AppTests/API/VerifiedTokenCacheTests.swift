import Crypto
import Foundation
import Security
import TestSupport
import XCTest

@testable import App

final class VerifiedTokenCacheTests: XCTestCase {
    /// A really verified token whose validity covers `expiresAt - 30 s`.
    private func verified(expiresAt: Date) -> VerifiedAccessToken {
        let keys = JWTKeySet(signingKey: .ed25519(Ed25519PrivateKey()))
        let issued = try! AccessTokenIssuer(keys: keys, issuer: "i", audience: "a", now: { expiresAt.addingTimeInterval(-60) })
            .issue(empNo: 7, clientID: "c", scopes: [.userRead])
        return try! AccessTokenVerifier(keys: keys, issuer: "i", audience: "a", now: { expiresAt.addingTimeInterval(-30) })
            .verify(issued.token)
    }

    func testHitsOnlyUntilTheTokenExpiresAndStartsOverWhenFull() {
        let clock = Locked(Date(timeIntervalSince1970: 1_000_000))
        let cache = VerifiedTokenCache(capacity: 2, now: { clock.value })
        let entry = verified(expiresAt: clock.value.addingTimeInterval(10))
        XCTAssertNil(cache.lookup("a"))
        cache.store("a", entry)
        XCTAssertEqual(cache.lookup("a"), entry)
        XCTAssertNil(cache.lookup("b"), "keyed by the whole token text")
        clock.withLock { $0 = entry.expiresAt.addingTimeInterval(1) }
        XCTAssertNil(cache.lookup("a"), "never past the token's own expiry")
        clock.withLock { $0 = Date(timeIntervalSince1970: 1_000_000) }
        cache.store("a", entry)
        cache.store("b", entry)
        cache.store("c", entry)
        XCTAssertNil(cache.lookup("a"), "a full cache starts over instead of growing")
        XCTAssertEqual(cache.lookup("c"), entry)
    }
}
