import Employees
import Foundation
import TestSupport
import XCTest

@testable import App
@testable import Records

private let today = CalendarDate(year: 2025, month: 6, day: 15)!
private let samplePath = sharedSampleCSVPath

/// The `employees import` inputs: the CSV reader on the real sample and on broken files, then the synthetic generator.
final class ImportTests: XCTestCase {
    private var temporaryFiles: [URL] = []

    override func tearDown() {
        for url in temporaryFiles { try? FileManager.default.removeItem(at: url) }
        temporaryFiles = []
        super.tearDown()
    }

    private func file(_ contents: String) throws -> String {
        try file(Data(contents.utf8))
    }

    private func file(_ contents: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv")
        try contents.write(to: url)
        temporaryFiles.append(url)
        return url.path
    }

    private func csvError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> EmployeeCSVError? {
        do {
            _ = try EmployeeCSVReader.readAll(path: path, today: today)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testReadsTheWholeSample() throws {
        let employees = try EmployeeCSVReader.readAll(path: samplePath, today: today)
        XCTAssertEqual(employees.count, 10_000)
        XCTAssertEqual(employees.map(\.empNo.value), Array(10001...20000))
        XCTAssertEqual(employees.filter { $0.profile.gender == .male }.count, 5964)
        XCTAssertEqual(Set(employees.map(\.profile.email.uniquenessKey)).count, 10_000)
        XCTAssertTrue(employees.allSatisfy { $0.passwordHash == nil })

        let first = try XCTUnwrap(employees.first)
        XCTAssertEqual(first.profile.firstName.value, "Georgi")
        XCTAssertEqual(first.profile.lastName.value, "Facello")
        XCTAssertEqual(first.profile.birthDate.iso, "1953-09-02")
        XCTAssertEqual(first.profile.gender, .male)
        XCTAssertEqual(first.profile.hireDate.iso, "1986-06-26")
        XCTAssertEqual(first.profile.email.value, "georgi.facello.10001@gmail.com")

        let last = try XCTUnwrap(employees.last)
        XCTAssertEqual(last.empNo.value, 20000)
        XCTAssertEqual(last.profile.firstName.value, "Jenwei")
        XCTAssertEqual(last.profile.lastName.value, "Matzke")
        XCTAssertEqual(last.profile.birthDate.iso, "1961-09-14")
        XCTAssertEqual(last.profile.gender, .female)
        XCTAssertEqual(last.profile.hireDate.iso, "1990-11-29")
        XCTAssertEqual(last.profile.email.value, "jenwei.matzke.20000@gmail.com")

        XCTAssertEqual(employees[4].profile.email.value, "kyoichi.maliniak.10005@gmail.com")
    }

    func testCountsLinesWhileStreaming() throws {
        let reader = try EmployeeCSVReader(path: samplePath, today: today)
        XCTAssertEqual(reader.columns, [.empNo, .birthDate, .firstName, .lastName, .gender, .hireDate])
        XCTAssertEqual(reader.lineNumber, 1)
        XCTAssertEqual(try reader.next()?.empNo.value, 10001)
        XCTAssertEqual(reader.lineNumber, 2)
        var count = 1
        while try reader.next() != nil { count += 1 }
        XCTAssertEqual(count, 10_000)
        XCTAssertEqual(reader.lineNumber, 10_001)
        XCTAssertNil(try reader.next())
    }

    func testColumnsInAnyOrderWithEmailAndPasswordHash() throws {
        let hash = "$argon2id$v=19$m=16,t=2,p=1$b2szcWQ4a0tlTkFydUdOaw$7LX7WCYbItEMEwvH3yUxPA"
        let path = try file(
            """
            password_hash,email,hire_date,gender,last_name,first_name,birth_date,emp_no
            "\(hash)",behai_nguyen@hotmail.com,2022-10-08,M,Nguyen,Be Hai,1978-12-09,500222
            ,,1986-06-26,M,Facello,Georgi,1953-09-02,10001

            """)
        let employees = try EmployeeCSVReader.readAll(path: path, today: today)
        XCTAssertEqual(employees.count, 2)
        XCTAssertEqual(employees[0].empNo.value, 500_222)
        XCTAssertEqual(employees[0].profile.firstName.value, "Be Hai")
        XCTAssertEqual(employees[0].profile.email.value, "behai_nguyen@hotmail.com")
        XCTAssertEqual(employees[0].passwordHash, hash)
        XCTAssertFalse(String(describing: employees[0]).contains(hash))
        XCTAssertFalse(String(reflecting: employees[0]).contains(hash))
        var dumped = ""
        dump(employees[0], to: &dumped)
        XCTAssertFalse(dumped.contains("argon2"))
        XCTAssertTrue(dumped.contains("Nguyen"))
        XCTAssertEqual(employees[1].profile.email.value, "georgi.facello.10001@gmail.com")
        XCTAssertNil(employees[1].passwordHash)
    }

    func testToleratesByteOrderMarkCarriageReturnsAndBlankLines() throws {
        let text =
            "emp_no,birth_date,first_name,last_name,gender,hire_date\r\n\r\n"
            + "10001,1953-09-02,Georgi,Facello,M,1986-06-26\r\n\n10002,2/6/1964,Bezalel,Simmel,F,21/11/1985"
        let path = try file(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8))
        let employees = try EmployeeCSVReader.readAll(path: path, today: today)
        XCTAssertEqual(employees.map(\.empNo.value), [10001, 10002])
        XCTAssertEqual(employees[1].profile.birthDate.iso, "1964-06-02")
        XCTAssertEqual(employees[1].profile.hireDate.iso, "1985-11-21")
    }

    func testReadsLinesThatStraddleChunks() throws {
        var text = "emp_no,birth_date,first_name,last_name,gender,hire_date\n"
        for number in 1...5000 {
            text += "\(number),1960-01-01,Name\(number % 97),Family,F,1990-02-03\n"
        }
        XCTAssertGreaterThan(text.utf8.count, 3 * 64 * 1024)
        let employees = try EmployeeCSVReader.readAll(path: try file(text), today: today)
        XCTAssertEqual(employees.map(\.empNo.value), Array(1...5000))
        XCTAssertEqual(employees[4999].profile.email.value, "name53.family.5000@gmail.com")
    }

    func testHeaderErrors() throws {
        XCTAssertEqual(csvError(try file("")), .missingHeader)
        XCTAssertEqual(csvError(try file("\n\n")), .missingHeader)
        XCTAssertEqual(
            csvError(try file("emp_no,birth_date,first_name,last_name,gender,hire_date,salary\n")),
            .unknownColumn("salary"))
        XCTAssertEqual(
            csvError(try file("emp_no,birth_date,first_name,last_name,gender,hire_date,gender\n")),
            .duplicateColumn("gender"))
        XCTAssertEqual(
            csvError(try file("emp_no,birth_date,first_name,last_name,gender\n")), .missingColumn("hire_date"))
        XCTAssertEqual(csvError("/nonexistent/employees.csv"), .unreadable(path: "/nonexistent/employees.csv"))
    }

    func testRowErrorsNameTheLineAndEveryField() throws {
        let path = try file(
            """
            emp_no,birth_date,first_name,last_name,gender,hire_date
            10001,1953-09-02,Georgi,Facello,M,1986-06-26
            0,1953-02-30,Georgi,Facello,X,1950-01-01
            """)
        XCTAssertEqual(
            csvError(path),
            .invalidRow(
                line: 3,
                errors: ValidationErrors([
                    FieldError(.empNo, .notPositive), FieldError(.birthDate, .notACalendarDate),
                    FieldError(.gender, .invalidFormat),
                ])))
    }

    func testHireBeforeBirthIsReported() throws {
        let path = try file(
            """
            emp_no,birth_date,first_name,last_name,gender,hire_date
            10001,1953-09-02,Georgi,Facello,M,1950-01-01
            """)
        XCTAssertEqual(
            csvError(path), .invalidRow(line: 2, errors: ValidationErrors([FieldError(.hireDate, .notAfterBirthDate)])))
    }

    func testDerivedEmailIsBlamedOnlyWhenItsPartsAreValid() throws {
        let header = "emp_no,birth_date,first_name,last_name,gender,hire_date\n"
        XCTAssertEqual(
            csvError(try file(header + "10001,1953-09-02,Be Hai,Nguyen,M,1986-06-26\n")),
            .invalidRow(line: 2, errors: ValidationErrors([FieldError(.email, .invalidCharacters)])))
        XCTAssertEqual(
            csvError(try file(header + "10001,1953-09-02,,Nguyen,M,1986-06-26\n")),
            .invalidRow(line: 2, errors: ValidationErrors([FieldError(.firstName, .empty)])))
        XCTAssertEqual(
            csvError(try file(header + "x,1953-09-02,Georgi,Facello,M,1986-06-26\n")),
            .invalidRow(line: 2, errors: ValidationErrors([FieldError(.empNo, .invalidFormat)])))
        XCTAssertEqual(
            csvError(try file("email," + header + "bad,10001,1953-09-02,Georgi,Facello,M,1986-06-26\n")),
            .invalidRow(line: 2, errors: ValidationErrors([FieldError(.email, .invalidFormat)])))
    }

    func testStructuralRowErrors() throws {
        let header = "emp_no,birth_date,first_name,last_name,gender,hire_date\n"
        XCTAssertEqual(
            csvError(try file(header + "10001,1953-09-02,Georgi,Facello,M\n")),
            .wrongFieldCount(line: 2, expected: 6, found: 5))
        for row in [
            "10001,1953-09-02,Geo\"rgi,Facello,M,1986-06-26", "10001,1953-09-02,\"Georgi\"x,Facello,M,1986-06-26",
            "10001,1953-09-02,Georgi,Facello,M,\"1986-06-26",
        ] {
            XCTAssertEqual(csvError(try file(header + row + "\n")), .malformedQuoting(line: 2), row)
        }
        XCTAssertEqual(
            csvError(try file(Data(header.utf8) + Data([0x31, 0x2C, 0xFF, 0x0A]))), .invalidUTF8(line: 2))
    }

    func testQuotedCells() throws {
        XCTAssertEqual(
            CSVLine.cells(Array("a,\"b,c\",\"say \"\"hi\"\"\",,\"\"".utf8)), ["a", "b,c", "say \"hi\"", "", ""])
        XCTAssertEqual(CSVLine.cells(Array("".utf8)), [""])
        XCTAssertEqual(CSVLine.cells(Array("é,ü".utf8)), ["é", "ü"])
        XCTAssertNil(CSVLine.cells(Array("\"open".utf8)))
        let path = try file(
            """
            "emp_no","birth_date","first_name","last_name","gender","hire_date"
            "10001","1953-09-02","Georgi","Facello","M","1986-06-26"
            """)
        XCTAssertEqual(try EmployeeCSVReader.readAll(path: path, today: today).first?.profile.lastName.value, "Facello")
    }

    func testReadingContinuesAfterABadRow() throws {
        let path = try file(
            """
            emp_no,birth_date,first_name,last_name,gender,hire_date
            10001,1953-09-02,Georgi,Facello,M
            10002,1964-06-02,Bezalel,Simmel,F,1985-11-21
            """)
        let reader = try EmployeeCSVReader(path: path, today: today)
        XCTAssertThrowsError(try reader.next())
        XCTAssertEqual(try reader.next()?.empNo.value, 10002)
        XCTAssertNil(try reader.next())
    }

    func testImportedRowBecomesACreateCommand() throws {
        let hash = "$argon2id$v=19$m=16,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"
        let path = try file(
            "emp_no,birth_date,first_name,last_name,gender,hire_date,password_hash\n"
                + "10001,2/9/1953,Georgi,Facello,M,1986-06-26,\"\(hash)\"\n")
        let imported = try XCTUnwrap(EmployeeCSVReader.readAll(path: path, today: today).first)
        let events = try decide(.absent, imported.createCommand, today: today)
        XCTAssertEqual(
            events,
            [
                .created(EmployeeCreated(empNo: imported.empNo, profile: imported.profile)),
                .passwordChanged(PasswordChanged()),
            ])
    }

    // MARK: - Synthetic employees

    private static let sample = EmployeeSample(
        learningFrom: (try? EmployeeCSVReader.readAll(path: samplePath, today: today)) ?? [])

    private func synthetic(count: Int, seed: UInt64, first: Int = 500_000) throws -> SyntheticEmployees {
        try SyntheticEmployees(
            count: count, seed: seed, firstEmployeeNumber: EmployeeNumber(first)!, sample: Self.sample, today: today)
    }

    func testSplitMixMatchesPublishedValues() {
        var splitMix = SplitMix64(state: 1_234_567)
        XCTAssertEqual(
            (0..<5).map { _ in splitMix.next() },
            [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
    }

    func testXoshiroOutputForAKnownSeed() {
        var random = SeededRandom(seed: 42)
        XCTAssertEqual(
            (0..<5).map { _ in random.next() },
            [
                1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009,
                17_057_574_109_182_124_193, 18_295_552_978_065_317_476,
            ])
    }

    func testBoundedDrawsStayInRangeAndCoverIt() {
        var random = SeededRandom(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<10_000 {
            let value = random.inRange(-3...3)
            XCTAssertTrue((-3...3).contains(value))
            seen.insert(value)
        }
        XCTAssertEqual(seen, Set(-3...3))
    }

    func testSameSeedGivesTheSameEmployees() throws {
        XCTAssertEqual(Array(try synthetic(count: 2000, seed: 1)), Array(try synthetic(count: 2000, seed: 1)))
    }

    func testDifferentSeedsGiveDifferentEmployees() throws {
        let one = Array(try synthetic(count: 1000, seed: 1))
        let two = Array(try synthetic(count: 1000, seed: 2))
        XCTAssertEqual(one.map(\.empNo), two.map(\.empNo))
        XCTAssertGreaterThan(zip(one, two).filter { $0.profile != $1.profile }.count, 990)
    }

    func testThreeHundredThousandUniqueEmployees() throws {
        let employees = Array(try synthetic(count: 300_000, seed: 2024, first: 10001))
        XCTAssertEqual(employees.count, 300_000)
        XCTAssertEqual(employees.first?.empNo.value, 10001)
        XCTAssertEqual(employees.last?.empNo.value, 310_000)
        XCTAssertEqual(Set(employees.map(\.empNo)).count, 300_000)
        XCTAssertEqual(Set(employees.map(\.profile.email.uniquenessKey)).count, 300_000)
    }

    func testEveryRowPassesTheDomainAndStaysWithinTheSample() throws {
        let firstNames = Set(Self.sample.firstNames)
        let lastNames = Set(Self.sample.lastNames)
        let birthRange = try XCTUnwrap(Self.sample.birthDays)
        let hireRange = try XCTUnwrap(Self.sample.hireDays.min())...(try XCTUnwrap(Self.sample.hireDays.max()))
        for employee in try synthetic(count: 20_000, seed: 99) {
            let revalidated = try EmployeeProfile(validating: fields(of: employee), today: today)
            XCTAssertEqual(revalidated, employee.profile)
            let profile = employee.profile
            XCTAssertTrue(firstNames.contains(profile.firstName))
            XCTAssertTrue(lastNames.contains(profile.lastName))
            XCTAssertTrue(birthRange.contains(profile.birthDate.daysSinceEpoch))
            XCTAssertTrue(hireRange.contains(profile.hireDate.daysSinceEpoch))
            let expectedEmail =
                "\(profile.firstName.value.lowercased()).\(profile.lastName.value.lowercased())"
                + ".\(employee.empNo)@gmail.com"
            XCTAssertEqual(profile.email.value, expectedEmail)
            XCTAssertNil(employee.passwordHash)
        }
    }

    func testFollowsTheSampleDistributions() throws {
        let employees = Array(try synthetic(count: 50_000, seed: 5))
        let maleShare = Double(employees.filter { $0.profile.gender == .male }.count) / Double(employees.count)
        XCTAssertEqual(maleShare, 0.5964, accuracy: 0.01)
        let hiredBefore1990 = employees.filter { $0.profile.hireDate.year < 1990 }.count
        XCTAssertEqual(Double(hiredBefore1990) / Double(employees.count), 0.5450, accuracy: 0.015)
        let birthYears = Set(employees.map(\.profile.birthDate.year))
        XCTAssertEqual(birthYears.min(), 1952)
        XCTAssertEqual(birthYears.max(), 1965)
    }

    func testRejectsSamplesAndArgumentsThatCannotWork() {
        func error(_ body: () throws(SyntheticEmployeesError) -> SyntheticEmployees) -> SyntheticEmployeesError? {
            do {
                _ = try body()
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(
            error { () throws(SyntheticEmployeesError) in
                try SyntheticEmployees(
                    count: 1, seed: 1, firstEmployeeNumber: EmployeeNumber(1)!,
                    sample: EmployeeSample(learningFrom: []), today: today)
            }, .sampleTooPoor)
        XCTAssertEqual(
            error { () throws(SyntheticEmployeesError) in
                try SyntheticEmployees(
                    count: 2, seed: 1, firstEmployeeNumber: EmployeeNumber(EmployeeNumber.maximum)!,
                    sample: Self.sample, today: today)
            }, .employeeNumbersExhausted)
        XCTAssertEqual(
            error { () throws(SyntheticEmployeesError) in
                try SyntheticEmployees(
                    count: 1, seed: 1, firstEmployeeNumber: EmployeeNumber(1)!, sample: Self.sample,
                    today: CalendarDate(year: 1950, month: 1, day: 1)!)
            }, .datesOutsideRules)
    }

    private func fields(of employee: ImportedEmployee) -> EmployeeFields {
        let profile = employee.profile
        return EmployeeFields(
            firstName: profile.firstName.value, lastName: profile.lastName.value, birthDate: profile.birthDate.iso,
            gender: profile.gender.rawValue, hireDate: profile.hireDate.iso, email: profile.email.value)
    }
}
