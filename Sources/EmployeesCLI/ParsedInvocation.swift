/// What the user asked for, once parsed: option values by name (flags as "true"), the values of repeatable options,
/// and positional arguments.
public struct ParsedInvocation: Sendable, Equatable {
    public let subcommand: String
    public let values: [String: String]
    public let positionals: [String]
    public var lists: [String: [String]] = [:]

    public func value(_ name: String) -> String? { values[name] }
    /// Every value of a repeatable option, in the order given (empty when absent).
    public func values(_ name: String) -> [String] { lists[name] ?? [] }
    public func flag(_ name: String) -> Bool { values[name] == "true" }
}
