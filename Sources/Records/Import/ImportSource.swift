import Employees
import EventStore
import Foundation

/// Where `employees import` reads its rows: a CSV file, or the synthetic generator (whose rows carry the line
/// numbers they have in the CSV that `employees generate` writes for the same arguments).
public enum ImportSource {
    case csv(EmployeeCSVReader)
    case synthetic(SyntheticEmployees.Iterator, nextLine: Int)

    /// The next row, nil at the end. Throws only when the source itself fails (an unreadable file).
    public mutating func next() throws(EmployeeCSVError) -> ImportRow? {
        switch self {
        case .csv(let reader):
            do {
                guard let employee = try reader.next() else { return nil }
                return ImportRow(line: reader.lineNumber, employee: .success(employee))
            } catch {
                if case .unreadable = error { throw error }
                return ImportRow(line: reader.lineNumber, employee: .failure(error))
            }
        case .synthetic(var iterator, let line):
            guard let employee = iterator.next() else { return nil }
            self = .synthetic(iterator, nextLine: line + 1)
            return ImportRow(line: line, employee: .success(employee))
        }
    }
}
