import Foundation
import Glibc

/// Where `initdb` and `pg_ctl` are: on PATH, else `pg_config --bindir`, else the highest `/usr/lib/postgresql/*/bin`.
struct PostgresTools {
    let initdb: String
    let pgCtl: String

    static func locate() throws(EmbeddedPostgresError) -> PostgresTools {
        let fileManager = FileManager.default
        var candidates: [String] = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if let pgConfig = candidates.map({ $0 + "/pg_config" }).first(where: fileManager.isExecutableFile(atPath:)),
            let bindir = try? captureOutput(pgConfig, ["--bindir"])
        {
            candidates.append(bindir)
        }
        let versions = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in candidates {
            let initdb = directory + "/initdb"
            let pgCtl = directory + "/pg_ctl"
            if fileManager.isExecutableFile(atPath: initdb), fileManager.isExecutableFile(atPath: pgCtl) {
                return PostgresTools(initdb: initdb, pgCtl: pgCtl)
            }
        }
        throw EmbeddedPostgresError(step: "find initdb and pg_ctl", output: "not on PATH, not in pg_config --bindir")
    }

    private static func captureOutput(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
