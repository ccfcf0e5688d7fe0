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

/// Why a CSV file could not be imported. Row errors carry the line and every broken field; no error carries a cell's
/// content, so a password hash can never surface through one.
public enum EmployeeCSVError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String)
    case missingHeader
    case unknownColumn(String)
    case duplicateColumn(String)
    case missingColumn(String)
    case invalidUTF8(line: Int)
    case malformedQuoting(line: Int)
    case wrongFieldCount(line: Int, expected: Int, found: Int)
    case invalidRow(line: Int, errors: ValidationErrors)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .missingHeader: "the file has no header line"
        case .unknownColumn(let name): "unknown column \(name)"
        case .duplicateColumn(let name): "column \(name) appears twice"
        case .missingColumn(let name): "required column \(name) is missing"
        case .invalidUTF8(let line): "line \(line): not valid UTF-8"
        case .malformedQuoting(let line): "line \(line): a quoted field is not closed properly"
        case .wrongFieldCount(let line, let expected, let found): "line \(line): \(found) fields, expected \(expected)"
        case .invalidRow(let line, let errors): "line \(line): \(errors)"
        }
    }
}

/// Splits one line into cells. A cell that starts with `"` runs to the next lone `"`, which must end the cell; `""`
/// inside it stands for one `"`. A `"` anywhere else makes the line malformed (nil). Works on UTF-8 bytes: `,` and
/// `"` never occur inside a multi-byte sequence.
enum CSVLine {
    static func cells(_ line: [UInt8]) -> [String]? {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        var cells: [String] = []
        var index = 0
        while true {
            var cell: [UInt8] = []
            if index < line.count, line[index] == quote {
                index += 1
                while true {
                    guard index < line.count else { return nil }
                    if line[index] == quote {
                        if index + 1 < line.count, line[index + 1] == quote {
                            cell.append(quote)
                            index += 2
                        } else {
                            index += 1
                            break
                        }
                    } else {
                        cell.append(line[index])
                        index += 1
                    }
                }
                guard index == line.count || line[index] == comma else { return nil }
            } else {
                while index < line.count, line[index] != comma {
                    guard line[index] != quote else { return nil }
                    cell.append(line[index])
                    index += 1
                }
            }
            cells.append(String(decoding: cell, as: UTF8.self))
            guard index < line.count else { return cells }
            index += 1
        }
    }
}

/// Splits a file into lines (without their `\n` or `\r\n`), reading 64 KiB at a time.
private final class LineReader {
    private static let chunkSize = 64 * 1024

    private let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(path: String) throws(EmployeeCSVError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path) }
        self.path = path
        self.handle = handle
    }

    deinit { try? handle.close() }

    func next() throws(EmployeeCSVError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return Self.withoutCarriageReturn(buffer[start..<newline])
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Self.withoutCarriageReturn(buffer[start...])
            }
            try refill()
        }
    }

    private func refill() throws(EmployeeCSVError) {
        buffer.removeFirst(start)
        start = 0
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: Self.chunkSize)
        } catch {
            throw .unreadable(path: path)
        }
        guard let chunk, !chunk.isEmpty else {
            atEnd = true
            return
        }
        buffer.append(contentsOf: chunk)
    }

    private static func withoutCarriageReturn(_ line: ArraySlice<UInt8>) -> [UInt8] {
        Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
    }
}
