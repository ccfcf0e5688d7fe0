/// Values of a route's path parameters, by name.
public struct HTTPPathParameters: Sendable {
    public enum Value: Sendable, Equatable {
        case int(Int)
        case string(String)
    }

    public private(set) var values: [(name: String, value: Value)] = []

    public init() {}

    init(_ values: [(name: String, value: Value)]) {
        self.values = values
    }

    public subscript(name: String) -> Value? {
        values.first { $0.name == name }?.value
    }

    /// The value of an `{name:int}` segment.
    public func int(_ name: String) -> Int? {
        if case .int(let value)? = self[name] { return value }
        return nil
    }

    /// The value of a `{name}` segment, or the decimal text of an `{name:int}` one.
    public func string(_ name: String) -> String? {
        switch self[name] {
        case .string(let value)?: value
        case .int(let value)?: String(value)
        case nil: nil
        }
    }
}
