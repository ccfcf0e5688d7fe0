import Employees
import Foundation

/// Reads the sample's CSV layout (`emp_no,birth_date,first_name,last_name,gender,hire_date`, with optional `email`
/// and `password_hash` columns, in any order) one row at a time from a file, in fixed-size chunks, validating each
/// row with the domain's rules. Without an email (no column, or an empty cell) the seed's address is derived.
///
/// The format: comma-separated; RFC 4180 quoting within a line (argon2 hashes hold commas, `m=16,t=2,p=1`), but no
/// line breaks inside a cell; `\n` or `\r\n` line ends; an optional UTF-8 byte order mark; blank lines skipped.
/// A row error is thrown for that row only; calling `next()` again continues with the following line.
/// Not `Sendable`: one reader, one task.
public final class EmployeeCSVReader {
    /// The columns this reader knows; any other header name is an error (a typo should not silently drop data).
    public enum Column: String, Sendable, CaseIterable {
        case empNo = "emp_no"
        case birthDate = "birth_date"
        case firstName = "first_name"
        case lastName = "last_name"
        case gender = "gender"
        case hireDate = "hire_date"
        case email = "email"
        case passwordHash = "password_hash"

        static let required: [Column] = [.empNo, .birthDate, .firstName, .lastName, .gender, .hireDate]
    }

    /// The header's columns, in file order.
    public let columns: [Column]
    /// The 1-based number of the last line read (the header is line 1).
    public private(set) var lineNumber = 0

    private let lines: LineReader
    private let today: CalendarDate
    private let positions: [Column: Int]

    /// Opens the file and reads its header. `today` anchors the domain's date rules.
    public init(path: String, today: CalendarDate) throws(EmployeeCSVError) {
        lines = try LineReader(path: path)
        self.today = today
        var header: [UInt8]?
        while header == nil, let line = try lines.next() {
            lineNumber += 1
            if !line.isEmpty { header = line }
        }
        guard var header else { throw .missingHeader }
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
        guard String(validating: header, as: UTF8.self) != nil else { throw .invalidUTF8(line: lineNumber) }
        guard let names = CSVLine.cells(header) else { throw .malformedQuoting(line: lineNumber) }
        var columns: [Column] = []
        for name in names {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard let column = Column(rawValue: name) else { throw .unknownColumn(name) }
            guard !columns.contains(column) else { throw .duplicateColumn(name) }
            columns.append(column)
        }
        if let missing = Column.required.first(where: { !columns.contains($0) }) {
            throw .missingColumn(missing.rawValue)
        }
        self.columns = columns
        positions = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
    }

    /// Reads every row of the file, stopping at the first error.
    public static func readAll(path: String, today: CalendarDate) throws(EmployeeCSVError) -> [ImportedEmployee] {
        let reader = try EmployeeCSVReader(path: path, today: today)
        var employees: [ImportedEmployee] = []
        while let employee = try reader.next() { employees.append(employee) }
        return employees
    }

    /// The next row as a validated employee, or nil at the end of the file.
    public func next() throws(EmployeeCSVError) -> ImportedEmployee? {
        while let line = try lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            guard String(validating: line, as: UTF8.self) != nil else { throw .invalidUTF8(line: lineNumber) }
            guard let cells = CSVLine.cells(line) else { throw .malformedQuoting(line: lineNumber) }
            guard cells.count == columns.count else {
                throw .wrongFieldCount(line: lineNumber, expected: columns.count, found: cells.count)
            }
            return try employee(cells)
        }
        return nil
    }

    private func employee(_ cells: [String]) throws(EmployeeCSVError) -> ImportedEmployee {
        func cell(_ column: Column) -> String? { positions[column].map { cells[$0] } }
        var errors: [FieldError] = []
        var empNo: EmployeeNumber?
        do {
            empNo = try EmployeeNumber(parsing: cell(.empNo) ?? "")
        } catch {
            errors.append(error)
        }
        let givenEmail = cell(.email).flatMap { $0.isEmpty ? nil : $0 }
        let fields = TextNormalization.normalized(
            EmployeeFields(
                firstName: cell(.firstName), lastName: cell(.lastName), birthDate: cell(.birthDate), gender: cell(.gender),
                hireDate: cell(.hireDate), email: givenEmail ?? derivedEmail(cell(.firstName), cell(.lastName), empNo)))
        do {
            let profile = try EmployeeProfile(validating: fields, today: today)
            if let empNo, errors.isEmpty {
                let hash = cell(.passwordHash).flatMap { $0.isEmpty ? nil : $0 }
                return ImportedEmployee(empNo: empNo, profile: profile, passwordHash: hash)
            }
        } catch {
            // A derived address is only as good as the parts it is made of; report those parts, not the address.
            let reportEmail = givenEmail != nil || fields.email != nil
            errors += error.errors.filter { reportEmail || $0.field != .email }
        }
        throw .invalidRow(line: lineNumber, errors: ValidationErrors(errors))
    }

    /// The seed's address, or nil when a part it is built from is invalid.
    private func derivedEmail(_ firstName: String?, _ lastName: String?, _ empNo: EmployeeNumber?) -> String? {
        guard let firstName = try? FirstName(firstName ?? ""), let lastName = try? LastName(lastName ?? ""),
            let empNo
        else { return nil }
        return SeedEmail.derived(firstName: firstName.value, lastName: lastName.value, empNo: empNo)
    }
}
