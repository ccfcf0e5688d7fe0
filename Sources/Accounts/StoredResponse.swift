/// A response kept for replay: status, the headers a client needs again, and the body.
public struct StoredResponse: Sendable {
    public static let keptHeaders = ["Content-Type", "Location", "ETag"]

    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
