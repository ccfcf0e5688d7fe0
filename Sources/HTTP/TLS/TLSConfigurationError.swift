/// The certificate or key named on the command line cannot be used: a configuration mistake (exit status 2), found
/// before anything starts.
public struct TLSConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
