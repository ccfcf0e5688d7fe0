import Crypto

/// Verifies an export with no database: positions gapless, every hash recomputed, every checkpoint's signature valid
/// under the given public keys and its hash equal to the recomputed one at its position, and, against older
/// evidence (an export or a list of checkpoints), that the older log is a prefix of this one. docs/LOG-EVIDENCE.md
/// states the algorithm for independent verifiers.
///
/// Two passes over the file, each streamed: the first verifies the checkpoints (they follow the events), the second
/// recomputes the chain and compares it at each checkpoint's position. Memory grows with checkpoints, not events.
public struct ExportVerifier: Sendable {
    private let keys: LogKeySet

    public init(keys: LogKeySet) {
        self.keys = keys
    }

    /// A statement the chain must agree with at one position: a signed checkpoint, or older evidence.
    struct Anchor {
        let hash: [UInt8]
        let recordedAtMicroseconds: Int64?
        let source: String
    }

    private struct Stop: Error {
        let failure: ExportReport.Failure
    }

    public func verify(path: String, against olderPath: String? = nil) throws(EvidenceFileError) -> ExportReport {
        var anchors: [Int64: Anchor] = [:]
        var older: ExportReport?
        if let olderPath {
            let report = try verify(path: olderPath, extraAnchors: [:])
            guard report.isValid else {
                var failed = ExportReport()
                failed.failure = report.failure
                return failed
            }
            if let head = report.head {
                anchors[head.position] = Anchor(
                    hash: head.hash, recordedAtMicroseconds: nil, source: "the last event of \(olderPath)")
            }
            for checkpoint in report.checkpoints {
                anchors[checkpoint.position] = Anchor(
                    hash: checkpoint.hash, recordedAtMicroseconds: checkpoint.recordedAtMicroseconds,
                    source:
                        "the checkpoint in \(olderPath) signed at \(UnixMicroseconds.rfc3339(checkpoint.signedAtMicroseconds))")
            }
            older = report
        }
        var report = try verify(path: path, extraAnchors: anchors)
        if report.isValid, older != nil {
            let first = report.firstPosition ?? .max
            report.olderStatementsBeforeStart = anchors.keys.filter { $0 < first }.count
            report.olderStatementsChecked = anchors.count - report.olderStatementsBeforeStart
        }
        return report
    }

    private func verify(path: String, extraAnchors: [Int64: Anchor]) throws(EvidenceFileError) -> ExportReport {
        var report = ExportReport()
        do {
            var anchors = extraAnchors
            report.checkpoints = try verifiedCheckpoints(path: path)
            for checkpoint in report.checkpoints {
                let anchor = Anchor(
                    hash: checkpoint.hash, recordedAtMicroseconds: checkpoint.recordedAtMicroseconds,
                    source:
                        "the checkpoint signed at \(UnixMicroseconds.rfc3339(checkpoint.signedAtMicroseconds)) by key \(checkpoint.keyID)"
                )
                if let existing = anchors[checkpoint.position], existing.hash != anchor.hash {
                    throw Stop(
                        failure: .init(
                            file: path, line: nil, position: checkpoint.position,
                            reason: "\(anchor.source) disagrees with \(existing.source): history was rewritten"))
                }
                anchors[checkpoint.position] = anchor
            }
            try verifyChain(path: path, anchors: anchors, extraAnchors: extraAnchors, report: &report)
        } catch let stop as Stop {
            report.failure = stop.failure
        } catch let error as EvidenceFileError {
            throw error
        } catch {
            report.failure = .init(file: path, line: nil, position: nil, reason: "\(error)")
        }
        return report
    }

    /// Pass 1: every checkpoint line, its signature checked.
    private func verifiedCheckpoints(path: String) throws -> [LogCheckpoint] {
        var checkpoints: [LogCheckpoint] = []
        let prefix = Array(#"{"record":"checkpoint""#.utf8)
        var parser = EvidenceLineParser()
        try EvidenceFileReader.forEachLine(path: path) { line, number in
            guard line.starts(with: prefix) else { return }
            let checkpoint: LogCheckpoint
            do {
                try parser.parse(line)
                checkpoint = try Self.checkpoint(parser)
            } catch {
                throw Stop(failure: .init(file: path, line: number, position: nil, reason: "malformed checkpoint: \(error)"))
            }
            if let reason = refusal(of: checkpoint) {
                throw Stop(failure: .init(file: path, line: number, position: checkpoint.position, reason: reason))
            }
            checkpoints.append(checkpoint)
        }
        return checkpoints
    }

    /// Why a checkpoint is not evidence, or nil if it is.
    private func refusal(of checkpoint: LogCheckpoint) -> String? {
        guard let key = keys[checkpoint.keyID] else { return "checkpoint signed by unknown key \(checkpoint.keyID)" }
        guard key.publicKey.isValidSignature(checkpoint.signature, for: checkpoint.signingPayload) else {
            return "checkpoint signature is not valid under key \(checkpoint.keyID): forged or altered"
        }
        guard key.isValid(atMicroseconds: checkpoint.signedAtMicroseconds) else {
            return
                "checkpoint signed at \(UnixMicroseconds.rfc3339(checkpoint.signedAtMicroseconds)), outside the validity of key \(checkpoint.keyID)"
        }
        return nil
    }

    /// Pass 2: the events in order, each hash recomputed, compared with every anchor on the way.
    private func verifyChain(
        path: String, anchors: [Int64: Anchor], extraAnchors: [Int64: Anchor], report: inout ExportReport
    ) throws {
        var previous: ChainHead?
        var checkpointLines = 0
        var parser = EvidenceLineParser()
        var content: [UInt8] = []
        content.reserveCapacity(4096)
        try EvidenceFileReader.forEachLine(path: path) { line, number in
            func stop(_ position: Int64?, _ reason: String) -> Stop {
                Stop(failure: .init(file: path, line: number, position: position, reason: reason))
            }
            do {
                try parser.parse(line)
            } catch {
                throw stop(nil, "malformed line: \(error)")
            }
            let kind = (try? parser.bytes("record")) ?? []
            if kind.elementsEqual("checkpoint".utf8) {
                checkpointLines += 1
                return
            }
            guard kind.elementsEqual("event".utf8) else { throw stop(nil, "\"record\" must be \"event\" or \"checkpoint\"") }
            guard checkpointLines == 0 else { throw stop(nil, "an event after the checkpoints") }
            let event: (position: Int64, recordedAt: Int64, previousHash: [UInt8], hash: [UInt8], recomputed: [UInt8])
            do {
                event = try Self.recompute(parser, content: &content)
            } catch {
                throw stop(nil, "malformed event: \(error)")
            }
            if let previous {
                guard event.position == previous.position + 1 else {
                    throw stop(event.position, "position \(previous.position + 1) is missing")
                }
                guard event.previousHash == previous.hash else {
                    throw stop(event.position, "previous_hash is not the hash of the event before it")
                }
            } else {
                guard event.position > 0 else { throw stop(event.position, "positions start at 1") }
                if event.position == 1, event.previousHash != ChainHead.genesis.hash {
                    throw stop(1, "the first event's previous_hash must be 32 zero bytes")
                }
                report.firstPosition = event.position
            }
            guard event.recomputed == event.hash else {
                throw stop(event.position, "the event's content does not match its hash (altered)")
            }
            if let anchor = anchors[event.position] {
                guard anchor.hash == event.hash else {
                    throw stop(event.position, "the recomputed hash disagrees with \(anchor.source): history was rewritten")
                }
                if let recordedAt = anchor.recordedAtMicroseconds, recordedAt != event.recordedAt {
                    throw stop(event.position, "recorded_at_us disagrees with \(anchor.source)")
                }
            }
            previous = ChainHead(position: event.position, hash: event.hash)
            report.events += 1
        }
        guard checkpointLines == report.checkpoints.count else {
            throw Stop(
                failure: .init(
                    file: path, line: nil, position: nil,
                    reason: "a checkpoint line does not start with {\"record\":\"checkpoint\""))
        }
        report.head = previous
        // A file of checkpoints only (a saved `GET /events/checkpoints`) vouches for positions it does not contain;
        // anything else must contain every position its evidence vouches for.
        let last = previous?.position ?? 0
        let binding = report.events > 0 ? anchors : extraAnchors
        if let beyond = binding.keys.filter({ $0 > last }).min(), let anchor = anchors[beyond] {
            throw Stop(
                failure: .init(
                    file: path, line: nil, position: beyond,
                    reason: "\(anchor.source) vouches for position \(beyond), but the log here ends at \(last): truncated"))
        }
    }

    /// The event's fields and its hash recomputed from them (docs/LOG-EVIDENCE.md, "Recomputing an event's hash").
    /// `content` is a buffer reused from event to event.
    static func recompute(_ line: EvidenceLineParser, content: inout [UInt8]) throws(EvidenceLineError) -> (
        position: Int64, recordedAt: Int64, previousHash: [UInt8], hash: [UInt8], recomputed: [UInt8]
    ) {
        let position = try line.integer("position")
        let recordedAt = try line.integer("recorded_at_us")
        let previousHash = try line.hash("previous_hash")
        let hash = try line.hash("hash")
        content.removeAll(keepingCapacity: true)
        content.append(contentsOf: previousHash)
        appendDecimal(position, to: &content)
        HashChain.appendLengthPrefixed(try line.bytes("stream_id"), to: &content)
        appendDecimal(try line.integer("stream_version"), to: &content)
        HashChain.appendLengthPrefixed(try line.bytes("event_id"), to: &content)
        HashChain.appendLengthPrefixed(try line.bytes("event_type"), to: &content)
        appendDecimal(try line.integer("schema_version"), to: &content)
        HashChain.appendLengthPrefixed(try line.bytes("data_text"), to: &content)
        HashChain.appendLengthPrefixed(try line.bytes("metadata_text"), to: &content)
        appendDecimal(recordedAt, to: &content)
        return (position, recordedAt, previousHash, hash, SHA256.hash(content))
    }

    /// `number` as length-prefixed shortest decimal text, without making a String.
    static func appendDecimal(_ number: Int64, to content: inout [UInt8]) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = number.magnitude
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            HashChain.appendLengthPrefixed(UnsafeRawBufferPointer(rebasing: buffer[start...]), to: &content)
        }
    }

    static func checkpoint(_ line: EvidenceLineParser) throws(EvidenceLineError) -> LogCheckpoint {
        let signatureText = try line.bytes("signature")
        guard let signature = Base64URL.decode(utf8: signatureText), signature.count == Ed25519PublicKey.signatureCount else {
            throw EvidenceLineError("\"signature\" must be 64 bytes in base64url")
        }
        let position = try line.integer("position")
        guard position > 0 else { throw EvidenceLineError("\"position\" must be positive") }
        return LogCheckpoint(
            position: position, hash: try line.hash("hash"), recordedAtMicroseconds: try line.integer("recorded_at_us"),
            signedAtMicroseconds: try line.integer("signed_at_us"),
            keyID: String(decoding: try line.bytes("key_id"), as: UTF8.self), signature: signature)
    }
}
