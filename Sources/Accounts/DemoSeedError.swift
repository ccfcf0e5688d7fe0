import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// Why `seed-demo` could not start.
public enum DemoSeedError: Error, Sendable, CustomStringConvertible {
    case sampleNotFound([String])

    public var description: String {
        switch self {
        case .sampleNotFound(let paths): "sample CSV not found; looked at \(paths.joined(separator: ", ")); pass --sample PATH"
        }
    }
}
