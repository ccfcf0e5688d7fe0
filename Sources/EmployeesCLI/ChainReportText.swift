import Accounts
import App
import Crypto
import Dispatch
import Employees
import EventStore
import Foundation
import Glibc
import Postgres
import Records

/// How `verify-log` reports: the figures an auditor writes down, and the first broken link if any.
enum ChainReportText {
    static func render(_ report: ChainReport) -> String {
        var lines = [
            "events checked: \(report.eventsChecked)",
            "head position: \(report.head.position)",
            "head hash: \(Hex.encode(report.head.hash))",
        ]
        if let broken = report.firstBrokenLink {
            lines.append("BROKEN: \(broken)")
        } else {
            lines.append("chain intact: every hash recomputes and positions 1...\(report.head.position) have no gap")
        }
        return lines.joined(separator: "\n")
    }
}
