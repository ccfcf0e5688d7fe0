/// A read-replica setting the service cannot use. The message names the setting, never the URL (it may hold a
/// password). The command line checks the same things first and reports them as usage errors.
public struct ReadReplicaConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
