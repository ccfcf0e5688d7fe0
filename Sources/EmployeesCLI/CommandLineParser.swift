import Foundation

//// Parses `argv` against the declared subcommands, reading unset options from the environment.
public struct CommandLineParser: Sendable {
    public let subcommands: [SubcommandSpec]

    public init(subcommands: [SubcommandSpec]) {
        self.subcommands = subcommands
    }

    public var overview: String {
        var lines = ["usage: employees <subcommand> [options]", "", "subcommands:"]
        for command in subcommands {
            lines.append("  " + padded(command.name, to: 22) + command.summary)
        }
        lines.append("")
        lines.append("Run `employees <subcommand> --help` for a subcommand's options.")
        return lines.joined(separator: "\n")
    }

    public func parse(_ arguments: [String], environment: [String: String]) throws(UsageError) -> CommandLineRequest {
        guard let first = arguments.first else { throw UsageError("missing subcommand\n\n\(overview)") }
        if first == "--help" || first == "-h" || first == "help" { return .help(overview) }
        guard let spec = subcommands.first(where: { $0.name == first }) else {
            throw UsageError("unknown subcommand '\(first)'; expected one of: \(subcommands.map(\.name).joined(separator: ", "))")
        }
        var values: [String: String] = [:]
        var lists: [String: [String]] = [:]
        var positionals: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help(spec.usage) }
            if argument == "--" {
                positionals.append(contentsOf: arguments[index...])
                break
            }
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                throw UsageError("unknown option '--\(name)' for '\(spec.name)'")
            }
            if case .repeatable = option.kind {
            } else {
                guard values[name] == nil else { throw UsageError("option '--\(name)' given more than once") }
            }
            switch option.kind {
            case .flag:
                guard inlineValue == nil else { throw UsageError("option '--\(name)' takes no value") }
                values[name] = "true"
            case .value, .repeatable:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw UsageError("option '--\(name)' needs a value")
                }
                if case .repeatable = option.kind { lists[name, default: []].append(value) } else { values[name] = value }
            }
        }
        if positionals.count > spec.positionals.count {
            throw UsageError("unexpected argument '\(positionals[spec.positionals.count])' for '\(spec.name)'")
        }
        if positionals.count < spec.positionals.count && !spec.optionalPositionals {
            throw UsageError("'\(spec.name)' needs \(spec.positionals.joined(separator: " "))")
        }
        for option in spec.options where values[option.name] == nil && lists[option.name] == nil {
            if case .repeatable = option.kind {
                if let variable = option.environment, let fromEnvironment = environment[variable] {
                    let items = fromEnvironment.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    lists[option.name] = items.filter { !$0.isEmpty }
                }
                continue
            }
            if let variable = option.environment, let fromEnvironment = environment[variable], !fromEnvironment.isEmpty {
                if case .flag = option.kind {
                    values[option.name] = ["1", "true", "yes"].contains(fromEnvironment.lowercased()) ? "true" : "false"
                } else {
                    values[option.name] = fromEnvironment
                }
            } else if let defaultValue = option.defaultValue {
                values[option.name] = defaultValue
            }
        }
        return .run(ParsedInvocation(subcommand: spec.name, values: values, positionals: positionals, lists: lists))
    }
}

/// Left-aligns `text` in a column of `width`, always leaving at least two spaces before the next column.
func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(2, width - text.count))
}
