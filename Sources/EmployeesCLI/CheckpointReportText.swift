import EventStore

/// How `verify-log` reports the signed checkpoints: how far back signed evidence reaches, and the first disagreement.
enum CheckpointReportText {
    static func render(_ report: CheckpointReport) -> String {
        guard let oldest = report.oldest, let newest = report.newest else {
            return "signed checkpoints: none yet (the chain alone proves order, not that history was never rewritten)"
        }
        var lines = ["signed checkpoints checked: \(report.checkpointsChecked)"]
        if let (checkpoint, reason) = report.firstProblem {
            lines.append(
                "BROKEN: checkpoint at position \(checkpoint.position) (signed \(UnixMicroseconds.rfc3339(checkpoint.signedAtMicroseconds))): \(reason)"
            )
            if let agreeing = report.lastAgreeing {
                lines.append(
                    "the log still agrees with the checkpoint at position \(agreeing.position); the change lies in positions \(agreeing.position + 1)...\(checkpoint.position)"
                )
            } else {
                lines.append("no earlier checkpoint agrees; the change lies in positions 1...\(checkpoint.position)")
            }
            return lines.joined(separator: "\n")
        }
        lines.append(
            "signed evidence: positions 1...\(newest.position) are vouched for by signed checkpoints "
                + "(oldest at position \(oldest.position), signed \(UnixMicroseconds.rfc3339(oldest.signedAtMicroseconds)); "
                + "newest signed \(UnixMicroseconds.rfc3339(newest.signedAtMicroseconds)))")
        return lines.joined(separator: "\n")
    }
}
