import Employees
import XCTest

final class ValueTypeTests: XCTestCase {
    private func assertFieldError(
        _ expected: FieldError, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws(FieldError) -> Void
    ) {
        do {
            try body()
            XCTFail("expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    func testEmployeeNumberIsAPositiveInteger() throws {
        XCTAssertEqual(try EmployeeNumber(parsing: "10001").value, 10001)
        XCTAssertEqual(EmployeeNumber(1)?.value, 1)
        XCTAssertNil(EmployeeNumber(0))
        XCTAssertNil(EmployeeNumber(-5))
        XCTAssertNil(EmployeeNumber(Int(Int32.max) + 1))
        assertFieldError(FieldError(.empNo, .notPositive)) { () throws(FieldError) in
            _ = try EmployeeNumber(parsing: "0")
        }
        assertFieldError(FieldError(.empNo, .empty)) { () throws(FieldError) in _ = try EmployeeNumber(parsing: "") }
        for text in ["-1", "+1", " 1", "1.0", "1e3", "abc"] {
            assertFieldError(FieldError(.empNo, .invalidFormat)) { () throws(FieldError) in
                _ = try EmployeeNumber(parsing: text)
            }
        }
        assertFieldError(FieldError(.empNo, .outOfRange)) { () throws(FieldError) in
            _ = try EmployeeNumber(parsing: "2147483648")
        }
        assertFieldError(FieldError(.empNo, .outOfRange)) { () throws(FieldError) in
            _ = try EmployeeNumber(parsing: "99999999999999999999999")
        }
        XCTAssertEqual(try EmployeeNumber(parsing: "2147483647").value, 2_147_483_647)
    }

    func testFirstNameIsTrimmedAndHoldsOneToFourteenCharacters() throws {
        XCTAssertEqual(try FirstName("  Georgi\t").value, "Georgi")
        XCTAssertEqual(try FirstName("Be Hai").value, "Be Hai")
        XCTAssertEqual(try FirstName(String(repeating: "a", count: 14)).value.count, 14)
        XCTAssertEqual(try FirstName("Zoë-Élodie").value, "Zoë-Élodie")
        assertFieldError(FieldError(.firstName, .tooLong(maximum: 14))) { () throws(FieldError) in
            _ = try FirstName(String(repeating: "a", count: 15))
        }
        assertFieldError(FieldError(.firstName, .empty)) { () throws(FieldError) in _ = try FirstName("") }
        assertFieldError(FieldError(.firstName, .empty)) { () throws(FieldError) in _ = try FirstName(" \n\t ") }
        for text in ["Geo\u{0}rgi", "Geo\nrgi", "Geo\u{7F}rgi", "Geo\u{85}rgi", "Geo\u{2028}rgi", "Geo\u{1B}rgi"] {
            assertFieldError(FieldError(.firstName, .invalidCharacters)) { () throws(FieldError) in
                _ = try FirstName(text)
            }
        }
    }

    func testNameLengthCountsUnicodeScalarsAsPostgreSQLDoes() {
        // "e" + combining acute accent: one Character, two scalars; 14 of them are 28 characters for varchar(n).
        assertFieldError(FieldError(.firstName, .tooLong(maximum: 14))) { () throws(FieldError) in
            _ = try FirstName(String(repeating: "e\u{301}", count: 8))
        }
    }

    /// A right-to-left override can make a name read as another on screen; a name of zero-width characters or
    /// fillers shows nothing. Both are refused; ordinary scripts and accents are not.
    func testNamesRefuseBidirectionalControlsAndInvisibleText() throws {
        for control in [
            "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        ] {
            assertFieldError(FieldError(.firstName, .invalidCharacters)) { () throws(FieldError) in
                _ = try FirstName("Ann\(control)a")
            }
            assertFieldError(FieldError(.lastName, .invalidCharacters)) { () throws(FieldError) in
                _ = try LastName("\(control)Smith")
            }
        }
        for invisible in [
            "\u{200B}", "\u{200B}\u{200C}\u{200D}", "\u{2060}", "\u{FEFF}", "\u{3164}", "\u{301}\u{301}", "\u{200B} \u{200B}",
        ] {
            assertFieldError(FieldError(.firstName, .noVisibleCharacter)) { () throws(FieldError) in
                _ = try FirstName(invisible)
            }
        }
        XCTAssertEqual(try FirstName("Zoë").value, "Zoë")
        XCTAssertEqual(try LastName("Ó Briain").value, "Ó Briain")
        XCTAssertEqual(try LastName("李").value, "李")
        XCTAssertEqual(try FirstName("Jean-Luc").value, "Jean-Luc")
        XCTAssertEqual(FieldError(.firstName, .noVisibleCharacter).message, "must contain a visible character")
    }

    func testLastNameHoldsOneToSixteenCharacters() throws {
        XCTAssertEqual(try LastName(" Facello ").value, "Facello")
        XCTAssertEqual(try LastName(String(repeating: "b", count: 16)).value.count, 16)
        assertFieldError(FieldError(.lastName, .tooLong(maximum: 16))) { () throws(FieldError) in
            _ = try LastName(String(repeating: "b", count: 17))
        }
        assertFieldError(FieldError(.lastName, .empty)) { () throws(FieldError) in _ = try LastName("   ") }
        assertFieldError(FieldError(.lastName, .invalidCharacters)) { () throws(FieldError) in
            _ = try LastName("Fa\rcello")
        }
    }

    func testGenderIsExactlyMOrF() throws {
        XCTAssertEqual(try Gender(parsing: "M"), .male)
        XCTAssertEqual(try Gender(parsing: "F"), .female)
        for text in ["m", "f", "", " M", "Male", "X", "MF"] {
            assertFieldError(FieldError(.gender, .invalidFormat)) { () throws(FieldError) in
                _ = try Gender(parsing: text)
            }
        }
    }

    func testEmailAcceptsPracticalAddresses() throws {
        for text in [
            "georgi.facello.10001@gmail.com", "behai_nguyen@hotmail.com", "a@b.co", "o'brien+hr@mail.example.org",
            "x@sub-domain.example.com", "user@123.example.com", "#!$%&'*+-/=?^_`{|}~@example.com",
        ] {
            XCTAssertEqual(try EmailAddress(text).value, text)
        }
    }

    func testEmailLowercasesTheDomainAndKeysOnTheWholeAddressLowercased() throws {
        let address = try EmailAddress("  Georgi.Facello@GMail.COM ")
        XCTAssertEqual(address.value, "Georgi.Facello@gmail.com")
        XCTAssertEqual(address.uniquenessKey, "georgi.facello@gmail.com")
        XCTAssertEqual(try EmailAddress("GEORGI.FACELLO@gmail.com").uniquenessKey, address.uniquenessKey)
        XCTAssertNotEqual(try EmailAddress("georgi.facello2@gmail.com").uniquenessKey, address.uniquenessKey)
    }

    func testEmailRejectsMalformedAddresses() {
        for text in [
            "georgi", "@gmail.com", "georgi@", "georgi@@gmail.com", "a@b@c.com", "georgi@gmail", ".georgi@gmail.com",
            "georgi.@gmail.com", "geo..rgi@gmail.com", "georgi@.gmail.com", "georgi@gmail..com", "georgi@gmail.com.",
            "georgi@-gmail.com", "georgi@gmail-.com", "georgi@gmail.123", "\"quoted\"@gmail.com", "geörgi@gmail.com",
            "georgi@[127.0.0.1]", "georgi@gmail_x.com", "georgi(comment)@gmail.com",
            String(repeating: "l", count: 65) + "@gmail.com", "a@" + String(repeating: "d", count: 64) + ".com",
        ] {
            assertFieldError(FieldError(.email, .invalidFormat)) { () throws(FieldError) in
                _ = try EmailAddress(text)
            }
        }
        XCTAssertNoThrow(try EmailAddress(String(repeating: "l", count: 64) + "@gmail.com"))
    }

    func testEmailRejectsSpacesAndControlCharacters() {
        for text in ["geo rgi@gmail.com", "georgi@gmail .com", "geo\trgi@gmail.com", "georgi\u{0}@gmail.com"] {
            assertFieldError(FieldError(.email, .invalidCharacters)) { () throws(FieldError) in
                _ = try EmailAddress(text)
            }
        }
        assertFieldError(FieldError(.email, .empty)) { () throws(FieldError) in _ = try EmailAddress("  ") }
    }

    func testEmailHoldsAtMostTwoHundredFiftyFiveCharacters() throws {
        let label = String(repeating: "d", count: 60)
        let domain = [label, label, label, label, "com"].joined(separator: ".")
        let fits = String(repeating: "l", count: 255 - 1 - domain.count) + "@" + domain
        XCTAssertEqual(fits.count, 255)
        XCTAssertEqual(try EmailAddress(fits).value, fits)
        assertFieldError(FieldError(.email, .tooLong(maximum: 255))) { () throws(FieldError) in
            _ = try EmailAddress("l" + fits)
        }
    }

    func testFieldErrorMessagesNameTheFieldInTheOriginalSpelling() {
        XCTAssertEqual(
            EmployeeField.allCases.map(\.rawValue),
            [
                "emp_no", "first_name", "last_name", "birth_date", "gender", "hire_date", "email",
            ])
        XCTAssertEqual(
            FieldError(.firstName, .tooLong(maximum: 14)).description, "first_name must be at most 14 characters")
        XCTAssertEqual(FieldError(.hireDate, .notAfterBirthDate).description, "hire_date must be after birth_date")
        XCTAssertEqual(
            FieldError(.birthDate, .tooEarly(earliest: date("1900-01-01"))).description,
            "birth_date must not be before 1900-01-01")
    }

    func testValidationErrorsKeepOneErrorPerFieldInFieldOrder() {
        let errors = ValidationErrors([
            FieldError(.email, .invalidFormat), FieldError(.firstName, .empty), FieldError(.email, .empty),
        ])
        XCTAssertEqual(errors.fields, [.firstName, .email])
        XCTAssertEqual(errors[.email], .invalidFormat)
        XCTAssertNil(errors[.gender])
    }
}
