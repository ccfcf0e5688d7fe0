/// Where a token request came from: what the throttle keys on and the security log records.
public struct TokenRequestOrigin: Sendable {
    public let address: String
    public let requestID: String

    public init(address: String, requestID: String) {
        self.address = address
        self.requestID = requestID
    }
}
