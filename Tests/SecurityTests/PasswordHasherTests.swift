import Security
import XCTest

final class PasswordHasherTests: XCTestCase {
    let hasher = PasswordHasher()

    func testSeedArgon2idHashFromTheOriginalSystem() {
        let seed = "$argon2id$v=19$m=16,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"
        XCTAssertTrue(hasher.verify("password", against: seed))
        XCTAssertFalse(hasher.verify("Password", against: seed))
        XCTAssertFalse(hasher.verify("", against: seed))
        XCTAssertTrue(hasher.needsRehash(seed))
    }

    /// crypt_blowfish / libxcrypt known answer (test/crypt-kat.inc): "U*U" with the all-C salt at cost 5.
    func testBcryptKnownAnswers() {
        for prefix in ["$2a$", "$2b$", "$2y$"] {
            let stored = prefix + "05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
            XCTAssertTrue(hasher.verify("U*U", against: stored), prefix)
            XCTAssertFalse(hasher.verify("U*V", against: stored), prefix)
            XCTAssertTrue(hasher.needsRehash(stored))
        }
        let empty = "$2b$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"
        XCTAssertTrue(hasher.verify("", against: empty))
        XCTAssertFalse(hasher.verify("U*U\u{0}", against: "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
    }

    /// yescrypt reference implementation's TESTS-OK vector for "pleaseletmein".
    func testYescryptKnownAnswer() {
        let stored = "$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi.$HboGM6qPrsK.StKYGt6KErmUYtioHreJd98oIugoNB6"
        XCTAssertTrue(hasher.verify("pleaseletmein", against: stored))
        XCTAssertFalse(hasher.verify("pleaseletmeout", against: stored))
        XCTAssertTrue(hasher.needsRehash(stored))
    }

    func testNewHashesRoundTripAtCurrentParameters() throws {
        let password = "correct horse battery staple ünïcode"
        let stored = try hasher.hash(password)
        XCTAssertTrue(stored.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        XCTAssertTrue(hasher.verify(password, against: stored))
        XCTAssertFalse(hasher.verify(password + " ", against: stored))
        XCTAssertFalse(hasher.needsRehash(stored))
        XCTAssertNotEqual(try hasher.hash(password), stored, "fresh salt each time")
    }

    func testNeedsRehashWhenParametersChange() throws {
        let cheap = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1))
        let stored = try cheap.hash("some long password here")
        XCTAssertTrue(cheap.verify("some long password here", against: stored))
        XCTAssertFalse(cheap.needsRehash(stored))
        XCTAssertTrue(hasher.needsRehash(stored))
        XCTAssertTrue(hasher.needsRehash("$argon2i$v=19$m=19456,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"))
        XCTAssertTrue(hasher.needsRehash("garbage"))
    }

    /// Known answers from the Argon2 reference implementation's tests (src/test.c, version 0x13).
    func testArgon2ReferenceVectors() {
        let argon2i = "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA"
        XCTAssertTrue(hasher.verify("password", against: argon2i))
        XCTAssertFalse(hasher.verify("passwore", against: argon2i))
        XCTAssertTrue(hasher.needsRehash(argon2i))
        let argon2id = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
        XCTAssertTrue(hasher.verify("password", against: argon2id))
        // The variant is part of the computation: relabelling one as the other must not verify.
        XCTAssertFalse(hasher.verify("password", against: argon2i.replacingOccurrences(of: "$argon2i$", with: "$argon2id$")))
    }

    func testUnsupportedOrHostileHashesAreRefused() {
        XCTAssertFalse(hasher.verify("password", against: ""))
        XCTAssertFalse(hasher.verify("password", against: "*0"))
        XCTAssertFalse(hasher.verify("password", against: "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"))
        XCTAssertFalse(hasher.verify("password", against: "$6$saltsalt$abc"))
        XCTAssertFalse(
            hasher.verify("password", against: "$argon2id$v=19$m=4194304,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"))
        XCTAssertFalse(
            hasher.verify("password", against: "$argon2id$v=19$m=16,t=2$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"))
        XCTAssertFalse(hasher.verify("password", against: "$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
        XCTAssertFalse(hasher.verify("password", against: "$2b$05$short"))
        XCTAssertFalse(hasher.verify("password", against: "$y$garbage"))
        XCTAssertFalse(
            hasher.verify(
                String(repeating: "x", count: 5000), against: "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
    }
}
