import EventStore

/// Runs the checker over the whole log, page by page, in position order.
public struct AuthorityAudit: Sendable {
    let reader: EventReader
    var pageSize = 5_000

    public init(reader: EventReader) {
        self.reader = reader
    }

    func run() async throws -> AuthorityChecker {
        var checker = AuthorityChecker()
        var cursor: Int64 = 0
        while true {
            let page = try await reader.events(after: cursor, limit: pageSize)
            guard let last = page.last else { return checker }
            for event in page { checker.check(event) }
            cursor = last.position
        }
    }

    /// `verify-log --authority`: the report's text, and whether every event was recorded with its authority.
    public func report() async throws -> (text: String, isIntact: Bool) {
        let checker = try await run()
        return (AuthorityReportText.render(checker), checker.violations.isEmpty)
    }
}
