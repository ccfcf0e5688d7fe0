import Foundation

/// Applies the `*.sql` files of a folder in name order, once each, and records them in `schema_migrations`
/// (name, SHA-256 checksum, applied_at).
///
/// - Each file runs in its own transaction (so a file must not contain `BEGIN`/`COMMIT` nor statements that refuse
///   transactions, such as `CREATE INDEX CONCURRENTLY`); a failing file is rolled back and named in the error.
/// - The whole run holds a PostgreSQL advisory lock, so two processes starting together apply each file once.
/// - An applied file whose content changed is refused: migrations are history, write a new file instead.
/// - Checksums are computed by the server (`sha256(bytea)`), so this module needs no cryptography of its own.
public struct Migrator: Sendable {
    public let folder: String

    /// The advisory lock key that serializes migrators of one database.
    static let advisoryLockKey: Int64 = 0x656D_706C_6F79_6565

    public init(folder: String) {
        self.folder = folder
    }

    /// Applies the pending files and returns their names, in order.
    @discardableResult
    public func migrate(on connection: PostgresConnection) throws(MigrationError) -> [String] {
        let files = try migrationFiles()
        try bookkeeping { () throws(PostgresError) in
            try connection.execute("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
        }
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))") }
        let applied = try bookkeeping { () throws(PostgresError) in
            try connection.executeSimple(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            return try appliedChecksums(on: connection)
        }
        var newlyApplied: [String] = []
        for file in files {
            let checksum = try checksum(of: file, on: connection)
            if let recorded = applied[file.name] {
                guard recorded == checksum else { throw MigrationError(kind: .checksumMismatch, file: file.name) }
                continue
            }
            do {
                try connection.withTransaction {
                    try connection.executeSimple(String(decoding: file.content, as: UTF8.self))
                    try connection.execute(
                        "INSERT INTO schema_migrations (name, checksum) VALUES (\(file.name), \(checksum))")
                }
            } catch {
                throw MigrationError(kind: .failed, file: file.name, underlying: error as? PostgresError)
            }
            newlyApplied.append(file.name)
        }
        return newlyApplied
    }

    /// The files not applied yet, in order. Throws `.checksumMismatch` when an applied file was edited.
    /// An empty answer means the database is ready for this code.
    public func pendingMigrations(on connection: PostgresConnection) throws(MigrationError) -> [String] {
        let files = try migrationFiles()
        let applied = try bookkeeping { () throws(PostgresError) -> [String: String] in
            let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")[0]
                .decode(Bool.self, column: 0)
            return exists ? try appliedChecksums(on: connection) : [:]
        }
        var pending: [String] = []
        for file in files {
            guard let recorded = applied[file.name] else {
                pending.append(file.name)
                continue
            }
            guard recorded == (try checksum(of: file, on: connection)) else {
                throw MigrationError(kind: .checksumMismatch, file: file.name)
            }
        }
        return pending
    }

    /// True when every file of the folder is applied unchanged (for readiness checks).
    public func isFullyApplied(on connection: PostgresConnection) -> Bool {
        (try? pendingMigrations(on: connection).isEmpty) ?? false
    }

    // MARK: - Steps

    private struct MigrationFile {
        let name: String
        let content: [UInt8]
    }

    private func migrationFiles() throws(MigrationError) -> [MigrationFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }
        } catch {
            throw MigrationError(kind: .unreadable, file: folder)
        }
        var files: [MigrationFile] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw MigrationError(kind: .unreadable, file: name)
            }
            files.append(MigrationFile(name: name, content: [UInt8](data)))
        }
        return files
    }

    private func appliedChecksums(on connection: PostgresConnection) throws(PostgresError) -> [String: String] {
        var applied: [String: String] = [:]
        for row in try connection.query("SELECT name, checksum FROM schema_migrations") {
            applied[try row.decode(String.self, column: 0)] = try row.decode(String.self, column: 1)
        }
        return applied
    }

    private func checksum(of file: MigrationFile, on connection: PostgresConnection) throws(MigrationError) -> String {
        try bookkeeping { () throws(PostgresError) in
            try connection.query("SELECT encode(sha256(\(file.content)), 'hex')")[0].decode(String.self, column: 0)
        }
    }

    @discardableResult
    private func bookkeeping<Value>(_ body: () throws(PostgresError) -> Value) throws(MigrationError) -> Value {
        do {
            return try body()
        } catch {
            throw MigrationError(kind: .bookkeeping, file: nil, underlying: error)
        }
    }
}
