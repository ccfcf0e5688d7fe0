import Foundation

/// The name of one consistency boundary in the log, e.g. `employee-10001`.
public struct StreamID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}
