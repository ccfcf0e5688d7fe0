import Employees
import XCTest

final class CreateEmployeeTests: XCTestCase {
    func testCreatesAnEmployeeWithAllFields() {
        assertDecides(
            given: [], when: .create(georgiNumber, georgiFields, withPassword: false), then: [.created(georgiCreated)])
    }

    func testCreateWithPasswordAlsoRecordsAPasswordChange() {
        assertDecides(
            given: [], when: .create(georgiNumber, georgiFields, withPassword: true),
            then: [.created(georgiCreated), .passwordChanged(PasswordChanged())])
    }

    func testCreateTrimsNamesAndEmailAndAcceptsTheOriginalDateLayout() {
        var fields = georgiFields
        fields.firstName = " Georgi "
        fields.lastName = "Facello\t"
        fields.birthDate = "2/9/1953"
        fields.hireDate = "26/06/1986"
        fields.email = " georgi.facello.10001@GMAIL.com "
        assertDecides(
            given: [], when: .create(georgiNumber, fields, withPassword: false), then: [.created(georgiCreated)])
    }

    func testCreateOnAnExistingStreamFails() {
        assertRejects(
            given: [.created(georgiCreated)], when: .create(georgiNumber, georgiFields, withPassword: false),
            then: .alreadyExists)
    }

    func testExistenceIsJudgedBeforeTheFields() {
        assertRejects(
            given: [.created(georgiCreated)], when: .create(georgiNumber, EmployeeFields(), withPassword: false),
            then: .alreadyExists)
    }

    func testEveryMissingFieldIsReportedAtOnce() {
        assertInvalid(
            given: [], when: .create(georgiNumber, EmployeeFields(), withPassword: false),
            then: [.firstName, .lastName, .birthDate, .gender, .hireDate, .email].map { FieldError($0, .required) })
    }

    func testEveryInvalidFieldIsReportedAtOnceOnePerField() {
        let fields = EmployeeFields(
            firstName: "", lastName: String(repeating: "x", count: 17), birthDate: "31/4/1960", gender: "m",
            hireDate: "1986-6-26", email: "georgi at gmail.com")
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [
                FieldError(.firstName, .empty), FieldError(.lastName, .tooLong(maximum: 16)),
                FieldError(.birthDate, .notACalendarDate), FieldError(.gender, .invalidFormat),
                FieldError(.hireDate, .invalidFormat), FieldError(.email, .invalidCharacters),
            ])
    }

    func testEmptyDatesAreEmptyNotMalformed() {
        var fields = georgiFields
        fields.birthDate = ""
        fields.hireDate = ""
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [FieldError(.birthDate, .empty), FieldError(.hireDate, .empty)])
    }

    func testHireDateMustComeAfterBirthDate() {
        var fields = georgiFields
        fields.hireDate = "1953-09-02"
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [FieldError(.hireDate, .notAfterBirthDate)])
        fields.hireDate = "1950-01-01"
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [FieldError(.hireDate, .notAfterBirthDate)])
        fields.hireDate = "1953-09-03"
        XCTAssertNoThrow(try decide(.absent, .create(georgiNumber, fields, withPassword: false), today: today))
    }

    func testHireDateIsNotComparedWithAnInvalidBirthDate() {
        var fields = georgiFields
        fields.birthDate = "1899-12-31"
        fields.hireDate = "1899-06-01"
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [FieldError(.birthDate, .tooEarly(earliest: date("1900-01-01")))])
    }

    func testBirthDateRangeIsNineteenHundredToToday() {
        var fields = georgiFields
        fields.hireDate = "2025-06-16"
        for (birth, error) in [
            ("1899-12-31", FieldError(.birthDate, .tooEarly(earliest: date("1900-01-01")))),
            ("2025-06-16", FieldError(.birthDate, .tooLate(latest: today))),
        ] {
            fields.birthDate = birth
            assertInvalid(given: [], when: .create(georgiNumber, fields, withPassword: false), then: [error])
        }
        for birth in ["1900-01-01", "2025-06-15"] {
            fields.birthDate = birth
            XCTAssertNoThrow(try decide(.absent, .create(georgiNumber, fields, withPassword: false), today: today))
        }
    }

    func testHireDateIsAtMostOneYearAfterToday() {
        var fields = georgiFields
        fields.hireDate = "2026-06-15"
        XCTAssertNoThrow(try decide(.absent, .create(georgiNumber, fields, withPassword: false), today: today))
        fields.hireDate = "2026-06-16"
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [FieldError(.hireDate, .tooLate(latest: date("2026-06-15")))])
        fields.hireDate = "2025-03-01"
        assertInvalid(
            given: [], when: .create(georgiNumber, fields, withPassword: false),
            then: [FieldError(.hireDate, .tooLate(latest: date("2025-02-28")))], today: date("2024-02-29"))
    }

    func testProfileFromTypedValuesChecksTheDateRules() throws {
        let profile = try EmployeeProfile(validating: georgiFields, today: today)
        XCTAssertEqual(EmployeeCreated(empNo: georgiNumber, profile: profile), georgiCreated)
        XCTAssertThrowsError(
            try EmployeeProfile(
                firstName: profile.firstName, lastName: profile.lastName, birthDate: profile.hireDate,
                gender: profile.gender, hireDate: profile.birthDate, email: profile.email, today: today)
        ) { error in
            XCTAssertEqual((error as? ValidationErrors)?.errors, [FieldError(.hireDate, .notAfterBirthDate)])
        }
        XCTAssertThrowsError(
            try EmployeeProfile(
                firstName: profile.firstName, lastName: profile.lastName, birthDate: date("1890-01-01"),
                gender: profile.gender, hireDate: date("2030-01-01"), email: profile.email, today: today)
        ) { error in
            XCTAssertEqual(
                (error as? ValidationErrors)?.fields, [.birthDate, .hireDate])
        }
    }
}

final class UpdateEmployeeTests: XCTestCase {
    func testUpdatesOnlyTheFieldsThatChangeWithPreviousAndNewValues() throws {
        assertDecides(
            given: [.created(georgiCreated)],
            when: .update(EmployeeChanges(firstName: "Georgy", lastName: "Facello", gender: "F")),
            then: [
                .updated(
                    EmployeeUpdated(
                        firstName: FieldChange(previous: try FirstName("Georgi"), new: try FirstName("Georgy")),
                        gender: FieldChange(previous: .male, new: .female)))
            ])
    }

    func testUpdatesDatesInEitherLayout() {
        assertDecides(
            given: [.created(georgiCreated)],
            when: .update(EmployeeChanges(birthDate: "1/1/1954", hireDate: "1987-01-01")),
            then: [
                .updated(
                    EmployeeUpdated(
                        birthDate: FieldChange(previous: date("1953-09-02"), new: date("1954-01-01")),
                        hireDate: FieldChange(previous: date("1986-06-26"), new: date("1987-01-01"))))
            ])
    }

    func testUpdateWithoutEffectiveChangeRecordsNothing() {
        assertDecides(given: [.created(georgiCreated)], when: .update(EmployeeChanges()), then: [])
        assertDecides(
            given: [.created(georgiCreated)],
            when: .update(
                EmployeeChanges(
                    firstName: " Georgi ", lastName: "Facello", birthDate: "2/9/1953", gender: "M",
                    hireDate: "1986-06-26")),
            then: [])
    }

    func testUpdateOfAMissingEmployeeFails() {
        assertRejects(given: [], when: .update(EmployeeChanges(firstName: "Georgy")), then: .notFound)
    }

    func testUpdateReportsEveryInvalidFieldAtOnce() {
        assertInvalid(
            given: [.created(georgiCreated)],
            when: .update(
                EmployeeChanges(firstName: "\u{7}", lastName: "", birthDate: "1953-02-30", gender: "X", hireDate: "x")),
            then: [
                FieldError(.firstName, .invalidCharacters), FieldError(.lastName, .empty),
                FieldError(.birthDate, .notACalendarDate), FieldError(.gender, .invalidFormat),
                FieldError(.hireDate, .invalidFormat),
            ])
    }

    func testNewHireDateIsCheckedAgainstTheExistingBirthDate() {
        assertInvalid(
            given: [.created(georgiCreated)], when: .update(EmployeeChanges(hireDate: "1953-09-01")),
            then: [FieldError(.hireDate, .notAfterBirthDate)])
    }

    func testNewBirthDateIsCheckedAgainstTheExistingHireDate() {
        assertInvalid(
            given: [.created(georgiCreated)], when: .update(EmployeeChanges(birthDate: "1986-06-26")),
            then: [FieldError(.birthDate, .notBeforeHireDate)])
    }

    func testBothDatesChangedAreCheckedAgainstEachOtherAndBlameTheHireDate() {
        assertInvalid(
            given: [.created(georgiCreated)],
            when: .update(EmployeeChanges(birthDate: "1990-01-01", hireDate: "1989-01-01")),
            then: [FieldError(.hireDate, .notAfterBirthDate)])
        assertDecides(
            given: [.created(georgiCreated)],
            when: .update(EmployeeChanges(birthDate: "1990-01-01", hireDate: "2010-01-01")),
            then: [
                .updated(
                    EmployeeUpdated(
                        birthDate: FieldChange(previous: date("1953-09-02"), new: date("1990-01-01")),
                        hireDate: FieldChange(previous: date("1986-06-26"), new: date("2010-01-01"))))
            ])
    }

    func testMergedStateFollowsEarlierUpdates() {
        let history: [EmployeeEvent] = [
            .created(georgiCreated),
            .updated(EmployeeUpdated(hireDate: FieldChange(previous: date("1986-06-26"), new: date("2000-01-01")))),
        ]
        assertDecides(
            given: history, when: .update(EmployeeChanges(birthDate: "1990-01-01")),
            then: [
                .updated(EmployeeUpdated(birthDate: FieldChange(previous: date("1953-09-02"), new: date("1990-01-01"))))
            ])
        assertInvalid(
            given: history, when: .update(EmployeeChanges(birthDate: "2000-01-01")),
            then: [FieldError(.birthDate, .notBeforeHireDate)])
    }

    func testUpdatedDatesKeepTheirRanges() {
        assertInvalid(
            given: [.created(georgiCreated)],
            when: .update(EmployeeChanges(birthDate: "1899-01-01", hireDate: "2027-01-01")),
            then: [
                FieldError(.birthDate, .tooEarly(earliest: date("1900-01-01"))),
                FieldError(.hireDate, .tooLate(latest: date("2026-06-15"))),
            ])
    }

    func testDisabledEmployeesCanStillBeUpdated() {
        assertDecides(
            given: [.created(georgiCreated), .disabled(EmployeeDisabled())],
            when: .update(EmployeeChanges(gender: "F")),
            then: [.updated(EmployeeUpdated(gender: FieldChange(previous: .male, new: .female)))])
    }
}

final class ScopeStatusAndPasswordTests: XCTestCase {
    func testGrantsAScopeOnce() {
        assertDecides(
            given: [.created(georgiCreated)], when: .grantScope("employees:read"),
            then: [.scopeGranted(ScopeGranted(scope: "employees:read"))])
        assertDecides(
            given: [.created(georgiCreated), .scopeGranted(ScopeGranted(scope: "employees:read"))],
            when: .grantScope("employees:read"), then: [])
    }

    func testGrantsSeveralScopesAtOnceSkippingHeldAndRepeatedOnes() {
        assertDecides(
            given: [.created(georgiCreated), .scopeGranted(ScopeGranted(scope: "user:read"))],
            when: .grantScopes(["admin:write", "user:read", "scope:grant", "admin:write"]),
            then: [.scopeGranted(ScopeGranted(scope: "admin:write")), .scopeGranted(ScopeGranted(scope: "scope:grant"))])
        assertDecides(
            given: [.created(georgiCreated), .scopeGranted(ScopeGranted(scope: "user:read"))],
            when: .grantScopes(["user:read"]), then: [])
        assertDecides(given: [.created(georgiCreated)], when: .grantScopes([]), then: [])
    }

    func testRevokesOnlyAHeldScope() {
        assertDecides(given: [.created(georgiCreated)], when: .revokeScope("employees:read"), then: [])
        assertDecides(
            given: [.created(georgiCreated), .scopeGranted(ScopeGranted(scope: "employees:read"))],
            when: .revokeScope("employees:read"), then: [.scopeRevoked(ScopeRevoked(scope: "employees:read"))])
        assertDecides(
            given: [
                .created(georgiCreated), .scopeGranted(ScopeGranted(scope: "employees:read")),
                .scopeRevoked(ScopeRevoked(scope: "employees:read")),
            ],
            when: .revokeScope("employees:read"), then: [])
    }

    func testScopeNamesAreComparedExactly() {
        assertDecides(
            given: [.created(georgiCreated), .scopeGranted(ScopeGranted(scope: "employees:read"))],
            when: .grantScope("employees:write"), then: [.scopeGranted(ScopeGranted(scope: "employees:write"))])
    }

    func testDisableAndEnableAreIdempotent() {
        assertDecides(given: [.created(georgiCreated)], when: .disable, then: [.disabled(EmployeeDisabled())])
        assertDecides(given: [.created(georgiCreated), .disabled(EmployeeDisabled())], when: .disable, then: [])
        assertDecides(given: [.created(georgiCreated)], when: .enable, then: [])
        assertDecides(
            given: [.created(georgiCreated), .disabled(EmployeeDisabled())], when: .enable,
            then: [.enabled(EmployeeEnabled())])
        assertDecides(
            given: [.created(georgiCreated), .disabled(EmployeeDisabled()), .enabled(EmployeeEnabled())],
            when: .disable, then: [.disabled(EmployeeDisabled())])
    }

    func testSetPasswordAlwaysRecordsAChange() {
        assertDecides(given: [.created(georgiCreated)], when: .setPassword, then: [.passwordChanged(PasswordChanged())])
        assertDecides(
            given: [.created(georgiCreated), .passwordChanged(PasswordChanged())], when: .setPassword,
            then: [.passwordChanged(PasswordChanged())])
    }

    func testEveryCommandButCreateNeedsAnEmployee() {
        for command: EmployeeCommand in [
            .update(EmployeeChanges(firstName: "A")), .grantScope("s"), .grantScopes(["s"]), .revokeScope("s"),
            .disable, .enable, .setPassword,
        ] {
            assertRejects(given: [], when: command, then: .notFound)
        }
    }
}
