import Crypto
import Security
import XCTest

final class PasswordPolicyTests: XCTestCase {
    let policy = PasswordPolicy()

    private func assertViolation(
        _ password: String, _ expected: PasswordPolicyViolation, context: PasswordContext = PasswordContext(),
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try policy.validate(password, context: context), file: file, line: line) {
            XCTAssertEqual($0 as? PasswordPolicyViolation, expected, "\(password)", file: file, line: line)
        }
    }

    func testLengthBoundsCountCharactersNotBytes() {
        assertViolation("short but nice", .tooShort(minimum: 15))
        XCTAssertNoThrow(try policy.validate("violet harbor 9"))
        assertViolation(String(repeating: "é", count: 14), .tooShort(minimum: 15))
        // 15 decomposed "e + combining acute" pairs are 15 characters once NFC-normalized, not 30.
        assertViolation(String(repeating: "e\u{301}", count: 7) + "qmxwzpv", .tooShort(minimum: 15))
        XCTAssertNoThrow(try policy.validate(String(repeating: "e\u{301}", count: 8) + "qmxwzpv"))
        XCTAssertNoThrow(try policy.validate("ünïcödé pässwörd bläh"))
        let longest = Hex.encode(SecureRandom.bytes(count: 128))
        XCTAssertEqual(longest.count, 256)
        XCTAssertNoThrow(try policy.validate(longest))
        assertViolation(longest + "x", .tooLong(maximum: 256))
    }

    func testNoCompositionRules() {
        XCTAssertNoThrow(try policy.validate("purple elephants dance at noon"))
        XCTAssertNoThrow(try policy.validate("ZEBRAS ON A MIDNIGHT TRAIN"))
    }

    func testBlocklistAndItsVariants() {
        for common in [
            "passwordpassword1", "Password123456789", "P@ssw0rd123456789", "password2024!!!!", "iloveyou12345678",
            "qwertyuiopasdfgh", "1qaz2wsx3edc4rfv", "correct horse battery staple", "Summer2024!Summer",
            "football!!!2024!!!",
        ] {
            XCTAssertThrowsError(try policy.validate(common), common) { error in
                XCTAssertTrue(
                    [.commonPassword, .repetitiveOrSequential].contains(error as? PasswordPolicyViolation), "\(common)")
            }
        }
        assertViolation("monkey1234567890123", .commonPassword)
    }

    func testRepetitiveAndSequential() {
        assertViolation("aaaaaaaaaaaaaaaaaaaa", .repetitiveOrSequential)
        assertViolation("xyzxyzxyzxyzxyzxyz", .repetitiveOrSequential)
        assertViolation("abcdefghijklmnopq", .repetitiveOrSequential)
        assertViolation("9876543210987654", .repetitiveOrSequential)
        assertViolation("lkjhgfdsapoiuytre", .repetitiveOrSequential)
    }

    func testContextWords() {
        let context = PasswordContext(email: "margarethe.schmidt@example.com", names: ["Margarethe Schmidt"])
        assertViolation("blue schmidt garden gate", .containsContextWord, context: context)
        assertViolation("Margarethe likes tea 42", .containsContextWord, context: context)
        assertViolation("my employee portal login", .containsContextWord)
        XCTAssertNoThrow(try policy.validate("blue garden gate at dusk", context: context))
        // Context words shorter than four characters are ignored.
        XCTAssertNoThrow(try policy.validate("lighthouse keeper of li", context: PasswordContext(names: ["Li"])))
    }
}
