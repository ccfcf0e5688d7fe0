/// A mistake in a route table, found at start-up.
public struct RouterError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
