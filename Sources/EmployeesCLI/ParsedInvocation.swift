/// What the user asked for, once parsed: option values by name (flags as "true") and positional arguments.
public struct ParsedInvocation: Sendable, Equatable {
    public let subcommand: String
    public let values: [String: String]
    public let positionals: [String]

    public func value(_ name: String) -> String? { values[name] }
    public func flag(_ name: String) -> Bool { values[name] == "true" }
}
