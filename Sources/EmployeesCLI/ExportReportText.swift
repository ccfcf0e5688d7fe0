import App
import Crypto
import EventStore
import Foundation
import Glibc

/// How `verify-export` reports: what the file proves, or the first thing wrong with it.
enum ExportReportText {
    static func render(_ report: ExportReport, against older: String?) -> String {
        if let failure = report.failure { return "FAILED: \(failure)" }
        var lines: [String] = []
        if let head = report.head, let first = report.firstPosition {
            lines.append("events: \(report.events) (positions \(first)...\(head.position)), gapless, every hash recomputed")
            lines.append("head position: \(head.position)")
            lines.append("head hash: \(Hex.encode(head.hash))")
        } else {
            lines.append("events: none")
        }
        if let oldest = report.checkpoints.first, let newest = report.checkpoints.last {
            lines.append(
                "checkpoints: \(report.checkpoints.count) valid signatures, each equal to the recomputed hash at its position "
                    + "(positions \(oldest.position)...\(newest.position), signed \(UnixMicroseconds.rfc3339(oldest.signedAtMicroseconds)) "
                    + "to \(UnixMicroseconds.rfc3339(newest.signedAtMicroseconds)))")
            lines.append(
                "signed evidence: events 1...\(newest.position) are as they were when signed "
                    + "(\(UnixMicroseconds.rfc3339(newest.signedAtMicroseconds))); rewriting any of them needs the signing key")
        } else {
            lines.append("checkpoints: none (the chain alone proves order, not that history was never rewritten)")
        }
        if let older {
            lines.append(
                "against \(older): \(report.olderStatementsChecked) statements agree (the older log is a prefix of this one)"
                    + (report.olderStatementsBeforeStart > 0
                        ? "; \(report.olderStatementsBeforeStart) lie before this export's start" : ""))
        }
        lines.append("export verified")
        return lines.joined(separator: "\n")
    }
}
