import Employees
import Foundation

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
