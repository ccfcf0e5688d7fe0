/// Every failure of the Postgres module, as one typed value.
///
/// Why one struct and not an enum: SQLSTATE codes are an open set, so callers match on `code` against static lets
/// (`error.code == .uniqueViolation`) and on `kind` for failures that are not the server's (connection, pool, decoding).
/// `description` is generic and safe to log: it never contains parameter values nor the server's message (which can
/// quote input values). `debugDescription` adds the server message; `detail` (which quotes row values) is only a field.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, at the level a caller decides on (retry, report unavailable, fix the query).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }

        /// The server rejected a statement; `code` holds the SQLSTATE.
        public static let server = Kind("server error")
        /// A connection could not be opened (server down, wrong socket, authentication refused).
        public static let connectionFailed = Kind("connection failed")
        /// An open connection broke during a call; the outcome of that call is unknown.
        public static let connectionLost = Kind("connection lost")
        /// The pool failed fast without trying: a connection attempt failed moments ago.
        public static let serverUnavailable = Kind("server unavailable")
        /// No pooled connection became free within the pool's acquire timeout.
        public static let poolTimeout = Kind("pool timeout")
        /// The pool or listener was shut down.
        public static let closed = Kind("closed")
        /// A result value could not be decoded as the requested Swift type; `column` names the column.
        public static let decoding = Kind("decoding failed")
        /// The configuration could not be parsed or is unusable.
        public static let invalidConfiguration = Kind("invalid configuration")
        /// A client-side failure of libpq that is neither a lost connection nor a server error.
        public static let client = Kind("client error")
    }

    /// A five-character SQLSTATE. The static lets name the codes this project reacts to; any other code compares
    /// by its raw value.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The two-character class, e.g. "23" for integrity constraint violations, "08" for connection exceptions.
        public var errorClass: String { String(rawValue.prefix(2)) }

        public static let uniqueViolation = Code(rawValue: "23505")
        public static let foreignKeyViolation = Code(rawValue: "23503")
        public static let notNullViolation = Code(rawValue: "23502")
        public static let checkViolation = Code(rawValue: "23514")
        public static let exclusionViolation = Code(rawValue: "23P01")
        public static let serializationFailure = Code(rawValue: "40001")
        public static let deadlockDetected = Code(rawValue: "40P01")
        public static let insufficientPrivilege = Code(rawValue: "42501")
        public static let undefinedTable = Code(rawValue: "42P01")
        public static let syntaxError = Code(rawValue: "42601")
        public static let invalidTextRepresentation = Code(rawValue: "22P02")
        public static let raiseException = Code(rawValue: "P0001")
        public static let lockNotAvailable = Code(rawValue: "55P03")
        public static let queryCanceled = Code(rawValue: "57014")
        public static let adminShutdown = Code(rawValue: "57P01")
        public static let cannotConnectNow = Code(rawValue: "57P03")
        public static let connectionFailure = Code(rawValue: "08006")
    }

    public let kind: Kind
    /// The SQLSTATE, when the server sent one.
    public let code: Code?
    /// The server's (or libpq's) primary message. May quote input values: keep it out of logs meant for everyone.
    public let message: String?
    /// The server's detail. Often quotes row values ("Key (email)=(…) already exists"): part of no description.
    public let detail: String?
    public let constraint: String?
    public let schema: String?
    public let table: String?
    /// The column the server named, or the result column a decoding error is about.
    public let column: String?

    init(
        kind: Kind, code: Code? = nil, message: String? = nil, detail: String? = nil, constraint: String? = nil,
        schema: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.schema = schema
        self.table = table
        self.column = column
    }

    /// True when retrying the whole transaction may succeed (serialization failure, deadlock).
    public var isTransient: Bool {
        code == .serializationFailure || code == .deadlockDetected
    }

    /// True when the connection that produced this error must not be used again.
    public var isConnectionBroken: Bool {
        kind == .connectionLost || code?.errorClass == "08" || code == .adminShutdown
    }

    public var description: String {
        var text = "PostgreSQL \(kind)"
        if let code { text += " \(code.rawValue)" }
        if let constraint { text += " (constraint \(constraint))" }
        if kind == .decoding, let column { text += " (column \(column))" }
        return text
    }

    public var debugDescription: String {
        var text = description
        if let table { text += " table=\(table)" }
        if let column, kind != .decoding { text += " column=\(column)" }
        if let message { text += ": \(message)" }
        return text
    }
}
