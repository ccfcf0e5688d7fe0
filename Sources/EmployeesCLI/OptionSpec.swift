// One option of a subcommand: a `--flag` that may also come from an environment variable.
///
/// Options are declared as data so that `--help`, parsing and error messages can never disagree.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable {
        /// `--name value` or `--name=value`.
        case value(placeholder: String)
        /// `--name` alone means true.
        case flag
        /// `--name value`, any number of times; from the environment, a comma-separated list.
        case repeatable(placeholder: String)
    }

    public let name: String
    public let environment: String?
    public let kind: Kind
    public let help: String
    public let defaultValue: String?

    public init(_ name: String, environment: String? = nil, kind: Kind, default defaultValue: String? = nil, help: String) {
        self.name = name
        self.environment = environment
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
    }
}
