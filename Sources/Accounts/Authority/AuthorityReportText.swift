/// How `verify-log --authority` reports: a line per violation and a summary.
enum AuthorityReportText {
    static func render(_ checker: AuthorityChecker) -> String {
        var lines = checker.violations.map { "VIOLATION: \($0)" }
        lines.append(
            checker.violations.isEmpty
                ? "authority intact: every one of \(checker.eventsChecked) events was recorded by an actor holding the scopes it required"
                : "\(checker.violations.count) of \(checker.eventsChecked) events were recorded without the required authority")
        return lines.joined(separator: "\n")
    }
}
