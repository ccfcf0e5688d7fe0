/// A subcommand's grammar: its options and how many positional arguments it takes.
public struct SubcommandSpec: Sendable {
    public let name: String
    public let summary: String
    public let options: [OptionSpec]
    public let positionals: [String]
    public let optionalPositionals: Bool

    public init(
        name: String, summary: String, options: [OptionSpec], positionals: [String] = [], optionalPositionals: Bool = false
    ) {
        self.name = name
        self.summary = summary
        self.options = options
        self.positionals = positionals
        self.optionalPositionals = optionalPositionals
    }

    public var usage: String {
        var lines = [
            "usage: employees \(name) [options]\(positionals.map { optionalPositionals ? " [\($0)]" : " \($0)" }.joined())", "",
            summary, "",
        ]
        if !options.isEmpty { lines.append("options:") }
        for option in options {
            var left = "  --\(option.name)"
            switch option.kind {
            case .value(let placeholder): left += " \(placeholder)"
            case .repeatable(let placeholder): left += " \(placeholder)…"
            case .flag: break
            }
            var right = option.help
            if let environment = option.environment { right += " [env \(environment)]" }
            if let defaultValue = option.defaultValue { right += " (default: \(defaultValue))" }
            lines.append(padded(left, to: 28) + right)
        }
        lines.append("  --help                    show this help")
        return lines.joined(separator: "\n")
    }
}
