import HTTP
import Records

extension ReadRouting {
    /// Runs `body` on the target this request's read belongs on (see `run(consistencyToken:_:)`).
    package func run<Value: Sendable>(_ request: HTTPRequest, _ body: @escaping @Sendable (Target) async throws -> Value)
        async throws
        -> Value
    {
        try await run(consistencyToken: request.headers[ConsistencyToken.header], body)
    }
}
