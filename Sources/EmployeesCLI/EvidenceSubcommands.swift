import App
import Crypto
import EventStore
import Foundation
import Glibc

/// The subcommands of the log's evidence (docs/LOG-EVIDENCE.md): `checkpoint` signs the head now, `export-log`
/// writes the log and its checkpoints to a file, `verify-export` checks such a file with no database at all.
enum EvidenceSubcommands {
    /// `verify-log --keys`: check the stored checkpoints against the auditor's copy of the keys, not the database's.
    static let trustedKeys = OptionSpec(
        "keys", kind: .value(placeholder: "FILE"),
        help: "verify the stored checkpoints with these log keys (log-keys.json) instead of those in the database")

    static let specs: [SubcommandSpec] = [
        SubcommandSpec(
            name: "checkpoint",
            summary:
                "sign a checkpoint of the log's head now with the log signing key (data folder or EMPLOYEES_LOG_SIGNING_KEY)",
            options: Subcommands.database),
        SubcommandSpec(
            name: "export-log", summary: "write every event as stored, then the signed checkpoints, as NDJSON to FILE",
            options: Subcommands.database + [
                OptionSpec("from", kind: .value(placeholder: "N"), default: "1", help: "first position to export"),
                OptionSpec("to", kind: .value(placeholder: "N"), help: "last position to export (default: the head)"),
            ], positionals: ["FILE"]),
        SubcommandSpec(
            name: "verify-export",
            summary: "verify an export offline: chain, gapless positions, checkpoint signatures (exit 1 if anything fails)",
            options: [
                OptionSpec(
                    "keys", kind: .value(placeholder: "FILE"), help: "the log's public keys (GET /.well-known/log-keys.json)"),
                OptionSpec(
                    "against", kind: .value(placeholder: "OLDER"),
                    help: "an older export (or saved GET /events/checkpoints) that must be a prefix of FILE"),
            ], positionals: ["FILE"]),
    ]

    /// Runs the subcommand if it is one of these; nil otherwise.
    static func run(_ invocation: ParsedInvocation, environment: [String: String]) async throws -> Int32? {
        switch invocation.subcommand {
        case "checkpoint": try await checkpoint(invocation, environment: environment)
        case "export-log": try await exportLog(invocation)
        case "verify-export": try verifyExport(invocation)
        default: nil
        }
    }

    private static func checkpoint(_ invocation: ParsedInvocation, environment: [String: String]) async throws -> Int32 {
        let configuration = try ServiceConfiguration(invocation)
        return try await Entrypoint.withServices(configuration) { services in
            let signer = try await LogEvidence.signer(
                dataDirectory: configuration.dataDirectory, environment: environment, pool: services.pool)
            guard let checkpoint = try await LogCheckpointStore(pool: services.pool).checkpointHead(with: signer) else {
                print("the log is empty: nothing to sign")
                return 0
            }
            print("checkpoint at position \(checkpoint.position)")
            print("hash: \(Hex.encode(checkpoint.hash))")
            print("signed at: \(UnixMicroseconds.rfc3339(checkpoint.signedAtMicroseconds)) with key \(checkpoint.keyID)")
            return 0
        }
    }

    private static func exportLog(_ invocation: ParsedInvocation) async throws -> Int32 {
        let path = invocation.positionals[0]
        let first = try position(invocation.value("from") ?? "1", option: "from", minimum: 1)
        let last = try invocation.value("to").map { try position($0, option: "to", minimum: 0) }
        let configuration = try ServiceConfiguration(invocation)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw UsageError("cannot create '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        return try await Entrypoint.withServices(configuration) { services in
            let summary = try await LogExporter(pool: services.pool).export(from: first, through: last) { chunk in
                try writeAll(chunk, to: descriptor, path: path)
            }
            guard fsync(descriptor) == 0 else { throw ExportWriteError(path: path, reason: String(cString: strerror(errno))) }
            let range = summary.firstPosition.map { "positions \($0)...\(summary.lastPosition ?? $0)" } ?? "no events"
            print("exported \(summary.events) events (\(range)) and \(summary.checkpoints) checkpoints to \(path)")
            return 0
        }
    }

    private static func verifyExport(_ invocation: ParsedInvocation) throws -> Int32 {
        guard let keysPath = invocation.value("keys") else { throw UsageError("'verify-export' needs --keys log-keys.json") }
        let keys = try loadKeys(keysPath)
        let report = try ExportVerifier(keys: keys).verify(path: invocation.positionals[0], against: invocation.value("against"))
        print(ExportReportText.render(report, against: invocation.value("against")))
        return report.isValid ? 0 : 1
    }

    /// The log keys of a `log-keys.json` file.
    static func loadKeys(_ path: String) throws(UsageError) -> LogKeySet {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read '\(path)'") }
        do {
            return try LogKeySet(jwksJSON: Array(data))
        } catch {
            throw UsageError("\(path): \(error.description)")
        }
    }

    private static func position(_ text: String, option: String, minimum: Int64) throws(UsageError) -> Int64 {
        guard let value = Int64(text), value >= minimum else {
            throw UsageError("--\(option) must be a position of at least \(minimum), not '\(text)'")
        }
        return value
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw ExportWriteError(path: path, reason: String(cString: strerror(errno))) }
            written += result
        }
    }

    struct ExportWriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }
}
