/// The outcome of reading argv: run something, or print help and exit 0.
public enum CommandLineRequest: Sendable, Equatable {
    case run(ParsedInvocation)
    case help(String)
}
