import CLibPQ
import Glibc

/// One libpq connection with synchronous calls.
///
/// libpq's rule: a `PGconn` must not be used by two threads at once. This class is not `Sendable`, so the compiler
/// keeps it in one isolation region; the pool goes further and creates, uses and closes each of its connections on
/// that connection's own thread. Calls block, so never make them on Swift's cooperative pool: use `PostgresPool`.
///
/// Statements are prepared once per connection (keyed by SQL text and parameter types) and executed with
/// `PQexecPrepared`; parameters and results use the binary format. The `PGconn` is `PQfinish`ed once, in `deinit`.
public final class PostgresConnection {
    private let handle: OpaquePointer
    private let noticeSink: NoticeSink
    private var preparedStatements: [StatementKey: String] = [:]
    private var preparedStatementCounter = 0
    private var savepointDepth = 0

    /// Prepared statements kept per connection before they are all deallocated, so SQL text built at run time cannot
    /// grow a connection without bound.
    static let preparedStatementLimit = 512

    private struct StatementKey: Hashable {
        let sql: String
        let parameterTypes: [UInt32]
    }

    /// Receives the server's notices (warnings, `RAISE NOTICE`) on the connection's thread. The default drops them
    /// (libpq's own default would print them to standard error).
    public typealias NoticeHandler = @Sendable (String) -> Void

    /// Opens a connection, blocking the calling thread for at most the configuration's connect timeout.
    public static func connect(
        to configuration: PostgresConfiguration, noticeHandler: NoticeHandler? = nil
    ) throws(PostgresError) -> PostgresConnection {
        let parameters = configuration.libpqParameters
        let keywords = parameters.map { strdup($0.keyword) }
        let values = parameters.map { strdup($0.value) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordPointers = keywords.map { UnsafePointer<CChar>($0) } + [nil]
        let valuePointers = values.map { UnsafePointer<CChar>($0) } + [nil]
        guard let handle = PQconnectdbParams(keywordPointers, valuePointers, 0) else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
            PQfinish(handle)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        return PostgresConnection(taking: handle, noticeHandler: noticeHandler ?? { _ in })
    }

    private init(taking handle: OpaquePointer, noticeHandler: @escaping NoticeHandler) {
        self.handle = handle
        noticeSink = NoticeSink(handler: noticeHandler)
        PQsetNoticeReceiver(
            handle,
            { context, result in
                guard let context, let result else { return }
                let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
                sink.receive(result)
            }, Unmanaged.passUnretained(noticeSink).toOpaque())
    }

    deinit { PQfinish(handle) }

    /// Runs a statement and returns its rows.
    public func query(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        PostgresRows(taking: try run(query))
    }

    /// Runs a statement and returns the number of rows it inserted, updated, deleted or selected (0 for commands
    /// without a count).
    @discardableResult
    public func execute(_ query: PostgresQuery) throws(PostgresError) -> Int {
        let result = try run(query)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs `body` in a transaction: `COMMIT` when it returns, `ROLLBACK` when it throws (the error is rethrown).
    /// A transaction that the server already aborted (an error inside `body` was caught and ignored) is not reported
    /// as committed: it throws `in_failed_sql_transaction` (25P02).
    @discardableResult
    public func withTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try executeSimple("BEGIN")
        let result: Result
        do {
            result = try body()
        } catch {
            rollBackIfPossible("ROLLBACK")
            throw error
        }
        let commandTag = try executeSimple("COMMIT")
        guard commandTag == "COMMIT" else {
            throw PostgresError(
                kind: .server, code: Code.inFailedTransaction, message: "the transaction was aborted and rolled back")
        }
        return result
    }

    /// Runs `body` inside a savepoint of the current transaction: on a thrown error only the work since the savepoint
    /// is undone, the transaction stays usable, and the error is rethrown. Nests.
    @discardableResult
    public func withSavepoint<Result>(_ body: () throws -> Result) throws -> Result {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "nested_\(savepointDepth)"
        try executeSimple("SAVEPOINT \(name)")
        let result: Result
        do {
            result = try body()
        } catch {
            rollBackIfPossible("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw error
        }
        try executeSimple("RELEASE SAVEPOINT \(name)")
        return result
    }

    /// How many statements this connection has prepared and keeps for reuse.
    public var preparedStatementCount: Int { preparedStatements.count }

    /// False once the connection is known to be unusable (closed by the server, network failure), including when the
    /// server announced it is closing the connection (a FATAL message received while idle).
    public var isOpen: Bool { PQstatus(handle) == CONNECTION_OK && !noticeSink.receivedFatal }

    /// True between `BEGIN` and `COMMIT`/`ROLLBACK`.
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    // MARK: - Internals shared with the pool, the listener and the migrator

    /// Reads what the server sent while the connection sat idle, so a connection closed by the server is noticed
    /// before a caller's statement is sent on it. Drops notifications (pooled connections do not LISTEN).
    func refreshIdleState() -> Bool {
        // A terminated backend sends its farewell and then closes: the first read may return only the message, so
        // read until nothing is left (bounded, in case the server keeps sending).
        for _ in 0..<16 {
            guard isOpen else { return false }
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return true }
            guard PQconsumeInput(handle) != 0 else { return false }
            while let notification = PQnotifies(handle) { PQfreemem(notification) }
        }
        return isOpen
    }

    /// The socket libpq reads from, for `poll`.
    var socketDescriptor: Int32 { PQsocket(handle) }

    /// Reads available input without blocking; false when the connection broke.
    func consumeInput() -> Bool {
        PQconsumeInput(handle) != 0 && isOpen
    }

    /// The next notification already received, if any.
    func nextNotification() -> PostgresNotification? {
        guard let notification = PQnotifies(handle) else { return nil }
        defer { PQfreemem(notification) }
        return PostgresNotification(
            channel: String(cString: notification.pointee.relname), payload: String(cString: notification.pointee.extra))
    }

    /// Runs SQL text without parameters through the simple query protocol, which accepts several statements
    /// separated by semicolons (migration files). Returns the last command tag.
    @discardableResult
    func executeSimple(_ sql: String) throws(PostgresError) -> String {
        let result = try checked(PQexec(handle, sql))
        defer { PQclear(result) }
        return String(cString: PQcmdStatus(result))
    }

    private func rollBackIfPossible(_ sql: String) {
        guard isOpen else { return }
        _ = try? executeSimple(sql)
    }

    private func run(_ query: PostgresQuery) throws(PostgresError) -> OpaquePointer {
        let bindings = query.bindings
        let statementName =
            query.plansEachExecution
            ? nil : try preparedStatement(sql: query.sql, parameterTypes: bindings.types)
        let formats = [Int32](repeating: 1, count: bindings.count)
        let result = bindings.writer.bytes.withUnsafeBufferPointer { buffer in
            let values: [UnsafePointer<CChar>?] = zip(bindings.offsets, bindings.lengths).map { offset, length in
                guard length >= 0 else { return nil }
                guard length > 0, let base = buffer.baseAddress else { return emptyValue }
                return UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
            }
            guard let statementName else {
                return PQexecParams(
                    handle, query.sql, Int32(bindings.count), bindings.types, values, bindings.lengths, formats, 1)
            }
            return PQexecPrepared(
                handle, statementName, Int32(bindings.count), values, bindings.lengths, formats, 1)
        }
        do {
            return try checked(result)
        } catch {
            if error.code == Code.featureNotSupported {
                // "cached plan must not change result type": the schema changed under the prepared statement.
                preparedStatements[StatementKey(sql: query.sql, parameterTypes: bindings.types)] = nil
            }
            throw error
        }
    }

    private func preparedStatement(sql: String, parameterTypes: [UInt32]) throws(PostgresError) -> String {
        let key = StatementKey(sql: sql, parameterTypes: parameterTypes)
        if let name = preparedStatements[key] { return name }
        if preparedStatements.count >= Self.preparedStatementLimit, !isInTransaction {
            try executeSimple("DEALLOCATE ALL")
            preparedStatements.removeAll()
        }
        preparedStatementCounter += 1
        let name = "statement_\(preparedStatementCounter)"
        let result = try checked(PQprepare(handle, name, sql, Int32(parameterTypes.count), parameterTypes))
        PQclear(result)
        preparedStatements[key] = name
        return name
    }

    /// Returns a successful result, or clears it and throws the error it describes.
    private func checked(_ result: OpaquePointer?) throws(PostgresError) -> OpaquePointer {
        guard let result else {
            throw PostgresError(
                kind: isOpen ? .client : .connectionLost,
                message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
        }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return result
        default:
            let error = makeError(from: result)
            PQclear(result)
            throw error
        }
    }

    private func makeError(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue ?? 0)) else { return nil }
            return String(cString: value)
        }
        let code = field("C").map(PostgresError.Code.init(rawValue:))
        let kind: PostgresError.Kind = isOpen ? (code == nil ? .client : .server) : .connectionLost
        return PostgresError(
            kind: kind, code: code,
            message: field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines(),
            detail: field("D"), constraint: field("n"), schema: field("s"), table: field("t"), column: field("c"))
    }

    private typealias Code = PostgresError.Code
}

extension PostgresError.Code {
    static let inFailedTransaction = Self(rawValue: "25P02")
    static let featureNotSupported = Self(rawValue: "0A000")
}

/// Receives libpq's notices through its C callback, which gets this object back through an opaque pointer. Owned by
/// its connection and only used on the connection's thread; it outlives every callback because the connection is
/// finished before the sink is released.
///
/// A message of severity FATAL arriving while the connection is idle (the backend was terminated, the server is
/// shutting down) is delivered as a notice; the connection is dead from then on even before libpq reads the EOF.
private final class NoticeSink {
    let handler: PostgresConnection.NoticeHandler
    private(set) var receivedFatal = false

    init(handler: @escaping PostgresConnection.NoticeHandler) { self.handler = handler }

    func receive(_ result: OpaquePointer) {
        let severityField = Int32(Character("V").asciiValue ?? 0)
        if let severity = PQresultErrorField(result, severityField), String(cString: severity) == "FATAL" {
            receivedFatal = true
        }
        handler(String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines())
    }
}

/// A non-NULL pointer for zero-length parameter values: libpq reads a NULL pointer as SQL NULL.
private var emptyValue: UnsafePointer<CChar> {
    UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
